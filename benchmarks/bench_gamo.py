"""GAMO on imbalanced 8x8 digits and Fashion-MNIST, beside common over-samplers.

Protocol (after the paper's MNIST experiment, Sec. 4.1, on data bundled with
scikit-learn): ``load_digits`` (1797 x 64, pixels scaled to [0, 1]); per seed,
40 rows of every class are held out as a balanced test set and 14 more as a
balanced development set; the training set takes 120, 90, 60, 45, 30, 22, 15,
10, 6 and 4 of the remaining rows of the ten classes (imbalance ratio 30; which
digit gets which count is permuted by the seed). Each over-sampler balances
the training set, then the same ``MLPClassifier`` (256-128, the shape of
GAMO's M) is trained on the result; no resampling is the baseline, and
GAMO's own classifier M (``GAMOClassifier``) is reported too. Metrics: ACSA
(balanced accuracy) and imbalanced-learn's geometric mean, on the test set.
Every method runs with its defaults, except ``k_neighbors=3`` for the SMOTE
variants, which the 4-row class requires. Nothing is selected on the test
set: ``--dev`` scores on the development set instead, for tuning.

``--dataset fashion`` is the paper's second data set of Table 1 (Sec. 4.1):
Fashion-MNIST (784 pixels scaled to [0, 1], as float32), read by
``skgan.datasets.load_fashion_mnist`` from Debian's ``dataset-fashion-mnist``
(``--data-home`` names another folder holding the four idx ``.gz`` files).
Per seed, the training set draws 4000, 2000, 1000, 750, 500, 350, 200, 100, 60
and 40 rows of classes 0 to 9 from Fashion-MNIST's training set (the paper's
counts, imbalance ratio 100), the balanced development set 100 more rows of
every class from the training rows left over, and the balanced test set 100
rows of every class from Fashion-MNIST's test set. Same methods, downstream
``MLPClassifier`` and metrics as for the digits, plus ADASYN, which is
reported as not applicable where imbalanced-learn refuses the data. The SMOTE
variants and ADASYN use ``k_neighbors = n_neighbors = min(5, smallest class
- 1)``: their default 5 on the full data, 3 for ``--quick``'s 4-row class.
No hyperparameter is tuned for Fashion-MNIST: the downstream MLP is the
digits one (the shape of GAMO's M) and GAMO runs at its defaults, whose
learning rate was compared on the digits' development split
(``--learning-rates`` below; ``max_iter="auto"``: about 2000 iterations, here
31 epochs of 65 mini-batches of 140 rows). The one measurement made on the
Fashion-MNIST development rows was taken to time the fits and changed
nothing; its numbers were not kept in a results file. A change must be
measured with ``--dev`` (the development rows above, never the test rows)
and written to a results file.

``--learning-rates LR [LR ...]`` (with ``--dev``) compares GAMO's Adam step
sizes: GAMO + MLP and GAMO's M (or the ``--methods`` given) are fitted once
per learning rate and seed, everything else at the defaults, and scored on
the development rows; results go to ``gamo_learning_rate.{md,csv}``
(``gamo_fashion_learning_rate.*`` for Fashion-MNIST), with the run's
wall-clock time and load average (``--note`` adds a line, e.g. on other jobs
sharing the machine). ``python benchmarks/bench_gamo.py --dev --seeds 3
--learning-rates 1e-3 2e-4`` compares the default with the authors' step size
at the default iteration budget.

``--settings PARAMS [PARAMS ...]`` (with ``--dev``) is the general form:
each string sets GAMO parameters (``"k_neighbors=5, classifier_loss='game'"``)
for GAMO + MLP and M (or the GAMO rows among ``--methods``); the peers among
``--methods`` run once. Results go to ``gamo_<--stem>.{md,csv}``; the search
that chose GAMO's defaults is logged in ``results/gamo_search.md``. Every
row also records the recall of each class (``recall_<label>``); for
Fashion-MNIST, whose classes keep their sizes, the report draws them
(``gamo_fashion_recall.png``). ``--resume CSV`` takes the (method, seed)
rows of an earlier results file instead of fitting them again (the tables
say which). The tables carry a row for the paper's setting (``VARIANTS``:
``k_neighbors=None, classifier_loss="game"``) and one per departure.

``--quick`` runs one seed; for Fashion-MNIST it also divides the training
counts by 10 (400 ... 4 rows, 900 in all; GAMO still at its defaults), so
that the whole table takes a few minutes on two cores: its numbers only show
that the pipeline works. ``--n-jobs N`` runs the (seed, method) fits in N
joblib processes, one torch and one BLAS thread each, for the full
Fashion-MNIST table on a many-core machine.

Run ``python benchmarks/bench_gamo.py`` (``--quick`` for one seed; add
``--dataset fashion --n-jobs 16`` for Fashion-MNIST); results go to
``benchmarks/results/gamo_digits.{md,csv}`` or ``gamo_fashion.{md,csv}``
(``results/quick/`` for ``--quick``, ``*_dev.*`` for ``--dev``).
"""

