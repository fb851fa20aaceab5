"""Search log: does C's weight help HexaGANClassifier's blend? On the
development splits of ``study_classifier_blend.py`` (same validation rows),
the library's default fit scored as it is, with C's weight set to 0 (the
same fit's members combined with their out-of-fold weights), and C alone.
Run from ``benchmarks/`` with one thread:
``OMP_NUM_THREADS=1 python results/blended_classifier/c_weight_check.py
breast 100 101 ...``; prints one line per split.
"""
import sys
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from bench_hexagan import dirty, prepare
from _common import one_thread
from skgan import HexaGANClassifier
from skgan.semi_supervised import _hexagan as hm, _blend
last = {}
orig = hm.fit_blend
def rec(network_proba, members, member_predictions, codes, member_weights=None):
    last["w"] = member_weights
    return orig(network_proba, members, member_predictions, codes, member_weights)
hm.fit_blend = rec
ds = sys.argv[1]; reps = [int(r) for r in sys.argv[2:]]
X, y = prepare(ds, False)
for rep in reps:
    Xm, yp = dirty(X, y, seed=rep)
    train, _ = next(StratifiedKFold(5, shuffle=True, random_state=rep).split(X, y))
    carve = np.random.default_rng(rep).uniform(size=len(train)) < 0.25
    fit, val = train[~carve], train[carve]
    with one_thread():
        clf = HexaGANClassifier(random_state=rep, device="cpu").fit(Xm[fit], yp[fit])
    Xv = Xm[val]
    X01, observed = clf._scaled(Xv, np.isnan(Xv))
    net = clf._network_proba(X01, observed)
    X01n = np.where(observed, X01, np.nan)
    members = sum(w * _blend._probabilities(clf.blend_.members_[k], X01n, len(clf.classes_))
                  for k, w in last["w"].items() if w)
    f1 = lambda p: f1_score(y[val], clf.classes_[p.argmax(axis=1)], average="macro")
    print(ds, rep, round(clf.blend_weights_["network"], 3), {"library": f1(clf.predict_proba(Xv)), "members only": f1(members), "C alone": f1(net)}, flush=True)
