import sys
import numpy as np
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from sklearn.ensemble import ExtraTreesRegressor
from sklearn.experimental import enable_iterative_imputer  # noqa
from sklearn.impute import IterativeImputer
from _common import impute_on_masks
from study_blended import make_task
from study_cost import _Patched
from skgan import MisGANImputer, HexaGANImputer, GAINImputer
from skgan.impute import _blend

def new_make_member(trees_default, rounds_rule, leaf=1, all_up_to=100):
    orig = _blend.make_member
    def make_member(name, shape, seed, *, trees=None, skip_complete=False, min_samples_leaf=None):
        if name != "forest":
            return orig(name, shape, seed, trees=trees, skip_complete=skip_complete, min_samples_leaf=min_samples_leaf)
        n_samples, n_features = shape
        trees = min(trees or trees_default, trees_default)
        rounds = rounds_rule(n_samples)
        predictors = None if n_features <= all_up_to else 50
        est = ExtraTreesRegressor(
            n_estimators=int(np.clip(9000 // (rounds * n_features), 1, trees)),
            max_features="sqrt", min_samples_leaf=min_samples_leaf or leaf or _blend.forest_leaf(n_samples),
            bootstrap=n_samples > 20000, max_samples=20000 if n_samples > 20000 else None,
            random_state=seed)
        return IterativeImputer(est, max_iter=rounds, n_nearest_features=predictors,
            keep_empty_features=True, skip_complete=skip_complete, random_state=seed)
    return make_member

VARIANTS = {
    "current": None,
    "50t leaf1 r4 pAll": new_make_member(50, lambda n: 4),
    "50t leaf1 r2<1000<=r4 pAll": new_make_member(50, lambda n: 2 if n < 1000 else 4),
    "50t leaf1 r3 pAll": new_make_member(50, lambda n: 3),
    "50t leafrule r3 pAll": new_make_member(50, lambda n: 3, leaf=None),
    "50t leafrule r4 pAll": new_make_member(50, lambda n: 4, leaf=None),
}
cls = {"MisGAN": MisGANImputer, "HexaGAN": HexaGANImputer, "GAIN": GAINImputer}[sys.argv[4] if len(sys.argv) > 4 else "MisGAN"]
def factory(mm):
    if mm is None:
        return lambda seed: cls(random_state=seed)
    return lambda seed: _Patched(cls(random_state=seed), {"make_member": mm})
ds = sys.argv[1]; seeds = [int(s) for s in sys.argv[2].split(",")]
names = sys.argv[3].split("|")
impute_on_masks({f"{cls.__name__} {k}": factory(VARIANTS[k]) for k in names}, [(ds, s) for s in seeds], make_task, f"/tmp/s/f/full_{ds}{__import__('os').environ.get('SUF', '')}.csv")
