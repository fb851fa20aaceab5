import sys
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from _common import impute_on_masks
from study_blended import make_task
from study_cost import _Patched
from skgan import MisGANImputer, HexaGANImputer

def v(trees, rounds, leaf, cls=MisGANImputer):
    return lambda seed: _Patched(cls(random_state=seed),
        {"FOREST_TREES": trees, "FOREST_ROUNDS": rounds, "FOREST_LEAF": leaf})
VARIANTS = {f"{t}t {r}r leaf{l}": v(t, r, l) for t, r, l in
            [(30, 4, 2), (30, 4, 1), (50, 4, 1), (50, 8, 1), (100, 4, 1)]}
ds = sys.argv[1]
seeds = [int(s) for s in sys.argv[2].split(",")]
names = sys.argv[3].split("|") if len(sys.argv) > 3 else list(VARIANTS)
impute_on_masks({k: VARIANTS[k] for k in names}, [(ds, s) for s in seeds], make_task, f"/tmp/s/f/{ds}.csv")
