"""HexaGAN against the tools a scikit-learn user would pick today.

Protocol (paper, section 4 and Tables 2-3, without its selection on the
test fold): each data set is min-max scaled to [0, 1] on its observed
entries, 20% of the entries of X are removed completely at random (on top of
any natural missing values) and 20% of the labels removed (``-1``);
stratified 5-fold cross-validation. Every model is fitted on the training
folds only, with fixed hyperparameters; nothing is chosen on the test fold.

* Classification (HexaGAN's Tables 2-3): breast cancer, wine, Madelon-like
  (4400 x 500, :func:`skgan.datasets.make_madelon_like`) and credit_data
  (4454 x 9 with natural missing values, 1 = "bad"), read through
  ``_common.load``. Macro-F1 and, on the binary data sets, the F1 of the
  positive class (the minority class: malignant on breast cancer, "bad" on
  credit_data, class 1 on Madelon-like) on the test folds, and the fit time,
  of ``HexaGANClassifier`` (default, the paper's Table 2 ablations, and the
  other pseudo-label forms) beside HistGradientBoostingClassifier (native
  NaN support, labeled rows only) and the cascades {IterativeImputer,
  GAINImputer} -> {SMOTE on the labeled rows, class_weight="balanced"} ->
  SelfTrainingClassifier(LogisticRegression).
* Pseudo-label selection (run apart, ``--only selection``; the full run
  repeats its table): the three pseudo-label forms fitted on three quarters
  of the *training* rows of the first folds of breast cancer and wine and
  scored on the held-out quarter; the default form is chosen there.
* Imputation: RMSE on the removed entries of breast cancer and wine
  (transductive: fit and transform on the same incomplete matrix, several
  seeds) of ``HexaGANImputer`` beside SimpleImputer, KNNImputer and
  IterativeImputer.
* Generated rows (``--only samples``): on the training folds of breast
  cancer and wine, rows of ``HexaGANClassifier.sample(y=class)`` and SMOTE's
  rows (the cascade's) against the class's complete real rows: the share a
  logistic regression fitted on complete data assigns to the requested
  class, their spread, and their distance to the nearest real row.
* Cost of the element-wise gradient penalty: time of a D_MI update with no
  penalty, with one backward pass per output, and with the vectorised pass.

Run ``OMP_NUM_THREADS=1 python benchmarks/bench_hexagan.py --n-jobs N``
(``--seeds`` model seeds per fold, ``--repeats`` repetitions of the CV with
new removed entries, labels and folds, ``--datasets`` a subset, ``--variants``
some of the HexaGAN variants, ``--only`` one section). On Madelon-like the
cascades' IterativeImputer draws its predictors from the 50 nearest features
(``REDUCED_IMPUTERS``; at its defaults it costs about 40 minutes a fold); the
report says so. Every fit of the run (data sets x folds x seeds x methods, and the
imputation fits) goes through one joblib pool of ``--n-jobs`` single-threaded
processes, the longest expected fits first; fit times are taken with that
many fits sharing the machine. ``--quick`` is a smoke test (2 folds, 2
imputation seeds, 5 epochs for the GANs, Madelon-like and credit_data cut
to 600 rows and Madelon-like to 40 of its 500 features): its numbers only
show that the pipeline runs. Results go to
``benchmarks/results/hexagan.{md,csv}`` (``results/quick/`` for --quick,
``hexagan_<part>.*`` for --only, ``*_repeated.*`` with --repeats);
``--summarise CSV`` prints the tables of a saved run again without fitting.
With repeats, the differences to the cascade get 95% intervals from the
corrected resampled t-test (:func:`corrected_resampled_interval`).
"""

import argparse
import json
import os
import platform
import shlex
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from imblearn.over_sampling import SMOTE
from scipy import stats
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.semi_supervised import SelfTrainingClassifier

sys.path.insert(0, str(Path(__file__).parent))
from _common import load, minmax_nan, run_longest_first  # noqa: E402

from skgan import GAINImputer, HexaGANClassifier, HexaGANImputer  # noqa: E402
from skgan._nn import (  # noqa: E402
    elementwise_zero_centred_penalty,
    make_mlp,
    projected_zero_centred_penalty,
)
from skgan.impute._hexagan import hidden_width  # noqa: E402

RESULTS = Path(__file__).parent / "results"
#: Data sets of the classification tables, in table order.
DATASETS = ("breast", "wine", "madelon-like", "credit_data")
#: Data sets of the pseudo-label selection and imputation sections.
SMALL = ("breast", "wine")
#: Folds of the stratified cross-validation.
N_FOLDS = 5
#: --quick: rows kept of the larger data sets (stratified), features kept of
#: the wider ones (a fixed random subset), epochs of the GANs.
QUICK_ROWS, QUICK_FEATURES, QUICK_EPOCHS = 600, 40, 5
#: Full mode: data set -> cascade imputer -> parameters set on it. At its
#: defaults IterativeImputer costs about 40 minutes per Madelon-like fold
#: (20 rounds of 500 regressions on 499 predictors); 480 of the 500 features
#: are noise, so each feature has at most 19 informative predictors, which
#: the correlation-weighted draw of ``n_nearest_features`` favours. Fixed
#: before any score was seen, the same as in ``bench_imputation_tables.py``,
#: and stated in the report.
REDUCED_IMPUTERS = {"madelon-like": {"IterativeImputer": {"n_nearest_features": 50}}}