import argparse
import os
import platform
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from imblearn.metrics import geometric_mean_score
from imblearn.over_sampling import ADASYN, SMOTE, BorderlineSMOTE, RandomOverSampler
from joblib import Parallel, delayed
from sklearn import __version__ as sklearn_version
from sklearn.datasets import load_digits
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from skgan import GAMOClassifier, GAMOResampler
from skgan.datasets import load_fashion_mnist

TRAIN_COUNTS = [120, 90, 60, 45, 30, 22, 15, 10, 6, 4]
N_TEST, N_DEV = 40, 14
FASHION_COUNTS = [4000, 2000, 1000, 750, 500, 350, 200, 100, 60, 40]
FASHION_TEST, FASHION_DEV = 100, 100
#: ``--quick --dataset fashion``: training counts divided by this.
QUICK_DIVISOR = 10
RESULTS = Path(__file__).parent / "results"
#: Rows of GAMO at other settings: "base: what differs" -> (base method,
#: parameters on top of the run's). The paper's setting as far as parameters
#: reach it, and one row per departure from it.
PAPER = dict(
    k_neighbors=None,
    generator_target="complement",
    classifier_loss="game",
    classifier_beta_1=0.5,
    scaling="minmax",
)
VARIANTS = {
    "GAMO: paper": ("GAMO", PAPER),
    "GAMO\\D: paper": ("GAMO\\D", PAPER),
    "M: paper": ("M", {**PAPER, "n_snapshots": 1}),
    "GAMO: all anchors (k_neighbors=None)": ("GAMO", {"k_neighbors": None}),
    "GAMO: the game's loss for M": ("GAMO", {"classifier_loss": "game"}),
    "GAMO: min-max features (scaling=\"minmax\")": ("GAMO", {"scaling": "minmax"}),
    "M: all anchors (k_neighbors=None)": ("M", {"k_neighbors": None}),
    "M: the game's loss for M": ("M", {"classifier_loss": "game"}),
    "M: Adam beta_1 0.5 for M (classifier_beta_1=0.5)": (
        "M",
        {"classifier_beta_1": 0.5},
    ),
    "M: standardised features (scaling=\"standard\")": ("M", {"scaling": "standard"}),
    "M: the final M alone (n_snapshots=1)": ("M", {"n_snapshots": 1}),
}
GAMO_DEFAULTS_NOTE = (
    "GAMO's defaults (`k_neighbors=5`, `classifier_loss=\"log_loss\"`; for the "
    "resampler `scaling=\"standard\"`, for M `classifier_beta_1=0.9` and "
    "`n_snapshots=5`) were chosen on the development rows (`gamo_search.md`); "
    "rows marked *paper* run `k_neighbors=None, classifier_loss=\"game\", "
    "classifier_beta_1=0.5, scaling=\"minmax\"` (features onto [-1, 1], the "
    "authors' pixel range; for M also `n_snapshots=1`), and "
    "one row per departure undoes it alone (M's standardised row is the "
    "resampler's scaling, for comparison). Nothing was selected on the test set."
)
#: Methods that train GAMO (the others do not depend on its parameters).
GAMO_METHODS = ("GAMO", "GAMO\\D", "M", *VARIANTS)

