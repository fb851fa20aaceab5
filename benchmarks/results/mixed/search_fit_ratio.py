"""Scratch search: an imputer's fit on a mixed table over its fit on the
table's numeric columns alone (see search.md).

``python results/mixed/search_fit_ratio.py DATA SEEDS {gain,misgan,hexagan}
CHECKOUT`` (from ``benchmarks/``): default fits, one thread, each mixed fit
right before its numeric-only twin, after one warm-up fit; the ratio of the
mean fit times over the development masks SEEDS.
"""
import sys
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")
root = sys.argv[4]
sys.path[:0] = [root, str(Path(__file__).resolve().parents[2])]  # skgan, benchmarks/
import numpy as np  # noqa: E402

import _common  # noqa: E402
import bench_mixed as bm  # noqa: E402
import skgan  # noqa: E402
from skgan import GAINImputer, HexaGANImputer, MisGANImputer  # noqa: E402

assert skgan.__file__.startswith(root), skgan.__file__
ds, seeds = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
imputer = {"gain": GAINImputer, "misgan": MisGANImputer, "hexagan": HexaGANImputer}[sys.argv[3]]
truth = bm.impute_table(ds, False)
with _common.one_thread():
    imputer(random_state=0, max_iter=1).fit(bm.mcar_mixed(truth, 0.2, (0, 0))[0])
    res = []
    for seed in seeds:
        masked, mask = bm.mcar_mixed(truth, bm.MISSING_RATE, (seed, 0))
        row = []
        for table in (masked, masked[bm.numeric_columns(truth)]):
            est = imputer(random_state=seed)
            start = time.perf_counter()
            est.fit(table)
            row += [time.perf_counter() - start, est.n_iter_]
        res.append(row)
        print(seed, "mixed s, epochs, numeric s, epochs", np.round(row, 2), flush=True)
r = np.array(res)
print("MEAN", ds, sys.argv[3], "mixed %.2f numeric %.2f ratio %.3f"
      % (r[:, 0].mean(), r[:, 2].mean(), r[:, 0].mean() / r[:, 2].mean()))
