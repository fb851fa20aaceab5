"""HexaGAN against the tools a scikit-learn user would pick today.

Protocol (paper, section 4, without its selection on the test fold):
breast cancer and wine, MinMax-scaled to [0, 1], 20% of the entries of X
removed completely at random and 20% of the labels removed (``-1``),
stratified 5-fold cross-validation. Every model is fitted on the training
folds only, with fixed hyperparameters; nothing is chosen on the test fold.

* Pseudo-label selection (run apart, ``--only selection``; the full run
  repeats its table): the three pseudo-label forms fitted on three quarters
  of the *training* rows of the first folds and scored on the held-out
  quarter; the default form is chosen there.
* Classification: macro-F1 of ``HexaGANClassifier`` (default, the paper's
  Table 2 ablations, and the other pseudo-label forms) on the test folds,
  beside the cascade IterativeImputer -> SMOTE ->
  SelfTrainingClassifier(LogisticRegression) and
  HistGradientBoostingClassifier (native NaN support, labeled rows only).
* Imputation: RMSE on the removed entries (transductive: fit and transform
  on the same incomplete matrix, several seeds) of ``HexaGANImputer`` beside
  SimpleImputer, KNNImputer and IterativeImputer.
* Cost of the element-wise gradient penalty: time of a D_MI update with no
  penalty, with one backward pass per output, and with the vectorised pass.

Run ``OMP_NUM_THREADS=1 python benchmarks/bench_hexagan.py`` (``--seeds``
model seeds per fold, ``--n-jobs`` fits in parallel; fit times are taken
with that many fits sharing the machine) or ``--quick`` (2 folds, 2
imputation seeds). Results go to ``benchmarks/results/hexagan.{md,csv}``
(``hexagan_quick.*`` for --quick, ``hexagan_<part>.*`` for --only).
"""

import argparse
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from joblib import Parallel, delayed
from imblearn.over_sampling import SMOTE
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import MinMaxScaler
from sklearn.semi_supervised import SelfTrainingClassifier

from skgan import HexaGANClassifier, HexaGANImputer
from skgan._nn import elementwise_zero_centred_penalty, make_mlp
from skgan.impute._hexagan import hidden_width

RESULTS = Path(__file__).parent / "results"
DATASETS = {"breast": load_breast_cancer, "wine": load_wine}


def dirty(X, y, seed, missing_rate=0.2, unlabeled_rate=0.2):
    rng = np.random.RandomState(seed)
    X_missing = np.where(rng.rand(*X.shape) < missing_rate, np.nan, X)
    y_partial = np.where(rng.rand(len(y)) < unlabeled_rate, -1, y)
    return X_missing, y_partial


def cascade(seed):
    """IterativeImputer -> SMOTE (labeled rows) -> SelfTraining(LogReg)."""

    class Cascade:
        def fit(self, X, y):
            self.imputer = IterativeImputer(random_state=seed, max_iter=20).fit(X)
            Xi = self.imputer.transform(X)
            labeled = y != -1
            X_res, y_res = SMOTE(random_state=seed).fit_resample(
                Xi[labeled], y[labeled]
            )
            X_all = np.vstack([X_res, Xi[~labeled]])
            y_all = np.concatenate([y_res, y[~labeled]])
            self.model = SelfTrainingClassifier(LogisticRegression(max_iter=1000)).fit(
                X_all, y_all
            )
            return self

        def predict(self, X):
            return self.model.predict(self.imputer.transform(X))

    return Cascade()


def hgb(seed):
    class LabeledOnly:
        def fit(self, X, y):
            labeled = y != -1
            self.model = HistGradientBoostingClassifier(random_state=seed).fit(
                X[labeled], y[labeled]
            )
            return self

        def predict(self, X):
            return self.model.predict(X)

    return LabeledOnly()


def hexagan_variants():
    """The default model, the paper's Table 2 ablations and the pseudo-label
    forms (the default's is chosen by ``--only selection``, on validation
    rows carved from the training folds)."""
    default = HexaGANClassifier().pseudo_label
    variants = {
        f"HexaGAN (full, default: {default} pseudo-labels)": {},
        "HexaGAN w/o G_CG & D_MI,d+1": dict(
            conditional_generation=False, semi_supervised=False
        ),
        "HexaGAN w/o G_CG": dict(conditional_generation=False),
        "HexaGAN w/o D_MI,d+1": dict(semi_supervised=False),
    }
    for form, label in PSEUDO_LABEL_NAMES.items():
        if form != default:
            variants[f"HexaGAN {label} pseudo-labels"] = dict(pseudo_label=form)
    return variants


