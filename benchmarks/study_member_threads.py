"""Search log for ``skgan.impute._blend.SINGLE_THREAD_ENTRIES``: do the
blends' scikit-learn members gain from a second BLAS/OpenMP thread?

Synthetic tables (standard normal features, 20% MCAR, a binary target from
the first feature) of the sizes skgan's benchmarks meet; for each, one fit
of HistGradientBoostingClassifier (the classifier's "gradient_boosting"
member; OpenMP) and of IterativeImputer (3 rounds, at most 50 predictors:
the imputers' "iterative" member; BLAS) under ``threadpool_limits`` of 1 and
of 2 threads, nothing else running. Writes
``results/study_member_threads.md``; about 3 minutes on the 2-core
development machine.
"""

import os
import time
import warnings

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer
from threadpoolctl import threadpool_limits

from _common import RESULTS, machine_lines, markdown_table

SHAPES = [(455, 30), (4454, 9), (20000, 16), (4400, 500), (100_000, 20)]


def seconds(fit):
    start = time.perf_counter()
    fit()
    return time.perf_counter() - start


def measure(n, d, threads, rng):
    X = rng.normal(size=(n, d))
    y = (X[:, 0] + rng.normal(size=n) > 0).astype(int)
    X[rng.uniform(size=X.shape) < 0.2] = np.nan
    hgb = HistGradientBoostingClassifier(class_weight="balanced", random_state=0)
    iterative = IterativeImputer(random_state=0, n_nearest_features=min(d, 50), max_iter=3)
    with threadpool_limits(limits=threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return seconds(lambda: hgb.fit(X, y)), seconds(lambda: iterative.fit(X))


def main():
    load = os.getloadavg()[0]
    rows = []
    for n, d in SHAPES:
        one, two = (measure(n, d, t, np.random.default_rng(0)) for t in (1, 2))
        rows.append([f"{n} x {d}", f"{n * d:,}", *(f"{s:.2f}" for s in (*one, *two))])
        print(rows[-1], flush=True)
    lines = [
        "# Search log: the blend members' threads",
        "",
        "Written by `benchmarks/study_member_threads.py` (see its docstring). Fit "
        "seconds, one fit at a time; load average "
        f"{load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end.",
        "",
        *markdown_table(
            ["table", "entries", "HGB, 1 thread", "IterativeImputer, 1 thread",
             "HGB, 2 threads", "IterativeImputer, 2 threads"],
            rows,
        ),
        "",
        *machine_lines(),
    ]
    (RESULTS / "study_member_threads.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