#: Methods run by default (see ``VARIANTS`` below for the "base: change" rows).
METHODS = {
    "digits": [
        "none",
        "RandomOverSampler",
        "SMOTE",
        "BorderlineSMOTE",
        "GAMO",
        "GAMO\\D",
        "M",
        "GAMO: paper",
        "GAMO\\D: paper",
        "M: paper",
        "GAMO: all anchors (k_neighbors=None)",
        "GAMO: the game's loss for M",
        "GAMO: min-max features (scaling=\"minmax\")",
        "M: all anchors (k_neighbors=None)",
        "M: the game's loss for M",
        "M: Adam beta_1 0.5 for M (classifier_beta_1=0.5)",
        "M: standardised features (scaling=\"standard\")",
        "M: the final M alone (n_snapshots=1)",
    ],
    # Without the resampler's ablation rows: each trains the downstream MLP
    # on about 40,000 rows, minutes per fit on two cores.
    "fashion": [
        "none",
        "RandomOverSampler",
        "SMOTE",
        "BorderlineSMOTE",
        "ADASYN",
        "GAMO",
        "GAMO\\D",
        "M",
        "GAMO: paper",
        "GAMO\\D: paper",
        "M: paper",
        "M: all anchors (k_neighbors=None)",
        "M: the game's loss for M",
        "M: Adam beta_1 0.5 for M (classifier_beta_1=0.5)",
        "M: standardised features (scaling=\"standard\")",
        "M: the final M alone (n_snapshots=1)",
    ],
}


def make_split(seed):
    """Imbalanced training set, balanced development and test sets."""
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    rng = np.random.RandomState(seed)
    counts = np.array(TRAIN_COUNTS)[rng.permutation(10)]
    train, dev, test = [], [], []
    for digit, n_train in enumerate(counts):
        rows = rng.permutation(np.flatnonzero(y == digit))
        test.append(rows[:N_TEST])
        dev.append(rows[N_TEST : N_TEST + N_DEV])
        train.append(rows[N_TEST + N_DEV : N_TEST + N_DEV + n_train])
    train, dev, test = (np.concatenate(parts) for parts in (train, dev, test))
    return (X[train], y[train]), (X[dev], y[dev]), (X[test], y[test])


@lru_cache(maxsize=2)
def _fashion(subset, data_home):
    """Fashion-MNIST's ``subset`` (uint8), read once."""
    return load_fashion_mnist(subset, data_home=data_home, return_X_y=True)


