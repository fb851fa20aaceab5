"""Helpers shared by the benchmark scripts: the machine description, the
imputers compared (scikit-learn's peers and every skgan imputer), the data
sets of the imputation tables and small writers for markdown and plots.

Nothing here downloads data: the loaders of :mod:`skgan.datasets` read
packages installed by the benchmark set-up (see the README).
"""

import csv
import os
import platform
import sys
import time
import warnings
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import sklearn
import torch
from joblib import Parallel, delayed, effective_n_jobs, parallel_config
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.ensemble import ExtraTreesRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
from threadpoolctl import threadpool_limits

import skgan
from skgan import datasets as skd

RESULTS = Path(__file__).parent / "results"


def machine_info():
    """Lines describing where and with what the benchmark ran."""
    return [
        f"date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"machine: {platform.platform()}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores "
        f"(OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')})",
        f"python {platform.python_version()}, torch {torch.__version__} "
        f"({torch.get_num_threads()} threads, CUDA "
        f"{'available' if torch.cuda.is_available() else 'not available'}), "
        f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
        f"skgan {skgan.__version__}",
        f"command: python {' '.join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])}",
    ]


# -- data -------------------------------------------------------------------
#: name -> loader of ``(X, y)``: the raw feature matrix (NaN where naturally
#: missing) and the target.
LOADERS = {
    "breast": lambda: load_breast_cancer(return_X_y=True),
    "wine": lambda: load_wine(return_X_y=True),
    "madelon-like": lambda: skd.make_madelon_like(random_state=0),
    "letter": lambda: skd.load_letter(return_X_y=True),
    "spambase": lambda: skd.load_spambase(return_X_y=True),
    "credit_data": lambda: skd.load_credit_data(
        numeric_only=True, return_X_y=True, as_frame=False
    ),
}

#: Folder of ``<name>.npz`` copies of the data sets (``python
#: benchmarks/_common.py export DIR`` writes them), read instead of the data
#: packages when set: for running the benchmarks on a machine that lacks
#: those packages (a rented GPU box, say) on exactly the same arrays.
CACHE_ENV = "SKGAN_BENCH_CACHE"


def load(name):
    """``(X, y)`` of the benchmark data set ``name`` (see ``LOADERS``)."""
    cache = os.environ.get(CACHE_ENV)
    if cache and (Path(cache) / f"{name}.npz").exists():
        with np.load(Path(cache) / f"{name}.npz") as stored:
            return stored["X"], stored["y"]
    return LOADERS[name]()


#: Data sets read from the optional data packages (the others ship with
#: scikit-learn or are generated).
PACKAGED = ("letter", "spambase", "credit_data")


def export(folder):
    """Write the data sets of ``PACKAGED`` to ``folder/<name>.npz``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in PACKAGED:
        X, y = LOADERS[name]()
        np.savez_compressed(folder / f"{name}.npz", X=X, y=np.asarray(y))
        print(f"{name}: {X.shape} -> {folder / name}.npz")


#: name -> loader of the raw feature matrix alone.
DATASETS = {name: (lambda name=name: load(name)[0]) for name in LOADERS}


@contextmanager
def one_thread():
    """One torch and one BLAS/OpenMP thread for the block, whatever the
    process's setting (so a fit gives the same numbers serially and in a
    joblib worker), restored afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        torch.set_num_threads(before)


def run_longest_first(calls, costs, n_jobs):
    """``fn(*args)`` for every ``(fn, args)`` of ``calls``, in one loky pool of
    ``n_jobs`` single-threaded workers, the largest expected ``costs`` first;
    the results come back in the order of ``calls``."""
    order = sorted(range(len(calls)), key=lambda i: -costs[i])
    with parallel_config(backend="loky", inner_max_num_threads=1):
        done = Parallel(n_jobs=n_jobs, batch_size=1, pre_dispatch="all")(
            delayed(calls[i][0])(*calls[i][1]) for i in order
        )
    results = [None] * len(calls)
    for i, result in zip(order, done):
        results[i] = result
    return results


def expected_wall_seconds(costs, n_jobs):
    """Wall time of tasks of ``costs`` core-seconds on ``n_jobs`` workers,
    each task going, longest first, to the least loaded worker."""
    loads = [0.0] * effective_n_jobs(n_jobs)
    for cost in sorted(costs, reverse=True):
        loads[loads.index(min(loads))] += cost
    return max(loads)


def minmax_nan(X):
    """Per-feature min-max scaling to [0, 1] from observed entries."""
    lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
    return (X - lo) / np.where(hi > lo, hi - lo, 1.0)


