"""Search log: HistGradientBoosting settings for HexaGANClassifier's
"gradient_boosting" member, on the development splits of
``study_classifier_blend.py`` (repeats 100-105, the same validation rows),
fitted on the labeled fit rows alone with balanced class weights as the
member is. Run from ``benchmarks/`` with one thread:
``OMP_NUM_THREADS=1 python results/blended_classifier/gb_member_search.py
madelon-like``; prints one dict per fit and writes a CSV beside itself.
"""
import sys, time
from pathlib import Path
import numpy as np, pandas as pd
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import f1_score
from sklearn.ensemble import HistGradientBoostingClassifier as H
from bench_hexagan import dirty, prepare
from _common import one_thread
V = {
 "default": {},
 "es300_lr0.1": dict(max_iter=300, early_stopping=True, n_iter_no_change=20),
 "es500_lr0.05": dict(max_iter=500, learning_rate=0.05, early_stopping=True, n_iter_no_change=20),
 "mf0.5": dict(max_features=0.5),
 "l2_1_leaf40": dict(l2_regularization=1.0, min_samples_leaf=40),
 "es500_lr0.05_mf0.5": dict(max_iter=500, learning_rate=0.05, early_stopping=True, n_iter_no_change=20, max_features=0.5),
}
rows=[]
for name in sys.argv[1:]:
    X, y = prepare(name, False)
    for rep in range(100, 106):
        Xm, yp = dirty(X, y, seed=rep)
        train, _ = next(StratifiedKFold(5, shuffle=True, random_state=rep).split(X, y))
        carve = np.random.default_rng(rep).uniform(size=len(train)) < 0.25
        fit, val = train[~carve], train[carve]
        lab = fit[yp[fit] >= 0]
        for k, p in V.items():
            t=time.time()
            with one_thread():
                m = H(class_weight="balanced", random_state=rep, **p).fit(Xm[lab], yp[lab])
            f = f1_score(y[val], m.predict(Xm[val]), average="macro")
            rows.append(dict(dataset=name, repeat=rep, variant=k, f1=f, s=time.time()-t, it=m.n_iter_))
            print(rows[-1], flush=True)
df=pd.DataFrame(rows); df.to_csv(Path(__file__).with_name(f"gb_member_search_{'_'.join(sys.argv[1:])}.csv"), index=False)
print(df.pivot_table(index="variant", columns="dataset", values=["f1","s"]).round(4).to_string())