PSEUDO_LABEL_NAMES = {
    "gumbel": "straight-through Gumbel",
    "soft": "soft",
    "hard": "rounded (authors', no gradient)",
}


def _fit_and_score(
    task, dataset, method, fold, seed, make, X_fit, y_fit, X_eval, y_eval
):
    model = make(seed)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X_fit, y_fit)
    fit_time = time.perf_counter() - start
    row = dict(
        task=task,
        dataset=dataset,
        method=method,
        fold=fold,
        seed=seed,
        macro_f1=f1_score(y_eval, model.predict(X_eval), average="macro"),
        fit_time_s=fit_time,
    )
    print(row, flush=True)
    return row


def _methods(with_peers=True, variants=None):
    methods = {}
    if with_peers:
        methods["IterativeImputer -> SMOTE -> SelfTraining(LogReg)"] = cascade
        methods["HistGradientBoosting (native NaN, labeled rows)"] = hgb
    for label, params in (variants or hexagan_variants()).items():
        methods[label] = lambda seed, p=params: HexaGANClassifier(
            random_state=seed, device="cpu", **p
        )
    return methods


def classification(quick, seeds, n_jobs):
    """Macro-F1 on the test folds; seed s re-draws the models' randomness
    (the dirty data and the folds stay fixed)."""
    n_folds = 2 if quick else 5
    tasks = []
    for name, loader in DATASETS.items():
        X, y = loader(return_X_y=True)
        X = MinMaxScaler().fit_transform(X)
        X_missing, y_partial = dirty(X, y, seed=0)
        folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
        for method, make in _methods().items():
            for fold, (train, test) in enumerate(folds[:n_folds]):
                for seed in seeds:
                    tasks.append(
                        (
                            "classification", name, method, fold, 10 * seed + fold,
                            make, X_missing[train], y_partial[train],
                            X_missing[test], y[test],
                        )
                    )
    return Parallel(n_jobs=n_jobs)(delayed(_fit_and_score)(*t) for t in tasks)


def selection(quick, n_jobs):
    """Pseudo-label form chosen on validation rows from the training folds.

    For each of the first folds, a stratified quarter of the *training*
    rows is held out as validation; every form is fitted on the rest and
    scored there. The test folds are not used.
    """
    n_folds = 2 if quick else 3
    forms = {
        f"pseudo_label={form!r}": dict(pseudo_label=form) for form in PSEUDO_LABEL_NAMES
    }
    tasks = []
    for name, loader in DATASETS.items():
        X, y = loader(return_X_y=True)
        X = MinMaxScaler().fit_transform(X)
        X_missing, y_partial = dirty(X, y, seed=0)
        folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
        for fold, (train, _) in enumerate(folds[:n_folds]):
            fit, val = train_test_split(
                train, test_size=0.25, stratify=y[train], random_state=100 + fold
            )
            for method, make in _methods(True, forms).items():
                tasks.append(
                    (
                        "selection", name, method, fold, fold, make,
                        X_missing[fit], y_partial[fit], X_missing[val], y[val],
                    )
                )
    return Parallel(n_jobs=n_jobs)(delayed(_fit_and_score)(*t) for t in tasks)


def _impute_and_score(dataset, method, seed, make, X, X_missing):
    removed = np.isnan(X_missing)
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


def imputation(quick, n_jobs):
    tasks = []
    seeds = range(2 if quick else 5)
    for name, loader in DATASETS.items():
        X = MinMaxScaler().fit_transform(loader().data)
        methods = {
            "SimpleImputer(mean)": lambda s: SimpleImputer(),
            "KNNImputer": lambda s: KNNImputer(),
            "IterativeImputer": lambda s: IterativeImputer(random_state=s, max_iter=20),
            "HexaGANImputer": lambda s: HexaGANImputer(random_state=s, device="cpu"),
        }
        for seed in seeds:
            X_missing, _ = dirty(X, np.zeros(len(X)), seed=seed)
            for method, make in methods.items():
                tasks.append((name, method, seed, make, X, X_missing))
    return Parallel(n_jobs=n_jobs)(delayed(_impute_and_score)(*t) for t in tasks)