def dirty(X, y, seed, missing_rate=0.2, unlabeled_rate=0.2):
    """20% MCAR in X (natural NaN stay NaN), 20% of the labels set to -1."""
    rng = np.random.RandomState(seed)
    X_missing = np.where(rng.rand(*X.shape) < missing_rate, np.nan, X)
    y_partial = np.where(rng.rand(len(y)) < unlabeled_rate, -1, y)
    return X_missing, y_partial


def prepare(name, quick):
    """``(X, y)`` of ``name``, cut down with --quick, scaled to [0, 1] on its
    observed entries."""
    X, y = load(name)
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if quick and len(X) > QUICK_ROWS:
        keep, _ = train_test_split(
            np.arange(len(X)), train_size=QUICK_ROWS, stratify=y, random_state=0
        )
        X, y = X[np.sort(keep)], y[np.sort(keep)]
    if quick and X.shape[1] > QUICK_FEATURES:
        columns = np.random.RandomState(0).choice(X.shape[1], QUICK_FEATURES, False)
        X = X[:, np.sort(columns)]
    return minmax_nan(X), y


def positive_label(y):
    """The minority class of a binary target (None for more classes)."""
    labels, counts = np.unique(y, return_counts=True)
    return labels[np.argmin(counts)] if len(labels) == 2 else None


# -- methods ----------------------------------------------------------------
def _quiet_fit(model, X, y=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X) if y is None else model.fit(X, y)


#: Class balancing of the cascades: key -> label in the tables.
BALANCES = {"smote": "SMOTE", "balanced": 'class_weight="balanced"'}


def cascade_name(imputer, balance):
    return f"{imputer} -> {BALANCES[balance]} -> SelfTraining(LogReg)"


class Cascade:
    """Imputer -> class balancing -> SelfTrainingClassifier(LogisticRegression).

    The imputer is fitted once on every training row (labeled or not) and
    shared by one cascade per entry of ``labels`` (balance -> method name):
    ``"smote"`` over-samples the labeled rows with SMOTE before
    self-training, ``"balanced"`` gives the logistic regression
    ``class_weight="balanced"``. The fit time of each cascade is the
    imputer's plus its own.
    """

    def __init__(self, imputer, seed, labels):
        self.imputer, self.seed, self.labels = imputer, seed, labels

    def fit(self, X, y):
        start = time.perf_counter()
        Xi = _quiet_fit(self.imputer, X).transform(X)
        imputer_time = time.perf_counter() - start
        self.models_, self.fit_times_ = {}, {}
        for balance in self.labels:
            start = time.perf_counter()
            X_fit, y_fit = Xi, y
            if balance == "smote":
                labeled = y != -1
                X_res, y_res = SMOTE(random_state=self.seed).fit_resample(
                    Xi[labeled], y[labeled]
                )
                X_fit = np.vstack([X_res, Xi[~labeled]])
                y_fit = np.concatenate([y_res, y[~labeled]])
                logreg = LogisticRegression(max_iter=1000)
            else:
                logreg = LogisticRegression(max_iter=1000, class_weight="balanced")
            self.models_[balance] = _quiet_fit(
                SelfTrainingClassifier(logreg), X_fit, y_fit
            )
            self.fit_times_[balance] = imputer_time + time.perf_counter() - start
        return self

    def predict_each(self, X):
        """method name -> (predictions, fit seconds) of every cascade."""
        Xi = self.imputer.transform(X)
        return {
            label: (self.models_[balance].predict(Xi), self.fit_times_[balance])
            for balance, label in self.labels.items()
        }


class LabeledOnly:
    """HistGradientBoostingClassifier on the labeled rows (native NaN)."""

    def __init__(self, seed):
        self.seed = seed

    def fit(self, X, y):
        labeled = y != -1
        self.model = HistGradientBoostingClassifier(random_state=self.seed).fit(
            X[labeled], y[labeled]
        )
        return self

    def predict(self, X):
        return self.model.predict(X)


def _imputers(quick):
    """Imputers of the cascades: name -> factory(seed)."""
    return {
        "IterativeImputer": lambda seed: IterativeImputer(
            random_state=seed, max_iter=3 if quick else 20
        ),
        "GAINImputer": lambda seed: GAINImputer(
            random_state=seed, device="cpu", **_gan_params(quick)
        ),
    }


def _gan_params(quick):
    return {"max_iter": QUICK_EPOCHS} if quick else {}


def peers(quick, imputers=None, balances=tuple(BALANCES), dataset=None):
    """The non-HexaGAN methods: name -> factory(seed) -> estimator. The
    cascades of one imputer are one entry, ``"<imputer> cascades"``; the
    imputers of ``dataset`` get its ``REDUCED_IMPUTERS`` settings (full mode)."""
    methods = {}
    reduced = {} if quick else REDUCED_IMPUTERS.get(dataset, {})
    for imputer, make_imputer in _imputers(quick).items():
        if imputers is None or imputer in imputers:
            labels = {b: cascade_name(imputer, b) for b in balances}
            params = reduced.get(imputer, {})
            methods[f"{imputer} cascades"] = (
                lambda seed, m=make_imputer, l=labels, p=params: Cascade(
                    m(seed).set_params(**p), seed, l
                )
            )
    methods["HistGradientBoosting (native NaN, labeled rows)"] = LabeledOnly
    return methods


