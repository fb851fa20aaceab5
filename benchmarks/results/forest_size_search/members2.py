import sys, time
import numpy as np
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from _common import _missforest_style, rmse, one_thread
from study_blended import make_task
from skgan.impute import _blend
from skgan.impute._blend import make_member
ds = sys.argv[1]; seed = int(sys.argv[2])
X, Xm, miss = make_task(ds, seed)
def member(trees=30, rounds=4, leaf=1, predictors=50):
    old = _blend.FOREST_TREES, _blend.FOREST_ROUNDS, _blend.MAX_PREDICTORS
    _blend.FOREST_TREES, _blend.FOREST_ROUNDS, _blend.MAX_PREDICTORS = trees, rounds, predictors
    try:
        return make_member("forest", Xm.shape, seed, min_samples_leaf=leaf)
    finally:
        _blend.FOREST_TREES, _blend.FOREST_ROUNDS, _blend.MAX_PREDICTORS = old
cands = {"peer leaf1": lambda: _missforest_style(seed, False, leaf=1),
         "member 30t4r leaf1": lambda: member(),
         "member 30t4r leaf1 allpred": lambda: member(predictors=1000),
         "member 50t4r leaf1": lambda: member(trees=50),
         "member 30t8r leaf1": lambda: member(rounds=8),
         "iterative": lambda: make_member("iterative", Xm.shape, seed),
         "knn": lambda: make_member("knn", Xm.shape, seed)}
names = sys.argv[3].split("|")
for k in names:
    est = cands[k]()
    with one_thread():
        t = time.perf_counter(); out = est.fit_transform(Xm); t = time.perf_counter() - t
    it = getattr(est, "n_iter_", None)
    print(ds, seed, k, round(rmse(X, out, miss), 4), round(t, 1), "rounds", it, flush=True)
    np.save(f"/tmp/s/f/pred_{ds}_{seed}_{k.replace(' ','_')}.npy", out[miss])