def fashion_counts(quick):
    if not quick:
        return FASHION_COUNTS
    return [max(n // QUICK_DIVISOR, 4) for n in FASHION_COUNTS]


def make_fashion_split(seed, counts, data_home=None):
    """Training set with ``counts[k]`` rows of class ``k`` and a balanced
    development set, both from Fashion-MNIST's training rows (disjoint), and a
    balanced test set from its test rows; pixels scaled to [0, 1]."""
    X, y = _fashion("train", data_home)
    X_test, y_test = _fashion("test", data_home)
    rng = np.random.RandomState(seed)
    train, dev, test = [], [], []
    for label, n_train in enumerate(counts):
        rows = rng.permutation(np.flatnonzero(y == label))
        train.append(rows[:n_train])
        dev.append(rows[n_train : n_train + FASHION_DEV])
        test.append(rng.permutation(np.flatnonzero(y_test == label))[:FASHION_TEST])
    train, dev, test = (np.concatenate(parts) for parts in (train, dev, test))

    def scaled(rows, X_from, y_from):
        return (X_from[rows] / np.float32(255)).astype(np.float32), y_from[rows]

    return scaled(train, X, y), scaled(dev, X, y), scaled(test, X_test, y_test)


def downstream(seed):
    return MLPClassifier(hidden_layer_sizes=(256, 128), max_iter=300, random_state=seed)


def neighbours(counts):
    """``k_neighbors`` of the SMOTE variants: 5 (their default) unless the
    smallest class is too small for it."""
    return min(5, min(counts) - 1)


def samplers(seed, gamo_params, k=3):
    return {
        "none": None,
        "RandomOverSampler": RandomOverSampler(random_state=seed),
        "SMOTE": SMOTE(k_neighbors=k, random_state=seed),
        "BorderlineSMOTE": BorderlineSMOTE(k_neighbors=k, random_state=seed),
        "ADASYN": ADASYN(n_neighbors=k, random_state=seed),
        "GAMO": GAMOResampler(random_state=seed, **gamo_params),
        "GAMO\\D": GAMOResampler(discriminator=False, random_state=seed, **gamo_params),
    }


def scores(y_true, y_pred):
    """ACSA, GM and the recall of every class (``recall_<label>``)."""
    recall = recall_score(y_true, y_pred, average=None, labels=np.unique(y_true))
    return {
        "ACSA": balanced_accuracy_score(y_true, y_pred),
        "GM": geometric_mean_score(y_true, y_pred),
        **{f"recall_{c}": r for c, r in zip(np.unique(y_true), recall, strict=True)},
    }


def settings(dataset, quick):
    """Training counts and ``k`` of the neighbour-based samplers of a run."""
    if dataset == "digits":
        return TRAIN_COUNTS, 3
    counts = fashion_counts(quick)
    return counts, neighbours(counts)


def split(dataset, seed, counts, data_home):
    if dataset == "digits":
        return make_split(seed)
    return make_fashion_split(seed, counts, data_home)


def run_one(name, seed, data, k, gamo_params):
    """Fit ``name`` on the training rows of ``data`` (``X, y, X_eval,
    y_eval``) and score it on the others; returns a table row."""
    X, y, X_eval, y_eval = data
    row = {"seed": seed}
    if name in VARIANTS:
        base, params = VARIANTS[name]
        row = run_one(base, seed, data, k, {**gamo_params, **params})
        return {**row, "method": label(name)}
    if name == "M":
        start = time.perf_counter()
        model = GAMOClassifier(random_state=seed, **gamo_params).fit(X, y)
        row["fit_time_s"] = time.perf_counter() - start
        row.update(scores(y_eval, model.predict(X_eval)))
        return {"method": label(name), **row}
    sampler = samplers(seed, gamo_params, k)[name]
    start = time.perf_counter()
    try:
        X_res, y_res = (X, y) if sampler is None else sampler.fit_resample(X, y)
    except (ValueError, RuntimeError) as error:
        # ADASYN refuses some data (no neighbour of another class, too few
        # rows): not applicable, reported as such rather than a crash.
        if name != "ADASYN":
            raise
        message = " ".join(str(error).split())
        return {
            "method": label(name),
            **row,
            "fit_time_s": np.nan,
            "ACSA": np.nan,
            "GM": np.nan,
            "error": f"{type(error).__name__}: {message}",
        }
    row["fit_time_s"] = time.perf_counter() - start
    clf = downstream(seed).fit(X_res, y_res)
    row.update(scores(y_eval, clf.predict(X_eval)))
    return {"method": label(name), **row}


def run_worker(*args):
    """``run_one`` in a joblib worker: one torch and one BLAS thread."""
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        return run_one(*args)


def run(
    seeds,
    dev,
    gamo_params,
    methods=None,
    *,
    dataset="digits",
    quick=False,
    data_home=None,
    n_jobs=1,
    resume=None,
):
    """Rows of ``methods`` (default: the table's) on every seed. ``resume``:
    an earlier results frame whose rows for a (method, seed) are taken over
    instead of fitting again."""
    counts, k = settings(dataset, quick)
    data = {}
    for seed in seeds:
        (X, y), dev_set, test_set = split(dataset, seed, counts, data_home)
        data[seed] = (X, y, *(dev_set if dev else test_set))
    names = [name for name in METHODS[dataset] if not methods or name in methods]
    # Methods asked for by name that are not in this table by default.
    names += [
        name
        for name in methods or []
        if name not in METHODS[dataset] and (name in samplers(0, {}) or name in VARIANTS)
    ]
    done = {}
    if resume is not None:
        done = {(r["method"], r["seed"]): r for r in resume.to_dict("records")}
    rows = [
        done[label(name), seed]
        for seed in seeds
        for name in names
        if (label(name), seed) in done
    ]
    tasks = [
        (name, seed, data[seed], k, gamo_params)
        for seed in seeds
        for name in names
        if (label(name), seed) not in done
    ]
    if n_jobs == 1:
        results = (run_one(*task) for task in tasks)
    else:
        results = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(run_worker)(*task) for task in tasks
        )
    for row in results:
        rows.append(row)
        print(row, flush=True)
    frame = pd.DataFrame(rows)
    order = {label(name): i for i, name in enumerate(names)}
    return frame.sort_values(
        ["seed", "method"], key=lambda c: c.map(order) if c.name == "method" else c
    ).reset_index(drop=True)


def label(name):
    """A method's row name in the tables."""
    if name in VARIANTS:
        base, _ = VARIANTS[name]
        return f"{label(base)}, {name.split(': ', 1)[1]}"
    return "GAMO's M (GAMOClassifier)" if name == "M" else f"{name} + MLP"


def machine(n_jobs=1):
    threads = (
        f"torch threads {torch.get_num_threads()}"
        if n_jobs == 1
        else f"{n_jobs} processes of 1 torch thread"
    )
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores "
        f"({threads}), torch {torch.__version__}, "
        f"scikit-learn {sklearn_version}, Python {platform.python_version()}"
    )