#: ``--variants`` keys of :func:`hexagan_variants`, in table order.
VARIANT_KEYS = (
    "default", "no-blend", "members-alone", "no-cg-no-semi", "no-cg", "no-semi",
    "pseudo-labels",
)


def hexagan_variants(keys=VARIANT_KEYS):
    """The default model, the paper's Table 2 ablations and the pseudo-label
    forms (the default's is chosen by ``--only selection``, on validation
    rows carved from the training folds); ``keys`` picks among them."""
    default = HexaGANClassifier().pseudo_label
    groups = {
        "default": {f"HexaGAN (full, default: {default} pseudo-labels)": {}},
        # C alone, as the paper has it (and as the default was before the
        # blend): no scikit-learn member, no early stopping.
        "no-blend": {
            "HexaGAN, C alone (no blend)": dict(blend_with=None, early_stopping=False)
        },
        # The blend's scikit-learn members beside networks trained for one
        # epoch: the blend without the GAN.
        "members-alone": {"blend members alone (one-epoch networks)": dict(max_iter=1)},
        "no-cg-no-semi": {
            "HexaGAN w/o G_CG & D_MI,d+1": dict(
                conditional_generation=False, semi_supervised=False
            )
        },
        "no-cg": {"HexaGAN w/o G_CG": dict(conditional_generation=False)},
        "no-semi": {"HexaGAN w/o D_MI,d+1": dict(semi_supervised=False)},
        "pseudo-labels": {
            f"HexaGAN {label} pseudo-labels": dict(pseudo_label=form)
            for form, label in PSEUDO_LABEL_NAMES.items()
            if form != default
        },
    }
    return {
        label: params for key in keys for label, params in groups[key].items()
    }


PSEUDO_LABEL_NAMES = {
    "gumbel": "straight-through Gumbel",
    "soft": "soft",
    "hard": "rounded (authors', no gradient)",
}


def hexagans(quick, variants=None, extra=None):
    """HexaGANClassifier variants: name -> factory(seed). ``extra``: keyword
    arguments given to every variant (``--hexagan-params``)."""
    return {
        label: lambda seed, p=params: HexaGANClassifier(
            **{
                "random_state": seed,
                "device": "cpu",
                **_gan_params(quick),
                **p,
                **(extra or {}),
            }
        )
        for label, params in (variants or hexagan_variants()).items()
    }


