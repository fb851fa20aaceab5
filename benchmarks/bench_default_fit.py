"""What a user's default fit costs on breast cancer: the "≤ 10 s on a
2-core machine" targets of the quality-at-practical-cost issue; and
GAMOResampler's ``fit_resample`` on the imbalanced digits (402 x 64, ten
classes of 4 to 120 rows: ``bench_gamo.make_split``'s training set), the
GAMO issue's "≤ 10 s".

Data: breast cancer (569 x 30), min-max scaled, 20% MCAR (seeds 0-4, the
imputation tables' masks); for :class:`~skgan.HexaGANClassifier` also 20%
of the labels hidden (``bench_hexagan.dirty``). Each estimator at its
defaults (``random_state=seed``), one fit at a time, nothing else running
(the load average is reported), under two thread settings:

* ``default``: the process's own setting, what a user gets on this machine
  (torch and BLAS may take every core; the skgan estimators train small
  networks on one thread, and fit their blend's members on one on tables
  this small);
* ``one thread``: torch and BLAS limited to one thread (``_common.one_thread``),
  the protocol of the imputation tables' fit times.

``python benchmarks/bench_default_fit.py`` writes
``results/default_fit.{md,csv}`` (about 5 minutes on the 2-core machine).
"""

import argparse
import csv
import os
import time
import warnings
from contextlib import nullcontext

import numpy as np

from _common import DATASETS, RESULTS, machine_lines, markdown_table, minmax_nan, one_thread
from bench_gamo import make_split
from bench_hexagan import dirty
from sklearn.datasets import load_breast_cancer

from skgan import GAMOResampler, HexaGANClassifier, HexaGANImputer, MisGANImputer
from skgan.datasets import make_mcar

ESTIMATORS = {
    "MisGANImputer": MisGANImputer,
    "HexaGANImputer": HexaGANImputer,
    "HexaGANClassifier": HexaGANClassifier,
    "GAMOResampler (imbalanced digits)": GAMOResampler,
}
THREADS = {"default": nullcontext, "one thread": one_thread}


def fit_seconds(name, seed, threads):
    X = minmax_nan(DATASETS["breast"]().astype(float))
    est = ESTIMATORS[name](random_state=seed)
    fit = est.fit
    if name.startswith("GAMOResampler"):
        args, fit = make_split(seed)[0], est.fit_resample
    elif name == "HexaGANClassifier":
        X_missing, y = dirty(X, load_breast_cancer().target, seed)
        args = (X_missing, y)
    else:
        args = (make_mcar(X, 0.2, random_state=seed),)
    with THREADS[threads](), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        fit(*args)
        return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args(argv)
    load_start = os.getloadavg()[0]
    records = []
    for threads in THREADS:
        for name in ESTIMATORS:
            for seed in args.seeds:
                seconds = fit_seconds(name, seed, threads)
                print(f"{threads:10s} {name:18s} seed {seed} {seconds:6.2f} s", flush=True)
                records.append(dict(threads=threads, estimator=name, seed=seed, fit_s=seconds))
    load_end = os.getloadavg()[0]
    with open(RESULTS / "default_fit.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    rows = []
    for name in ESTIMATORS:
        row = [name]
        for threads in THREADS:
            times = [r["fit_s"] for r in records if (r["estimator"], r["threads"]) == (name, threads)]
            row.append(f"{np.mean(times):.2f} ± {np.std(times):.2f} (max {max(times):.2f})")
        rows.append(row)
    lines = [
        "# Default fit on breast cancer (GAMO: on the imbalanced digits), one fit at a time",
        "",
        "Written by `benchmarks/bench_default_fit.py` (see its docstring). Fit "
        f"seconds, mean ± std over seeds {args.seeds} (20% MCAR; the classifier "
        "also 20% of the labels hidden; GAMOResampler: `fit_resample` on the "
        "training set of `bench_gamo.py`'s split of that seed), nothing else "
        "running: load average "
        f"{load_start:.2f} at the start, {load_end:.2f} at the end.",
        "",
        *markdown_table(["estimator", *(f"{t} threads" if t == "default" else t for t in THREADS)], rows),
        "",
        *machine_lines(),
    ]
    (RESULTS / "default_fit.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
