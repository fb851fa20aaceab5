"""Scratch search: an imputer's fit on a mixed table over its fit on the
table's numeric columns alone (see search.md).

``python results/mixed/search_fit_ratio.py DATA SEEDS {gain,misgan,hexagan}
CHECKOUT [--no-knn]`` (from ``benchmarks/``): default fits, one thread,
each mixed fit right before its numeric-only twin, after one warm-up fit;
prints each fit's seconds, epochs, numeric RMSE and categorical accuracy,
their means over the development masks SEEDS and the ratio of the mean fit
times. ``--no-knn`` adds, right after each mixed fit, the same with
``blend_with=("iterative", "forest")`` (the runs of "The blend without KNN
on a mixed table" in search.md, then a separate ``search_knn_member.py``).
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
variants = {"mixed": {}}
if "--no-knn" in sys.argv[5:]:
    variants["mixed, no knn"] = {"blend_with": ("iterative", "forest")}
variants["numeric only"] = {}
truth = bm.impute_table(ds, False)
rows = {name: [] for name in variants}
with _common.one_thread():
    imputer(random_state=0, max_iter=1).fit(bm.mcar_mixed(truth, 0.2, (0, 0))[0])
    for seed in seeds:
        masked, mask = bm.mcar_mixed(truth, bm.MISSING_RATE, (seed, 0))
        for name, params in variants.items():
            table = masked[bm.numeric_columns(truth)] if name == "numeric only" else masked
            est = imputer(random_state=seed, **params).set_output(transform="pandas")
            start = time.perf_counter()
            est.fit(table)
            seconds = time.perf_counter() - start
            cols = [list(truth.columns).index(c) for c in table.columns]
            score = bm.score_imputation(truth[table.columns], est.transform(table), mask[:, cols])
            rows[name].append(
                [seconds, est.n_iter_, score["numeric_rmse"], score["categorical_accuracy"]]
            )
            print(seed, name, "s, epochs, RMSE, accuracy", np.round(rows[name][-1], 4), flush=True)
means = {name: np.mean(values, axis=0) for name, values in rows.items()}
for name, mean in means.items():
    print("MEAN", ds, sys.argv[3], name, "s, epochs, RMSE, accuracy", np.round(mean, 4))
numeric = means["numeric only"][0]
print("RATIO", ds, sys.argv[3], ", ".join(
    f"{name} {mean[0] / numeric:.3f}" for name, mean in means.items() if name != "numeric only"
))