def _cell(mean, sd, digits=3):
    if np.isnan(mean):
        return "n/a"
    return f"{mean:.{digits}f} ± {np.nan_to_num(sd):.{digits}f}"


def _summary(frame, by):
    """Mean and standard deviation of ACSA and GM, mean fit time, per ``by``."""
    return (
        frame.groupby(by, sort=False)
        .agg(
            ACSA=("ACSA", "mean"),
            ACSA_sd=("ACSA", "std"),
            GM=("GM", "mean"),
            GM_sd=("GM", "std"),
            fit_time_s=("fit_time_s", "mean"),
        )
        .reset_index()
    )


def report(frame, seeds, dev, *, dataset="digits", quick=False, n_jobs=1):
    table = _summary(frame, "method")
    if dataset == "digits":
        lines = [
            "# GAMO on imbalanced 8x8 digits",
            "",
            f"Training set: {sum(TRAIN_COUNTS)} rows, class sizes {TRAIN_COUNTS} "
            f"(imbalance ratio {TRAIN_COUNTS[0] // TRAIN_COUNTS[-1]}); "
            f"{'development' if dev else 'test'} set: "
            f"{N_DEV if dev else N_TEST} rows per class. Seeds: {list(seeds)}.",
        ]
        defaults = (
            "All methods at their defaults (SMOTE variants: `k_neighbors=3`); mean "
            "± standard deviation over the seeds. " + GAMO_DEFAULTS_NOTE
        )
    else:
        counts, k = settings(dataset, quick)
        lines = [
            "# GAMO on imbalanced Fashion-MNIST",
            "",
            f"Training set: {sum(counts)} rows drawn from Fashion-MNIST's training "
            f"set, class sizes {counts} for classes 0-9 (imbalance ratio "
            f"{counts[0] // counts[-1]}); {'development' if dev else 'test'} set: "
            f"{FASHION_DEV if dev else FASHION_TEST} rows per class from "
            f"Fashion-MNIST's {'training' if dev else 'test'} set. "
            f"Seeds: {list(seeds)}.",
        ]
        if quick:
            lines.append(
                f"Quick run: training counts divided by {QUICK_DIVISOR}; the "
                "numbers only show that the pipeline works."
            )
        defaults = (
            f"All methods at their defaults (SMOTE variants: `k_neighbors={k}`, "
            f"ADASYN: `n_neighbors={k}`); mean ± standard deviation over the "
            "seeds. " + GAMO_DEFAULTS_NOTE
        )
    lines += [
        "Downstream classifier: `MLPClassifier(hidden_layer_sizes=(256, 128), "
        "max_iter=300)`. `fit_time_s`: time of `fit_resample` (of `fit` for GAMO's M).",
        "",
        f"Machine: {machine(n_jobs)}.",
        "",
        defaults,
        "",
        "| method | ACSA | GM | fit time (s) |",
        "|---|---|---|---|",
    ]
    for r in table.itertuples():
        time_cell = "n/a" if np.isnan(r.fit_time_s) else f"{r.fit_time_s:.2f}"
        lines.append(
            f"| {r.method} | {_cell(r.ACSA, r.ACSA_sd)} "
            f"| {_cell(r.GM, r.GM_sd)} | {time_cell} |"
        )
    lines += paired_lines(frame)
    if "error" in frame:
        failed = frame.dropna(subset=["error"])
        lines.append("")
        for (method, error), group in failed.groupby(["method", "error"], sort=False):
            lines.append(
                f"Not applicable: {method} on seed(s) {group['seed'].tolist()} "
                f"({error}); its row averages the other seeds, if any."
            )
    return "\n".join(lines) + "\n"