def expected_seconds(method, n, d, quick, max_iter=None):
    """Rough single-core seconds of one fit of ``method`` on ``n`` training
    rows of ``d`` features with default hyperparameters: only orders the
    fits, longest first.

    Calibrated on one core (``OMP_NUM_THREADS=1``): HexaGAN runs about 2000
    updates (its ``max_iter="auto"``), each dominated by the element-wise
    penalty of ``D_MI`` (``d + 1`` batched backward passes; about 74 s an
    epoch of 55 updates, 46 min a fit, on a Madelon-like training fold;
    20-25 s a fit on breast cancer, wine and credit_data);
    IterativeImputer's 20 rounds of ``d`` regressions cost about
    ``1.4e-7 n d^2`` seconds a round (2 min a round on Madelon-like);
    GAINImputer stops early (52 s on Madelon-like).
    """
    batch = min(n, int(np.clip(n // 64, 64, 256)))
    if method.startswith("HexaGAN") or method.startswith("pseudo_label"):
        epochs = QUICK_EPOCHS if quick else max_iter
        updates = epochs * -(-n // batch) if isinstance(epochs, int) else 2000
        seconds = 5.0 + updates * (5e-3 + 9e-8 * batch * d * d)
        return seconds * (0.7 if "w/o G_CG" in method else 1.0)
    if method.startswith("GAINImputer"):
        return (1.0 if quick else 10.0) + 0.1 * d
    if method.startswith("IterativeImputer"):
        return 0.5 + (3 if quick else 20) * 1.4e-7 * n * d * d
    return 0.1 + n * d * 1e-6


# -- tasks ------------------------------------------------------------------
def _fit_and_score(
    task, dataset, method, fold, seed, make, X, y_fit, y_true, fit, evaluate,
    pos_label, repeat=0,
):
    """Fit ``make(seed)`` on rows ``fit`` of ``(X, y_fit)``; score it on rows
    ``evaluate`` against ``y_true``."""
    model = make(seed)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X[fit], y_fit[fit])
    fit_time = time.perf_counter() - start
    if hasattr(model, "predict_each"):  # cascades sharing one imputer fit
        outputs = model.predict_each(X[evaluate])
    else:
        outputs = {method: (model.predict(X[evaluate]), fit_time)}
    rows = []
    for name, (predicted, seconds) in outputs.items():
        rows.append(
            dict(
                task=task,
                dataset=dataset,
                method=name,
                repeat=repeat,
                fold=fold,
                seed=seed,
                macro_f1=f1_score(y_true[evaluate], predicted, average="macro"),
                pos_f1=(
                    np.nan
                    if pos_label is None
                    else f1_score(y_true[evaluate], predicted, pos_label=pos_label)
                ),
                fit_time_s=seconds,
            )
        )
        print(rows[-1], flush=True)
    return rows


def classification(
    datasets, quick, seeds, hexagan_params=None, variants=VARIANT_KEYS,
    with_peers=True, repeats=1, cascade_imputers=None,
):
    """Tasks of the classification tables (and a description of the data
    sets); seed s re-draws the models' randomness (the dirty data and the
    folds stay fixed). Repeat r of ``repeats`` (``--repeats``) re-draws the
    removed entries and labels (``dirty(seed=r)``) and the folds
    (``random_state=r``): repeated stratified 5-fold CV; repeat 0 is the
    single run's. ``hexagan_params``: data set -> keyword arguments of
    every HexaGANClassifier fitted on it (``--hexagan-params``); ``variants``:
    keys of :func:`hexagan_variants` (``--variants``); ``with_peers=False``
    fits HexaGAN alone (``--no-peers``, to add variants to an earlier run)."""
    n_folds = 2 if quick else 5
    tasks, described = [], []
    for name in datasets:
        extra = (hexagan_params or {}).get(name)
        methods = {
            **(
                peers(quick, imputers=cascade_imputers, dataset=name)
                if with_peers
                else {}
            ),
            **hexagans(quick, hexagan_variants(variants), extra=extra),
        }
        reduced = {} if quick else REDUCED_IMPUTERS.get(name, {})
        X, y = prepare(name, quick)
        natural = np.isnan(X).mean()
        pos_label = positive_label(y)
        described.append(
            f"{name} ({X.shape[0]} x {X.shape[1]}, {len(np.unique(y))} classes"
            + (f", {natural:.1%} missing before the 20% MCAR" if natural else "")
            + (
                f", positive class {pos_label} ({(y == pos_label).sum()} rows)"
                if pos_label is not None
                else ""
            )
            + (f", HexaGAN with {extra}" if extra else "")
            + "".join(
                f", {imputer} with {params} (cost; see REDUCED_IMPUTERS)"
                for imputer, params in reduced.items()
            )
            + ")"
        )
        for repeat in range(repeats):
            X_missing, y_partial = dirty(X, y, seed=repeat)
            splitter = StratifiedKFold(N_FOLDS, shuffle=True, random_state=repeat)
            folds = list(splitter.split(X, y))[:n_folds]
            for method, make in methods.items():
                for fold, (train, test) in enumerate(folds):
                    cost = expected_seconds(
                        method, len(train), X.shape[1], quick,
                        (extra or {}).get("max_iter"),
                    )
                    for seed in seeds:
                        tasks.append((cost, _fit_and_score, (
                            "classification", name, method, fold,
                            100 * repeat + 10 * seed + fold, make, X_missing,
                            y_partial, y, train, test, pos_label, repeat,
                        )))
    return tasks, described


def selection(datasets, quick):
    """Tasks of the pseudo-label selection: the form is chosen on validation
    rows from the training folds.

    For each of the first folds, a stratified quarter of the *training*
    rows is held out as validation; every form is fitted on the rest and
    scored there. The test folds are not used.
    """
    n_folds = 2 if quick else 3
    forms = {
        f"pseudo_label={form!r}": dict(pseudo_label=form) for form in PSEUDO_LABEL_NAMES
    }
    methods = {
        **peers(quick, imputers=("IterativeImputer",), balances=("smote",)),
        **hexagans(quick, forms),
    }
    tasks = []
    for name in datasets:
        X, y = prepare(name, quick)
        X_missing, y_partial = dirty(X, y, seed=0)
        folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
        for fold, (train, _) in enumerate(folds[:n_folds]):
            fit, val = train_test_split(
                train, test_size=0.25, stratify=y[train], random_state=100 + fold
            )
            for method, make in methods.items():
                cost = expected_seconds(method, len(fit), X.shape[1], quick)
                tasks.append((cost, _fit_and_score, (
                    "selection", name, method, fold, fold, make,
                    X_missing, y_partial, y, fit, val, positive_label(y),
                )))
    return tasks


#: Rows generated per class by each method of the samples section.
SAMPLES_PER_CLASS = 200


def _generated_row_scores(X_class, generated, reference, label):
    """Scores of rows generated for class ``label`` against that class's
    complete real rows ``X_class``: the share ``reference`` (a classifier
    fitted on complete data) assigns to ``label``; the mean per-feature
    standard deviation of the generated rows over the real rows'; the median
    distance of a generated row to its nearest real row over the median
    distance of a real row to its nearest other real row."""
    real_nn = np.sqrt(((X_class[:, None] - X_class[None]) ** 2).sum(-1))
    np.fill_diagonal(real_nn, np.inf)
    gen_nn = np.sqrt(((generated[:, None] - X_class[None]) ** 2).sum(-1))
    return dict(
        label_agreement=float((reference.predict(generated) == label).mean()),
        spread_ratio=float(generated.std(0).mean() / X_class.std(0).mean()),
        nn_distance_ratio=float(
            np.median(gen_nn.min(1)) / np.median(real_nn.min(1))
        ),
    )


def _sample_and_score(dataset, fold, seed, X, X_missing, y_partial, train, quick):
    """Class-conditional rows of HexaGANClassifier.sample and of SMOTE (on
    IterativeImputer's rows, as in the cascade), scored per class against
    the complete training rows (breast cancer and wine have no natural
    NaN)."""
    X_fit, y_fit = X_missing[train], y_partial[train]
    labeled = y_fit != -1
    reference = _quiet_fit(
        LogisticRegression(max_iter=5000), X[train][labeled], y_fit[labeled]
    )
    start = time.perf_counter()
    hexagan = _quiet_fit(
        HexaGANClassifier(random_state=seed, device="cpu", **_gan_params(quick)),
        X_fit,
        y_fit,
    )
    hexagan_time = time.perf_counter() - start
    start = time.perf_counter()
    imputed = _quiet_fit(IterativeImputer(random_state=seed, max_iter=20), X_fit)
    X_lab, y_lab = imputed.transform(X_fit[labeled]), y_fit[labeled]
    classes, counts = np.unique(y_lab, return_counts=True)
    smote = SMOTE(
        sampling_strategy={c: n + SAMPLES_PER_CLASS for c, n in zip(classes, counts)},
        random_state=seed,
    )
    X_res, y_res = smote.fit_resample(X_lab, y_lab)
    smote_time = time.perf_counter() - start
    X_new, y_new = X_res[len(X_lab):], y_res[len(X_lab):]
    X_complete = X[train][labeled]
    rows = []
    for label in classes:
        X_class = X_complete[y_lab == label]
        generated = {
            "HexaGANClassifier.sample": (
                hexagan.sample(SAMPLES_PER_CLASS, y=label, random_state=seed)[0],
                hexagan_time,
            ),
            "SMOTE (IterativeImputer rows)": (X_new[y_new == label], smote_time),
        }
        for method, (rows_of_class, seconds) in generated.items():
            rows.append(dict(
                task="samples", dataset=dataset, method=method, fold=fold,
                seed=seed, label=label, fit_time_s=seconds,
                **_generated_row_scores(X_class, rows_of_class, reference, label),
            ))
            print(rows[-1], flush=True)
    return rows


def samples(datasets, quick):
    """Tasks of the generated-rows section: every training fold of the first
    CV split, the classifier's ``sample`` against SMOTE's rows."""
    tasks = []
    for name in datasets:
        X, y = prepare(name, quick)
        X_missing, y_partial = dirty(X, y, seed=0)
        folds = StratifiedKFold(N_FOLDS, shuffle=True, random_state=0).split(X, y)
        for fold, (train, _) in enumerate(list(folds)[: 2 if quick else N_FOLDS]):
            cost = expected_seconds("HexaGAN", len(train), X.shape[1], quick)
            tasks.append((cost, _sample_and_score, (
                name, fold, fold, X, X_missing, y_partial, train, quick,
            )))
    return tasks


def _impute_and_score(dataset, method, seed, make, X, X_missing):
    removed = np.isnan(X_missing) & ~np.isnan(X)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X_imputed = make(seed).fit_transform(X_missing)
    row = dict(
        task="imputation",
        dataset=dataset,
        method=method,
        fold=seed,
        rmse=float(np.sqrt(((X_imputed - X)[removed] ** 2).mean())),
        fit_time_s=time.perf_counter() - start,
    )
    print(row, flush=True)
    return row


def imputation(datasets, quick):
    """Tasks of the imputation table (transductive RMSE, several seeds)."""
    tasks = []
    methods = {
        "SimpleImputer(mean)": lambda s: SimpleImputer(),
        "KNNImputer": lambda s: KNNImputer(),
        "IterativeImputer": lambda s: IterativeImputer(random_state=s, max_iter=20),
        "HexaGANImputer": lambda s: HexaGANImputer(
            random_state=s, device="cpu", **_gan_params(quick)
        ),
    }
    for name in datasets:
        X, _ = prepare(name, quick)
        for seed in range(2 if quick else 5):
            X_missing, _ = dirty(X, np.zeros(len(X)), seed=seed)
            for method, make in methods.items():
                cost = 2 * expected_seconds(
                    "HexaGAN" if method == "HexaGANImputer" else method,
                    len(X), X.shape[1], quick,
                )
                tasks.append((cost, _impute_and_score, (
                    name, method, seed, make, X, X_missing,
                )))
    return tasks


def run_all(tasks, n_jobs):
    """Every fit through one pool, the longest expected first; the rows come
    back in the order of ``tasks`` (the order of the tables)."""
    done = run_longest_first(
        [(fn, args) for _, fn, args in tasks], [cost for cost, _, _ in tasks], n_jobs
    )
    return [
        row for found in done for row in (found if isinstance(found, list) else [found])
    ]


def penalty_cost(repeats=200):
    """ms per D_MI update (forward, loss, penalty, backward) at the sizes of
    wine, breast cancer and Madelon-like (where one backward per output is
    too slow to time)."""
    rows = []
    g = torch.Generator().manual_seed(0)
    for d, n_classes in ((13, 3), (30, 2), (500, 2)):
        w = hidden_width(d, "auto")
        critic = make_mlp([d + n_classes, w, d + 1], generator=g)
        x = torch.rand(64, d + n_classes, generator=g)
        real = (torch.rand(64, d + 1, generator=g) > 0.2).float()

        def none():
            return critic(x).mean()

        def per_output():
            xi = x.detach().requires_grad_(True)
            scores = critic(xi)
            total = 0
            for i in range(d + 1):
                (grad,) = torch.autograd.grad(scores[:, i].sum(), xi, create_graph=True)
                norms = grad.pow(2).sum(1)
                total = total + (norms * real[:, i]).sum() / real[:, i].sum().clamp_min(
                    1
                )
            return scores.mean() + total / (d + 1)

        def vectorised():
            xi = x.detach().requires_grad_(True)
            scores = critic(xi)
            return scores.mean() + elementwise_zero_centred_penalty(scores, xi, real)

        def projected():
            xi = x.detach().requires_grad_(True)
            scores = critic(xi)
            uniform = torch.rand(scores.shape, generator=g)
            return scores.mean() + projected_zero_centred_penalty(
                scores, xi, real, uniform
            )

        methods = [
            ("no penalty", none),
            ("one backward per output", per_output),
            ("vectorised (is_grads_batched), exact", vectorised),
            ("projected (one backward), unbiased estimate", projected),
        ]
        wide = d > 64
        if wide:
            methods.pop(1)
        n_timed = repeats // 10 if wide else repeats
        for label, fn in methods:
            for _ in range(3 if wide else 10):
                fn().backward()
            start = time.perf_counter()
            for _ in range(n_timed):
                critic.zero_grad()
                fn().backward()
            rows.append(
                dict(
                    task="penalty_cost",
                    dataset=f"d={d}, batch 64",
                    method=label,
                    ms_per_update=(time.perf_counter() - start) / n_timed * 1e3,
                )
            )
            print(rows[-1], flush=True)
    return rows


def _dataset_columns(rows):
    """Data sets of ``rows`` in ``DATASETS`` order, any others after."""
    present = set(rows.dataset)
    columns = [ds for ds in DATASETS if ds in present]
    return columns + sorted(present - set(columns))


def _table_head(title, columns):
    """Markdown lines of a section title and a method x ``columns`` header."""
    return [
        title,
        "",
        "| method | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
    ]


def _score_table(rows, metric, title, fit_time=True):
    """Markdown lines of one method x data set table: mean +- sd of ``metric``
    and the mean fit time, for the rows of one task."""
    rows = rows[rows[metric].notna()]
    if not len(rows):
        return []
    table = rows.groupby(["method", "dataset"]).agg(
        avg=(metric, "mean"), sd=(metric, "std"), fit=("fit_time_s", "mean")
    )
    columns = _dataset_columns(rows)
    lines = _table_head(title, columns)
    for method in rows.method.unique():
        cells = []
        for ds in columns:
            if (method, ds) not in table.index:
                cells.append("—")
                continue
            r = table.loc[(method, ds)]
            cell = f"{r.avg:.4f} ± {r.sd:.4f}"
            cells.append(cell + (f" ({r.fit:.1f} s)" if fit_time else ""))
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return lines + [""]


#: (task, metric, section title, show fit times) of the score tables, in
#: report order.
SCORE_TABLES = (
    (
        "classification",
        "macro_f1",
        "## Classification: macro-F1 on the test folds (mean ± sd over "
        "folds, seeds and repeats), mean fit time",
        True,
    ),
    (
        "classification",
        "pos_f1",
        "## Classification: F1 of the positive (minority) class on the test "
        "folds, binary data sets (mean ± sd over folds, seeds and repeats)",
        False,
    ),
    (
        "selection",
        "macro_f1",
        "## Pseudo-label selection: macro-F1 on validation rows carved from "
        "the training folds (mean ± sd over folds; test folds unused)",
        True,
    ),
    (
        "imputation",
        "rmse",
        "## Imputation: RMSE on removed entries (mean ± sd over seeds)",
        True,
    ),
    (
        "samples",
        "label_agreement",
        "## Generated rows: share a logistic regression fitted on the complete "
        "training rows assigns to the requested class (mean ± sd over folds "
        "and classes), mean fit time",
        True,
    ),
    (
        "samples",
        "spread_ratio",
        "## Generated rows: mean per-feature standard deviation over the real "
        "class rows' (1 = as spread out as the class)",
        False,
    ),
    (
        "samples",
        "nn_distance_ratio",
        "## Generated rows: median distance to the nearest real row of the "
        "class over the real rows' median nearest-neighbour distance",
        False,
    ),
)


#: Method the repeated-CV differences are taken against (the issue's cascade).
REFERENCE = cascade_name("IterativeImputer", "smote")


def corrected_resampled_interval(diff, n_folds=N_FOLDS, level=0.95):
    """Mean and confidence interval of paired score differences from
    repeated k-fold cross-validation, by the corrected resampled t-test.

    The ``J = k r`` differences of ``r`` repeats of ``k``-fold CV are not
    independent (training sets overlap), so their sample variance ``s^2``
    understates the variance of their mean. Nadeau and Bengio (2003) correct
    it to ``(1 / J + n_test / n_train) s^2`` with ``n_test / n_train = 1 /
    (k - 1)``; the interval is ``mean +- t_{J-1} sqrt(that)`` (Bouckaert and
    Frank, 2004, recommend this test for repeated CV).
    """
    diff = np.asarray(diff, dtype=float)
    n = len(diff)
    se = np.sqrt((1 / n + 1 / (n_folds - 1)) * diff.var(ddof=1))
    half = stats.t.ppf(0.5 + level / 2, n - 1) * se
    return diff.mean(), diff.mean() - half, diff.mean() + half


def _difference_table(rows, title, unit, describe):
    """Markdown lines of every method's macro-F1 minus the reference's.

    Scores are averaged per ``unit`` (columns of ``rows``) before the
    difference is taken; ``describe(diff)`` turns the differences of one
    method on one data set into a cell."""
    if "repeat" not in rows or rows.repeat.nunique() < 2:
        return []
    scores = rows.groupby(["dataset", "method", *unit]).macro_f1.mean()
    columns = _dataset_columns(rows)
    lines = _table_head(title, columns)
    for method in rows.method.unique():
        if method == REFERENCE:
            continue
        cells = []
        for ds in columns:
            if (ds, method) not in scores.index or (ds, REFERENCE) not in scores.index:
                cells.append("—")
                continue
            cells.append(describe((scores[(ds, method)] - scores[(ds, REFERENCE)]).dropna()))
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return lines + [""]


def _repeat_difference_table(rows):
    """Differences per repeat of the CV (mean over its folds and seeds): mean
    +- sd over the repeats and the repeats where the method scored at least
    as high.

    The folds of one repeat share training rows, so their spread understates
    the uncertainty; whole repeats (new removed entries, labels and folds)
    are closer to independent draws, though they score the same rows."""
    title = (
        f"## Classification, repeated CV: macro-F1 minus {REFERENCE}'s, per "
        f"repeat (mean ± sd over {len(set(rows.get('repeat', ())))} "
        "repeats; repeats where the method scored at least as high)"
    )
    return _difference_table(
        rows,
        title,
        ["repeat"],
        lambda d: f"{d.mean():+.4f} ± {d.std():.4f} ({(d >= 0).sum()}/{len(d)})",
    )


def _interval_table(rows):
    """Differences over all test folds with the corrected resampled t
    interval (:func:`corrected_resampled_interval`)."""
    title = (
        f"## Classification, repeated CV: macro-F1 minus {REFERENCE}'s over "
        "all test folds, with a 95% interval (corrected resampled t-test, "
        "Nadeau & Bengio 2003: the folds' variance times 1/J + 1/(k-1))"
    )

    def describe(diff):
        mean, low, high = corrected_resampled_interval(diff)
        return f"{mean:+.4f} [{low:+.4f}, {high:+.4f}]"

    return _difference_table(rows, title, ["repeat", "fold"], describe)


def summarise(frame):
    lines = []
    for task, metric, title, fit_time in SCORE_TABLES:
        if "task" in frame and metric in frame:
            lines += _score_table(frame[frame.task == task], metric, title, fit_time)
    if "task" in frame:
        classified = frame[frame.task == "classification"]
        lines += _repeat_difference_table(classified)
        lines += _interval_table(classified)
    cost = frame[frame.task == "penalty_cost"] if "task" in frame else frame
    if len(cost):
        lines += [
            "## Cost of the element-wise gradient penalty (ms per D_MI update)",
            "",
        ]
        lines += ["| size | method | ms |", "|---|---|---|"]
        for _, r in cost.iterrows():
            lines.append(f"| {r.dataset} | {r.method} | {r.ms_per_update:.2f} |")
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke test: 2 folds, 2 imputation seeds, {QUICK_EPOCHS} GAN epochs, "
        f"at most {QUICK_ROWS} rows and {QUICK_FEATURES} features per data set",
    )
    parser.add_argument(
        "--only",
        choices=["selection", "classification", "imputation", "samples", "penalty"],
        default=None,
        help="one section (default: all but selection, whose saved table "
        "results/hexagan_selection.csv is repeated)",
    )
    parser.add_argument(
        "--datasets",
        nargs="+",
        choices=DATASETS,
        default=list(DATASETS),
        help="data sets (default: all; selection and imputation use breast "
        "and wine among them)",
    )
    parser.add_argument(
        "--hexagan-params",
        action="append",
        default=[],
        metavar="DATASET=JSON",
        help="keyword arguments of every HexaGANClassifier fitted on DATASET "
        "in the classification section, e.g. 'madelon-like={\"max_iter\": 10}' "
        "(repeatable; default: none, the estimator's defaults; stated in the "
        "report)",
    )
    parser.add_argument(
        "--variants",
        nargs="+",
        choices=VARIANT_KEYS,
        default=list(VARIANT_KEYS),
        help="HexaGANClassifier variants of the classification section "
        "(default: all)",
    )
    parser.add_argument(
        "--no-peers",
        action="store_true",
        help="classification: fit the HexaGAN variants only (to add variants "
        "to an earlier run's table)",
    )
    parser.add_argument(
        "--cascade-imputers",
        nargs="+",
        choices=["IterativeImputer", "GAINImputer"],
        default=None,
        help="classification: imputers of the cascades (default: both)",
    )
    parser.add_argument(
        "--seeds", type=int, default=1, help="model seeds per test fold (default 1)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="classification: repetitions of the 5-fold CV, each with its own "
        "removed entries, removed labels and folds (default 1)",
    )
    parser.add_argument(
        "--n-jobs", type=int, default=2, help="fits run in parallel (default 2)"
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        help="where the .md and .csv go (default results/, results/quick/ "
        "with --quick)",
    )
    parser.add_argument(
        "--summarise",
        type=Path,
        default=None,
        metavar="CSV",
        help="print the tables of a saved run's CSV and fit nothing",
    )
    args = parser.parse_args()
    if args.summarise:
        print(summarise(pd.read_csv(args.summarise)))
        return
    hexagan_params = {}
    for item in args.hexagan_params:
        name, _, params = item.partition("=")
        if name not in DATASETS:
            parser.error(f"--hexagan-params: unknown data set {name!r}")
        hexagan_params[name] = json.loads(params)
    seeds_used = range(args.seeds)
    small = [name for name in args.datasets if name in SMALL]
    rows, tasks, described = [], [], []
    if args.only in (None, "penalty"):
        # Timed alone, before the pool starts.
        rows += penalty_cost(50 if args.quick else 200)
    if args.only == "selection":
        tasks += selection(small, args.quick)
    if args.only in (None, "imputation"):
        tasks += imputation(small, args.quick)
    if args.only in (None, "samples"):
        tasks += samples(small, args.quick)
    if args.only in (None, "classification"):
        found, described = classification(
            args.datasets,
            args.quick,
            seeds_used,
            hexagan_params,
            args.variants,
            with_peers=not args.no_peers,
            repeats=args.repeats,
            cascade_imputers=args.cascade_imputers,
        )
        tasks += found
    started = time.perf_counter()
    rows += run_all(tasks, args.n_jobs)
    wall = time.perf_counter() - started
    frame = pd.DataFrame(rows)
    out_dir = args.output_dir or (RESULTS / "quick" if args.quick else RESULTS)
    out_dir.mkdir(parents=True, exist_ok=True)
    selected = RESULTS / "hexagan_selection.csv"
    if args.only is None and not args.quick and selected.exists():
        # The selection run (--only selection) is kept apart: it chose the
        # default before this run; its table is repeated here.
        frame = pd.concat([frame, pd.read_csv(selected)], ignore_index=True)
    stem = (
        "hexagan"
        + (f"_{args.only}" if args.only else "")
        + ("_repeated" if args.repeats > 1 else "")
    )
    frame.to_csv(out_dir / f"{stem}.csv", index=False)
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"Python {platform.python_version()}"
    )
    fit_seconds = sum(r.get("fit_time_s", 0.0) for r in rows)
    header = [
        "# HexaGAN benchmark" + (" (--quick)" if args.quick else ""),
        "",
        f"Machine: {machine}. Generated by `python "
        + shlex.join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])
        + "`. Data scaled to [0, 1] on observed entries, 20% MCAR in X (on top "
        "of natural missing values), 20% of labels removed, stratified CV, "
        "fitted on the training folds only, default hyperparameters (unless "
        "stated with the data sets below), nothing "
        f"selected on the test fold. {args.repeats} repeat(s) of the CV (each "
        "with its own removed entries, labels and folds), "
        f"{len(seeds_used)} model seed(s) per fold; "
        f"{len(tasks)} tasks (a task fits one model, or one imputer and its two "
        f"cascades), {args.n_jobs} in parallel (fit times taken so), "
        f"{wall / 60:.1f} min of wall time, {fit_seconds / 3600:.2f} h of fit "
        f"time summed; 1-minute load average at the end "
        f"{os.getloadavg()[0]:.1f} (other processes may share the machine).",
        "",
    ]
    if args.quick:
        header += [
            f"--quick: a smoke test ({QUICK_EPOCHS} epochs per GAN, 2 folds, at "
            f"most {QUICK_ROWS} rows and {QUICK_FEATURES} features per data "
            "set); its numbers only show that the pipeline runs.",
            "",
        ]
    if described:
        header += ["Classification data sets: " + "; ".join(described) + ".", ""]
    if args.only in (None, "samples"):
        header += [
            f"Generated rows: on each training fold of the first split, "
            f"{SAMPLES_PER_CLASS} rows per class from a default "
            "HexaGANClassifier's `sample(y=class)` and as many SMOTE rows per "
            "class from the IterativeImputer-filled labeled rows (the "
            "cascade's), each compared with the class's complete real "
            "training rows (breast cancer and wine have no natural NaN). A "
            "useful generator is label-consistent (share near 1) and as "
            "spread out as the class (ratio near 1) without copying its rows "
            "(a nearest-neighbour ratio well above 0).",
            "",
        ]
    tables = summarise(frame)
    (out_dir / f"{stem}.md").write_text("\n".join(header) + "\n" + tables)
    print(tables)


if __name__ == "__main__":
    main()
