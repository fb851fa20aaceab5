"""Can the held-out entries choose the forest's leaf size (1 or 2 rows)?

For each development mask: a default MisGANImputer fitted with the forest's
leaves forced to 1 and to 2 rows (test RMSE, fit time), and, inside the
first of those fits, the held-out RMSE of 10-tree forests with leaves of
1 and of 2 (what a choice on held-out entries would see). Run from
benchmarks/: python results/forest_size_search/leaf_choice.py DATASET SEEDS
"""
import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from _common import impute_on_masks  # noqa: E402
from study_blended import make_task  # noqa: E402
from study_cost import _Patched  # noqa: E402

from skgan import MisGANImputer  # noqa: E402
from skgan.impute import _blend  # noqa: E402

HELD = []
_init = _blend.MemberFits.__init__


def recording_init(self, names, X01, held, *, seed, groups=None):
    _init(self, names, X01, held, seed=seed, groups=groups)
    if groups is not None or not held.any():
        return
    X_fit = np.where(held, np.nan, X01)
    row = {}
    with _blend.member_threads(X01.shape):
        for leaf in (1, 2):
            member = _blend.make_member("forest", X01.shape, seed,
                                        trees=_blend.HELDOUT_FOREST_TREES, min_samples_leaf=leaf)
            pred = member.fit_transform(X_fit)[held]
            row[f"heldout_l{leaf}"] = float(np.sqrt(np.mean((pred - X01[held]) ** 2)))
    HELD.append(row)


_blend.MemberFits.__init__ = recording_init


def leaf_variant(leaf):
    return lambda seed: _Patched(MisGANImputer(random_state=seed),
                                 {"forest_leaf": lambda n_samples: leaf})


ds, seeds = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
out = Path("/tmp/s/f")
out.mkdir(parents=True, exist_ok=True)
for seed in seeds:
    HELD.clear()
    rows = impute_on_masks({f"leaves {leaf}": leaf_variant(leaf) for leaf in (1, 2)},
                           [(ds, seed)], make_task, out / f"leaf_{ds}_{seed}.csv")
    if HELD:
        with open(out / f"leaf_heldout_{ds}.csv", "a", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([ds, seed, HELD[0]["heldout_l1"], HELD[0]["heldout_l2"]])
