import sys
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from _common import impute_on_masks
from study_blended import make_task
from study_cost import _Patched
from skgan import MisGANImputer

def v(trees, rounds, leaf, held):
    return lambda seed: _Patched(MisGANImputer(random_state=seed),
        {"FOREST_TREES": trees, "FOREST_ROUNDS": rounds, "FOREST_LEAF": leaf, "HELDOUT_FOREST_TREES": held})
VARIANTS = {f"{t}t {r}r leaf{l} held{h}": v(t, r, l, h) for t, r, l, h in
            [(30, 4, 2, 30), (30, 4, 2, 20), (100, 4, 1, 30), (30, 4, 1, 30)]}
ds = sys.argv[1]
seeds = [int(s) for s in sys.argv[2].split(",")]
impute_on_masks(VARIANTS, [(ds, s) for s in seeds], make_task, f"/tmp/s/f/held_{ds}.csv")
