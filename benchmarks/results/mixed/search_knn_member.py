"""Scratch search: the blend of a mixed table without its KNN member (see
search.md).

``python results/mixed/search_knn_member.py DATA SEEDS IMPUTER CHECKOUT``
(from ``benchmarks/``): on each development mask of SEEDS, the default
imputer on the mixed table, the same with ``blend_with=("iterative",
"forest")``, and the default on the table's numeric columns alone, one
after the other on one thread; prints fit seconds, numeric RMSE and
categorical accuracy of each, and the means.
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
variants = {
    "mixed, default": lambda seed, table: imputer(random_state=seed),
    "mixed, no knn": lambda seed, table: imputer(
        random_state=seed, blend_with=("iterative", "forest")
    ),
    "numeric only, default": lambda seed, table: imputer(random_state=seed),
}
rows = {name: [] for name in variants}
with _common.one_thread():
    imputer(random_state=0, max_iter=1).fit(bm.mcar_mixed(truth, 0.2, (0, 0))[0])
    for seed in seeds:
        masked, mask = bm.mcar_mixed(truth, bm.MISSING_RATE, (seed, 0))
        for name, make in variants.items():
            table = masked[bm.numeric_columns(truth)] if name.startswith("numeric") else masked
            est = make(seed, table).set_output(transform="pandas")
            start = time.perf_counter()
            est.fit(table)
            seconds = time.perf_counter() - start
            cols = [list(truth.columns).index(c) for c in table.columns]
            score = bm.score_imputation(truth[table.columns], est.transform(table), mask[:, cols])
            rows[name].append([seconds, score["numeric_rmse"], score["categorical_accuracy"]])
            print(seed, name, np.round(rows[name][-1], 4), est.n_iter_, flush=True)
for name, values in rows.items():
    print("MEAN", ds, sys.argv[3], name, "fit s / RMSE / accuracy", np.round(np.mean(values, axis=0), 4))
m, k, n = (np.mean(rows[v], axis=0)[0] for v in variants)
print("RATIO", ds, sys.argv[3], f"default {m / n:.3f}, no knn {k / n:.3f}")
