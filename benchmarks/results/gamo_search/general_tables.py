"""Scratch search (2026-12-04, eleventh session): GAMOClassifier variants of
``variants.py`` on four small general tables, 5-fold balanced accuracy.

    python general_tables.py LOG VARIANT [VARIANT ...]
"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import numpy as np, torch
from sklearn.datasets import load_breast_cancer, load_wine, make_classification
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import balanced_accuracy_score
from threadpoolctl import threadpool_limits
import variants
torch.set_num_threads(1)

def tables():
    X, y = load_breast_cancer(return_X_y=True); yield "breast", X, y
    X, y = load_wine(return_X_y=True); yield "wine", X, y
    X, y = make_classification(n_samples=300, n_features=8, n_informative=5, weights=[0.8, 0.2], random_state=0); yield "gauss300", X, y
    X, y = make_classification(n_samples=1000, n_features=20, n_informative=8, n_classes=3, weights=[0.7, 0.2, 0.1], random_state=1)
    X[:, :5] *= 1000; X[:, 5:8] += 50; yield "gauss1000_scaled", X, y

log = sys.argv[1]; names = sys.argv[2:]
for variant in names:
    for name, X, y in tables():
        scores = []
        t0 = time.perf_counter()
        for fold, (tr, te) in enumerate(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)):
            m = variants.build("M", variant, fold, y[tr])
            with threadpool_limits(1):
                m.fit(X[tr], y[tr])
            scores.append(balanced_accuracy_score(y[te], m.predict(X[te])))
        row = {"table": name, "variant": variant, "bacc": round(float(np.mean(scores)), 4), "folds": [round(s, 3) for s in scores], "time": round(time.perf_counter() - t0, 1)}
        print(json.dumps(row), flush=True)
        open(log, "a").write(json.dumps(row) + "\n")
