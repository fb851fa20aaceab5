import sys, time, re
import numpy as np
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from _common import rmse, one_thread
from study_blended import make_task
from skgan.impute import _blend
from skgan.impute._blend import make_member
ds = sys.argv[1]
def member(shape, seed, spec):
    t, r, l, p = re.fullmatch(r"t(\d+)r(\d+)l(\d+)p(\d+)", spec).groups()
    old = _blend.FOREST_TREES, _blend.FOREST_ROUNDS, _blend.MAX_PREDICTORS
    _blend.FOREST_TREES, _blend.FOREST_ROUNDS, _blend.MAX_PREDICTORS = int(t), int(r), int(p)
    try:
        return make_member("forest", shape, seed, min_samples_leaf=int(l))
    finally:
        _blend.FOREST_TREES, _blend.FOREST_ROUNDS, _blend.MAX_PREDICTORS = old
res = {}
for seed in map(int, sys.argv[2].split(",")):
    X, Xm, miss = make_task(ds, seed)
    for spec in sys.argv[3].split(","):
        est = member(Xm.shape, seed, spec)
        with one_thread():
            t = time.perf_counter(); out = est.fit_transform(Xm); t = time.perf_counter() - t
        res.setdefault(spec, []).append((rmse(X, out, miss), t))
        print(ds, seed, spec, round(res[spec][-1][0], 4), round(t, 1), flush=True)
for spec, v in res.items():
    print("MEAN", ds, spec, round(np.mean([a for a, _ in v]), 4), round(np.mean([b for _, b in v]), 1))