def paired_lines(frame):
    """GAMO + MLP against each over-sampler, and M against the plain MLP,
    paired by seed (every method sees the same split)."""
    acsa = frame.pivot_table(index="seed", columns="method", values="ACSA")
    gm = frame.pivot_table(index="seed", columns="method", values="GM")
    gamo, m, plain = "GAMO + MLP", label("M"), "none + MLP"
    lines = []
    for peer in ["SMOTE + MLP", "BorderlineSMOTE + MLP", "RandomOverSampler + MLP"]:
        if gamo not in acsa or peer not in acsa:
            continue
        diff = (acsa[gamo] - acsa[peer]).dropna()
        per_seed = ", ".join(f"{d:+.4f}" for d in diff)
        lines.append(
            f"- {gamo} minus {peer}: ACSA {diff.mean():+.4f} (per seed {per_seed}), "
            f"GM {(gm[gamo] - gm[peer]).mean():+.4f}"
        )
    if m in acsa and plain in acsa:
        lines.append(
            f"- {m} minus the plain MLP ({plain}): ACSA "
            f"{(acsa[m] - acsa[plain]).mean():+.4f}, GM {(gm[m] - gm[plain]).mean():+.4f}; "
            f"lowest GM of M over the seeds {gm[m].min():.3f}"
        )
    if not lines:
        return []
    return ["", "Paired by seed (the same split for every method):", "", *lines]