# -- methods ----------------------------------------------------------------
def skgan_imputers():
    """Every imputer class exported by ``skgan``, by name."""
    found = {}
    for name in sorted(getattr(skgan, "__all__", dir(skgan))):
        obj = getattr(skgan, name, None)
        if (
            isinstance(obj, type)
            and issubclass(obj, TransformerMixin)
            and name.endswith("Imputer")
        ):
            found[name] = obj
    return found


def _missforest_style(seed, quick, *, leaf):
    return IterativeImputer(
        ExtraTreesRegressor(
            n_estimators=10 if quick else 50,
            max_features="sqrt",
            min_samples_leaf=leaf,
            n_jobs=1,
            random_state=seed,
        ),
        random_state=seed,
        max_iter=3 if quick else 10,
    )


def peer_imputers(quick=False):
    """scikit-learn imputers: name -> factory(seed) -> estimator."""
    return {
        "mean": lambda seed: SimpleImputer(strategy="mean"),
        "KNNImputer": lambda seed: KNNImputer(),
        "IterativeImputer": lambda seed: IterativeImputer(
            random_state=seed, max_iter=3 if quick else 10
        ),
        # MissForest (Stekhoven and Buehlmann, 2012) as scikit-learn's docs
        # build it: round-robin regression with a tree ensemble.
        "MissForest-style": lambda seed: _missforest_style(seed, quick, leaf=2),
        # The same with scikit-learn's default leaves of one row, added when
        # skgan's forest member took them on large tables (2026-12-03): on
        # development masks it beat the leaves of 2 on letter and wine.
        "MissForest-style (leaves of 1)": lambda seed: _missforest_style(
            seed, quick, leaf=1
        ),
        "miceforest": lambda seed: MiceForest(
            iterations=2 if quick else 5, random_state=seed
        ),
    }


class MiceForest(TransformerMixin, BaseEstimator):
    """miceforest's ``ImputationKernel`` (LightGBM chained equations) behind
    ``fit`` / ``transform``: one imputed data set, ``iterations`` rounds,
    LightGBM's predictions as the imputations (``mean_match_candidates=0``),
    everything else at miceforest's defaults. Its default mean matching
    calls a private LightGBM method that LightGBM 4.7 no longer has."""

    def __init__(self, iterations=5, random_state=None):
        self.iterations = iterations
        self.random_state = random_state

    @staticmethod
    def _frame(X):
        import pandas as pd

        return pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])

    def fit(self, X, y=None):
        import miceforest

        self.kernel_ = miceforest.ImputationKernel(
            self._frame(X),
            num_datasets=1,
            mean_match_candidates=0,
            random_state=self.random_state,
        )
        self.kernel_.mice(self.iterations)
        return self

    def fit_transform(self, X, y=None):
        return self.fit(X).kernel_.complete_data(0).to_numpy(dtype=float)

    def transform(self, X):
        imputed = self.kernel_.impute_new_data(self._frame(X), random_state=self.random_state)
        return imputed.complete_data(0).to_numpy(dtype=float)


#: Settings of the skgan imputers beside their defaults, kept as table rows:
#: the papers' methods as far as parameters reach them, and the ablations.
SKGAN_VARIANTS = {
    "MisGANImputer (adversarial off)": ("MisGANImputer", {"adversarial": False}),
    "MisGANImputer (no blend)": ("MisGANImputer", {"blend_with": None}),
    # The papers have no early stopping: their rows train for the whole
    # budget (with early stopping, patience 10 stopped MisGAN's paper
    # setting on the noise of its first epochs).
    "MisGANImputer (paper)": (
        "MisGANImputer",
        {"blend_with": None, "n_critic": 5, "reconstruction_weight": 0.0,
         "learning_rate": 1e-4, "early_stopping": False},
    ),
    "HexaGANImputer (adversarial off)": ("HexaGANImputer", {"adversarial": False}),
    "HexaGANImputer (no blend)": ("HexaGANImputer", {"blend_with": None}),
    "HexaGANImputer (paper)": (
        "HexaGANImputer",
        {"blend_with": None, "n_critic": 5, "hidden_weight": 0.0,
         "early_stopping": False},
    ),
    # GAIN's defaults before the blend: the networks alone.
    "GAINImputer (paper)": ("GAINImputer", {"blend_with": None, "n_iter_no_change": 50}),
    # The blend's scikit-learn members with a network trained for one epoch
    # and no adversarial term: the starting point without the GAN.
    "blend members alone": ("MisGANImputer", {"adversarial": False, "max_iter": 1}),
}