def penalty_cost(repeats=200):
    """ms per D_MI update (forward, loss, penalty, backward) at breast size."""
    rows = []
    g = torch.Generator().manual_seed(0)
    for d, n_classes in ((13, 3), (30, 2)):
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

        for label, fn in (
            ("no penalty", none),
            ("one backward per output", per_output),
            ("vectorised (is_grads_batched)", vectorised),
        ):
            for _ in range(10):
                fn().backward()
            start = time.perf_counter()
            for _ in range(repeats):
                critic.zero_grad()
                fn().backward()
            rows.append(
                dict(
                    task="penalty_cost",
                    dataset=f"d={d}, batch 64",
                    method=label,
                    ms_per_update=(time.perf_counter() - start) / repeats * 1e3,
                )
            )
            print(rows[-1], flush=True)
    return rows


def _score_table(rows, metric, title):
    """Markdown lines of one method x data set table: mean +- sd of ``metric``
    and the mean fit time, for the rows of one task."""
    table = rows.groupby(["method", "dataset"]).agg(
        avg=(metric, "mean"), sd=(metric, "std"), fit=("fit_time_s", "mean")
    )
    lines = [title, "", "| method | breast | wine |", "|---|---|---|"]
    for method in rows.method.unique():
        cells = []
        for ds in DATASETS:
            r = table.loc[(method, ds)]
            cells.append(f"{r.avg:.4f} ± {r.sd:.4f} ({r.fit:.1f} s)")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return lines + [""]


#: Task -> (metric, section title) of the score tables, in report order.
SCORE_TABLES = {
    "classification": (
        "macro_f1",
        "## Classification: macro-F1 on the test folds (mean ± sd over "
        "folds and seeds), mean fit time",
    ),
    "selection": (
        "macro_f1",
        "## Pseudo-label selection: macro-F1 on validation rows carved from "
        "the training folds (mean ± sd over folds; test folds unused)",
    ),
    "imputation": (
        "rmse",
        "## Imputation: RMSE on removed entries (mean ± sd over seeds)",
    ),
}


def summarise(frame):
    lines = []
    for task, (metric, title) in SCORE_TABLES.items():
        rows = frame[frame.task == task]
        if len(rows):
            lines += _score_table(rows, metric, title)
    cost = frame[frame.task == "penalty_cost"]
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
        "--quick", action="store_true", help="2 folds, 2 imputation seeds"
    )
    parser.add_argument(
        "--only",
        choices=["selection", "classification", "imputation", "penalty"],
        default=None,
    )
    parser.add_argument(
        "--seeds", type=int, default=1, help="model seeds per test fold (default 1)"
    )
    parser.add_argument(
        "--n-jobs", type=int, default=2, help="fits run in parallel (default 2)"
    )
    args = parser.parse_args()
    seeds_used = range(args.seeds)
    rows = []
    if args.only in (None, "penalty"):
        rows += penalty_cost(50 if args.quick else 200)
    if args.only == "selection":
        rows += selection(args.quick, args.n_jobs)
    if args.only in (None, "imputation"):
        rows += imputation(args.quick, args.n_jobs)
    if args.only in (None, "classification"):
        rows += classification(args.quick, seeds_used, args.n_jobs)
    frame = pd.DataFrame(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    selected = RESULTS / "hexagan_selection.csv"
    if args.only is None and not args.quick and selected.exists():
        # The selection run (--only selection) is kept apart: it chose the
        # default before this run; its table is repeated here.
        frame = pd.concat([frame, pd.read_csv(selected)], ignore_index=True)
    stem = "hexagan_quick" if args.quick else "hexagan"
    if args.only:
        stem += f"_{args.only}"
    frame.to_csv(RESULTS / f"{stem}.csv", index=False)
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"Python {platform.python_version()}"
    )
    header = [
        "# HexaGAN benchmark" + (" (--quick)" if args.quick else ""),
        "",
        f"Machine: {machine}. Generated by `benchmarks/bench_hexagan.py`"
        + (" --quick" if args.quick else "")
        + ". 20% MCAR in X, 20% of labels removed, stratified CV, fitted on the "
        "training folds only, default hyperparameters, nothing selected on the "
        f"test fold. {len(seeds_used)} model seed(s) per fold; fit times with "
        f"{args.n_jobs} fit(s) in parallel, 1-minute load average at the end "
        f"{os.getloadavg()[0]:.1f} (other processes share the machine).",
        "",
    ]
    (RESULTS / f"{stem}.md").write_text("\n".join(header) + summarise(frame))
    print(summarise(frame))


if __name__ == "__main__":
    main()