def run_settings(seeds, settings, gamo_params, methods=None, **kwargs):
    """``run`` on the development rows once per setting (a string of GAMO
    parameters, e.g. ``"k_neighbors=5"``, on top of ``gamo_params``); the
    ``setting`` column names it. The peers in ``methods`` do not depend on
    GAMO's parameters: they run once, as setting "peers"."""
    methods = methods or ["GAMO", "M"]
    peers = [name for name in methods if name not in GAMO_METHODS]
    runs = [("peers", gamo_params, peers)] if peers else []
    gamo = [name for name in methods if name in GAMO_METHODS]
    runs += [
        (setting or "defaults", {**gamo_params, **_parse_params(setting)}, gamo)
        for setting in settings
    ]
    frames = []
    for name, params, names in runs:
        frame = run(seeds, True, params, names, **kwargs)
        frame.insert(1, "setting", name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _parse_params(text):
    return eval(f"dict({text})")  # noqa: S307 - a developer's flag


def report_settings(
    frame, seeds, gamo_params, wall_s, load, note="", *, dataset="digits", quick=False
):
    table = _summary(frame, ["method", "setting"])
    counts, _ = settings(dataset, quick)
    lines = [
        f"# GAMO's settings on imbalanced {dataset}, development split",
        "",
        f"Training set: {sum(counts)} rows, class sizes {counts}; scored on the "
        "balanced development set (`--dev`), never on the test set. "
        f"Seeds: {list(seeds)}. GAMO at its defaults except the setting of the row"
        + (f" and {gamo_params}" if gamo_params else "")
        + "; mean ± standard deviation over the seeds.",
        "Downstream classifier: `MLPClassifier(hidden_layer_sizes=(256, 128), "
        "max_iter=300)`. `fit_time_s`: time of `fit_resample` (of `fit` for "
        "GAMO's M).",
        "",
        f"Machine: {machine()}. Whole run: {wall_s / 60:.1f} min wall clock; "
        f"load average (1 min) {load[0]:.2f} at the start, {load[1]:.2f} at the "
        "end." + (f" {note}" if note else ""),
        "",
        "| method | setting | ACSA | GM | fit time (s) |",
        "|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.method} | `{r.setting}` | {_cell(r.ACSA, r.ACSA_sd)} "
            f"| {_cell(r.GM, r.GM_sd)} | {r.fit_time_s:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one seed (fashion: also training counts / 10)",
    )
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--dataset", choices=["digits", "fashion"], default="digits")
    parser.add_argument(
        "--data-home",
        help="folder of Fashion-MNIST's idx .gz files (default: Debian's package)",
    )
    parser.add_argument(
        "--n-jobs", type=int, default=1, help="processes for the (seed, method) fits"
    )
    parser.add_argument(
        "--dev", action="store_true", help="score on the development set"
    )
    parser.add_argument("--methods", nargs="*", help="subset of methods to run")
    parser.add_argument(
        "--gamo", default="", help="extra GAMO parameters, e.g. 'max_iter=50'"
    )
    parser.add_argument(
        "--learning-rates",
        type=float,
        nargs="+",
        metavar="LR",
        help="compare GAMO at these learning rates (needs --dev)",
    )
    parser.add_argument(
        "--settings",
        nargs="+",
        metavar="PARAMS",
        help="compare GAMO at these settings, e.g. 'k_neighbors=5' '' (needs --dev)",
    )
    parser.add_argument(
        "--stem", default="gamo_settings", help="results file name of --settings"
    )
    parser.add_argument(
        "--resume",
        type=Path,
        metavar="CSV",
        help="take the (method, seed) rows of this earlier results file instead "
        "of fitting them again",
    )
    parser.add_argument("--note", default="", help="a line for the results file")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if (args.learning_rates or args.settings) and not args.dev:
        parser.error("--learning-rates and --settings are tuning runs: they need --dev")
    seeds = range(1 if args.quick else args.seeds)
    gamo_params = _parse_params(args.gamo)
    data = dict(
        dataset=args.dataset,
        quick=args.quick,
        data_home=args.data_home,
        n_jobs=args.n_jobs,
        resume=pd.read_csv(args.resume) if args.resume else None,
    )
    prefix = "gamo" if args.dataset == "digits" else f"gamo_{args.dataset}"
    if args.learning_rates:
        args.settings = [f"learning_rate={rate!r}" for rate in args.learning_rates]
        args.stem = "learning_rate"
    if args.settings:
        load_start, start = os.getloadavg()[0], time.perf_counter()
        frame = run_settings(seeds, args.settings, gamo_params, args.methods, **data)
        text = report_settings(
            frame,
            seeds,
            gamo_params,
            time.perf_counter() - start,
            (load_start, os.getloadavg()[0]),
            args.note,
            dataset=args.dataset,
            quick=args.quick,
        )
        write(frame, text, f"{prefix}_{args.stem.removeprefix('gamo_')}", args)
        return
    frame = run(seeds, args.dev, gamo_params, args.methods, **data)
    text = report(
        frame,
        seeds,
        args.dev,
        dataset=args.dataset,
        quick=args.quick,
        n_jobs=args.n_jobs,
    )
    write(frame, text, f"gamo_{args.dataset}" + ("_dev" if args.dev else ""), args)


#: Rows of the per-class recall plot, when the run has them.
RECALL_METHODS = [
    "none + MLP",
    "SMOTE + MLP",
    "GAMO + MLP",
    "GAMO's M (GAMOClassifier)",
]


def plot_recall(frame, path, counts):
    """Mean recall per class (over the seeds) of ``RECALL_METHODS``, with
    the classes' training counts on the axis; returns whether it drew."""
    columns = [c for c in frame if c.startswith("recall_")]
    if not columns:
        return False
    # Rows taken over from a run without per-class recall have none to draw.
    drawn = frame.dropna(subset=columns)
    methods = [m for m in RECALL_METHODS if m in set(drawn["method"])]
    if not methods:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    means = drawn.groupby("method")[columns].mean()
    x = np.arange(len(columns))
    width = 0.8 / len(methods)
    fig, ax = plt.subplots(figsize=(8, 3.4))
    for i, method in enumerate(methods):
        ax.bar(x + (i - (len(methods) - 1) / 2) * width, means.loc[method], width,
               label=method)
    ax.set_xticks(x, [f"{c.removeprefix('recall_')}\n({n})" for c, n in zip(columns, counts)])
    ax.set_xlabel("class (its training rows)")
    ax.set_ylabel("recall, mean over seeds")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write(frame, text, stem, args):
    print(text)
    if not args.no_write:
        folder = RESULTS / "quick" if args.quick else RESULTS
        folder.mkdir(parents=True, exist_ok=True)
        frame.to_csv(folder / f"{stem}.csv", index=False)
        counts, _ = settings(args.dataset, args.quick)
        # The digits permute the class sizes by seed: only Fashion-MNIST's
        # classes keep their size, so only its recall per class is drawn.
        if args.dataset == "fashion" and plot_recall(
            frame, folder / f"{stem}_recall.png", counts
        ):
            text += f"\n![recall per class]({stem}_recall.png)\n"
        (folder / f"{stem}.md").write_text(text)


if __name__ == "__main__":
    main()