def gan_imputers(max_iter=None, variants=False):
    """skgan imputers with their defaults (and, with ``variants``, the
    settings of ``SKGAN_VARIANTS``): name -> factory(seed)."""
    classes = skgan_imputers()

    def factory(cls, settings):
        def make(seed):
            params = {"random_state": seed, **settings}
            if max_iter is not None:
                params["max_iter"] = min(max_iter, params.get("max_iter", max_iter))
            return cls(**params)

        return make

    found = {name: factory(cls, {}) for name, cls in classes.items()}
    if variants:
        for name, (base, settings) in SKGAN_VARIANTS.items():
            found[name] = factory(classes[base], settings)
    return found


def run_imputer(estimator, X_fit, X_apply=None):
    """Fit on ``X_fit``; impute ``X_apply`` (``X_fit`` itself when None, by
    ``fit_transform``). Returns (imputed, fit seconds)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        warnings.filterwarnings("ignore", message=".*Skipping features without")
        start = time.perf_counter()
        if X_apply is None:
            out = estimator.fit_transform(X_fit)
            seconds = time.perf_counter() - start
        else:
            estimator.fit(X_fit)
            seconds = time.perf_counter() - start
            out = estimator.transform(X_apply)
    if not np.isfinite(out).all():
        raise RuntimeError(f"{estimator!r} returned non-finite values")
    return out, seconds


def rmse(X_true, X_imputed, mask):
    """RMSE over the entries of ``mask`` (the ones removed on purpose)."""
    return float(np.sqrt(np.mean((X_imputed[mask] - X_true[mask]) ** 2)))


def impute_on_masks(factories, masks, make_task, csv_path):
    """``fit_transform`` of every ``factories[variant](seed)`` on each
    ``(dataset, seed)`` of ``masks``, one fit at a time on one thread.

    ``make_task(dataset, seed)`` returns the complete data, the data with
    holes and the mask of the holes. A row ``dataset, variant, seed, rmse,
    fit_time_s`` is written to ``csv_path`` after every fit, and the fits it
    already holds are skipped, so an interrupted run resumes. Returns every
    row (the values of rows read back from the CSV are strings).
    """
    records = []
    if Path(csv_path).exists():
        with open(csv_path, newline="") as f:
            records = list(csv.DictReader(f))
    done = {(r["dataset"], r["variant"], int(r["seed"])) for r in records}
    for dataset, seed in masks:
        todo = [v for v in factories if (dataset, v, seed) not in done]
        if not todo:
            continue
        X, X_missing, missing = make_task(dataset, seed)
        for variant in todo:
            with one_thread():
                imputed, seconds = run_imputer(factories[variant](seed), X_missing)
            records.append(
                dict(dataset=dataset, variant=variant, seed=seed,
                     rmse=rmse(X, imputed, missing), fit_time_s=seconds)
            )
            with open(csv_path, "w", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=list(records[-1]))
                writer.writeheader()
                writer.writerows(records)
            print(f"{dataset:7s} {seed} {variant:48s} {records[-1]['rmse']:.4f}")
    return records


# -- writers ------------------------------------------------------------------
def machine_lines():
    """The "Machine:" paragraph that ends a results file."""
    return ["Machine:", "", *[f"- {line}" for line in machine_info()]]


def markdown_table(header, rows):
    """A GitHub markdown table; numbers right-aligned."""
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def variant_table(frame, variants):
    """Header and rows of a search log: per variant (in the order of
    ``variants``) and data set, the mean RMSE over masks (their number in
    brackets) and the mean fit time. ``frame`` holds the rows written by
    :func:`impute_on_masks`."""
    datasets = list(dict.fromkeys(frame.dataset))
    table = frame.groupby(["variant", "dataset"]).agg(
        rmse=("rmse", "mean"), seconds=("fit_time_s", "mean"), n=("seed", "count")
    )
    header, rows = ["variant"], []
    for dataset in datasets:
        header += [f"{dataset} RMSE", f"{dataset} fit s"]
    for variant in variants:
        cells = [variant]
        for dataset in datasets:
            if (variant, dataset) in table.index:
                r = table.loc[(variant, dataset)]
                cells += [f"{r.rmse:.4f} ({r.n:.0f})", f"{r.seconds:.1f}"]
            else:
                cells += ["–", "–"]
        rows.append(cells)
    return header, rows


def mean_std(values, digits=4):
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "export":
        sys.exit("usage: python benchmarks/_common.py export DIR")
    export(sys.argv[2])
