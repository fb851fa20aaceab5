"""Search log for HexaGANClassifier's blend: its weights against the members
alone and an equal-weight blend, on validation rows.

Development splits only: for each data set, repeats 100-102 of the
benchmark's dirtying (20% MCAR, 20% labels removed; ``bench_hexagan.dirty``)
and, within the first training fold of each, a quarter of the training rows
carved out as validation rows (never a test fold). One default
``HexaGANClassifier`` is fitted per split on the rest; its fitted members and
networks then score the validation rows alone and blended. Macro-F1, one
thread, run while another job used the other core (times not reported).

Run ``OMP_NUM_THREADS=1 python benchmarks/study_classifier_blend.py``;
writes ``results/study_classifier_blend.{csv,md}``. ``--label L`` names the
blend's row "blend (L)", so that runs at different code add rows: "blend
(NNLS per member)" ran the code before the default's weights, each member
and the networks with its own non-negative weight fitted on the held-out
rows (balanced Brier score, HistGradientBoosting with balanced class
weights, as now); "blend (members averaged)" is the default that followed
from it.

"blend, members chosen by held-out log-loss" is a candidate computed from
the same fit, the library unchanged: among the members' average and each
member alone, the one with the lowest balanced log-loss on the fit's
held-out labeled rows is weighed against ``C`` as the default weighs the
average (the inputs of the fit's last ``fit_blend`` call are recorded).
"blend, members chosen by held-out macro-F1" is the same with the
candidate of the highest macro-F1 on those rows (ties to the average).
"blend, members weighted on out-of-fold predictions" (``--out-of-fold``)
refits the members 5 times per split, each time without a fifth of the
labeled rows, so that every labeled row gets out-of-fold probabilities;
non-negative least squares on those (balanced Brier score) weighs the
members, and ``C`` is weighed against that combination on the fit's
held-out rows, as the default weighs it against the average.
"blend, members chosen by out-of-fold macro-F1" (``--oof-choice``) picks
among the same candidates by their macro-F1 over every labeled row from
out-of-fold probabilities (5 folds; the logistic member's imputer, which
sees no label, fitted once on every row). ``--oof-choice-weights`` adds the
members' out-of-fold NNLS combination to that choice's candidates (the
same out-of-fold probabilities). ``--c-signal`` fits the
classifier with ``C`` stopped on its own held-out log-loss instead of the
blend's (label its rows with ``--label``).
Since 2026-12-04 the library weighs the members on out-of-fold
probabilities itself (the candidate "chosen by out-of-fold macro-F1 among
the average, each member and their out-of-fold weights"): the script
restores the members' plain average, the code every other row is computed
against, unless ``--library-weights`` is given (then only the blend's row,
named with ``--label``, is the library's; the other rows assume every
member fitted and averaged and are not meaningful).
``--datasets`` runs a subset (Madelon-like: about 4 minutes a split);
``--repeats`` other development splits (100 and up; the table averages each
row over the splits it was run on).
"""

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from _common import RESULTS, machine_lines, markdown_table, one_thread
from bench_hexagan import dirty, prepare
from skgan import HexaGANClassifier
from skgan.semi_supervised import _blend
from skgan.semi_supervised import _hexagan as hexagan_module
from skgan.semi_supervised._blend import _probabilities, balanced_weights, log_loss

DATASETS = ("breast", "wine", "credit_data", "madelon-like")
DEFAULT_DATASETS = ("breast", "wine", "credit_data")
SELECTED = "blend, members chosen by held-out log-loss"
SELECTED_F1 = "blend, members chosen by held-out macro-F1"
OUT_OF_FOLD = "blend, members weighted on out-of-fold predictions"
OOF_CHOICE = "blend, members chosen by out-of-fold macro-F1"
OOF_CHOICE_WEIGHTS = (
    "blend, chosen by out-of-fold macro-F1 among the average, each member "
    "and their out-of-fold weights"
)
REPEATS = (100, 101, 102)


class RecordedBlend:
    """Wraps ``fit_blend`` where the classifier calls it, keeping the inputs
    of the last call (the final blend's)."""

    def __init__(self):
        self.last = None

    def __call__(self, network_proba, members, member_predictions, codes, weights=None):
        self.last = (network_proba, members, member_predictions, codes)
        return _blend.fit_blend(network_proba, members, member_predictions, codes, weights)


def weight_of_c(network_proba, candidate, codes):
    """C's weight against one combination of the members whose held-out
    probabilities are ``candidate``: ``fit_blend``'s two-way fit, as the
    default weighs C against the members' average."""
    two_way = _blend.fit_blend(network_proba, {"members": None}, {"members": candidate}, codes)
    return two_way.weights_["network"]


def selected_members(network_proba, members, member_predictions, codes, criterion="log_loss"):
    """``(name, weight of C)``: the candidate among the members' average and
    each member with the lowest balanced held-out log-loss (``criterion=
    "f1"``: the highest held-out macro-F1, ties to the average), and C's
    weight against it."""
    candidates = {"average": np.mean([member_predictions[k] for k in members], axis=0)}
    candidates.update({k: member_predictions[k] for k in members})
    if criterion == "f1":
        def score(k):
            return -f1_score(codes, candidates[k].argmax(axis=1), average="macro")
    else:
        weights = balanced_weights(codes, network_proba.shape[1])

        def score(k):
            return log_loss(candidates[k], codes, weights)
    name = min(candidates, key=score)
    return name, weight_of_c(network_proba, candidates[name], codes)


def out_of_fold_probabilities(clf, X, y_partial, seed, impute_once=False, n_splits=5):
    """``(codes, probabilities)``: the class codes of the labeled rows of
    ``X`` and each of ``clf``'s members' out-of-fold probabilities for them
    (a dict by member name), each member refitted without a fifth of the
    labeled rows at a time. ``impute_once``: the logistic member's
    IterativeImputer, which never sees a label, is the one ``clf`` fitted
    on every row, and only its scaler and self-trained logistic regression
    are refitted per fold (cheap on Madelon-like, where the imputer costs
    about 100 s a fit): the library's own out-of-fold probabilities
    (:func:`skgan.semi_supervised._blend.out_of_fold_probabilities`)."""
    X01, observed = clf._scaled(X, np.isnan(X))
    X01 = np.where(observed, X01, np.nan)
    codes = np.full(len(y_partial), -1)
    labeled = np.flatnonzero(y_partial != -1)
    codes[labeled] = np.searchsorted(clf.classes_, y_partial[labeled])
    n_classes, members = len(clf.classes_), clf.blend_.members_
    if impute_once:
        oof, labels = _blend.out_of_fold_probabilities(
            members, X01, codes, n_classes, seed=seed
        )
        return labels, oof
    oof = {name: np.zeros((len(labeled), n_classes)) for name in members}
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
    for _, test in folds.split(labeled, codes[labeled]):
        keep = np.ones(len(codes), dtype=bool)
        keep[labeled[test]] = False
        for name in members:
            member = _blend._fitted(name, X01[keep], codes[keep], seed)
            oof[name][test] = _probabilities(member, X01[labeled[test]], n_classes)
    return codes[labeled], oof


def nnls_member_weights(codes, oof):
    """Weights of the members from non-negative least squares on their
    out-of-fold probabilities ``oof`` (balanced Brier score), summing to 1."""
    weights = _blend.brier_weights(np.stack(list(oof.values())), codes)
    return dict(zip(oof, weights))


def out_of_fold_weights(clf, X, y_partial, seed):
    """Weights of ``clf``'s members from non-negative least squares on their
    out-of-fold probabilities for every labeled row of ``X``."""
    return nnls_member_weights(*out_of_fold_probabilities(clf, X, y_partial, seed))


def out_of_fold_choice(clf, X, y_partial, seed, with_weights=False):
    """The candidate among the members' average and each member (and, with
    ``with_weights``, their out-of-fold NNLS combination, "weights") with the
    highest macro-F1 over every labeled row of ``X`` from out-of-fold
    probabilities (ties to the average), those macro-F1s and the weights."""
    codes, oof = out_of_fold_probabilities(clf, X, y_partial, seed, impute_once=True)
    candidates = {"average": np.mean(list(oof.values()), axis=0), **oof}
    weights = None
    if with_weights:
        weights = nnls_member_weights(codes, oof)
        candidates["weights"] = sum(w * oof[k] for k, w in weights.items())
    f1s = {
        k: f1_score(codes, p.argmax(axis=1), average="macro")
        for k, p in candidates.items()
    }
    best = max(f1s, key=lambda k: (f1s[k], k == "average"))
    return best, f1s, weights


def _scores(
    clf, X, y, label, recorded, member_weights=None, oof_choice=None, oof_row=None
):
    """Macro-F1 of the blend, of each member and network alone, of the
    members with equal weights and of the selection candidate, on rows
    ``X`` with labels ``y``; and the names the selections chose."""
    X01, observed = clf._scaled(X, np.isnan(X))
    X01_nan = np.where(observed, X01, np.nan)
    probas = {"network": clf._network_proba(X01, observed)}
    for name, member in clf.blend_.members_.items():
        probas[name] = _probabilities(member, X01_nan, len(clf.classes_))
    probas["members, equal weights"] = np.mean(
        [p for k, p in probas.items() if k != "network"], axis=0
    )
    probas[f"blend ({label})"] = clf.predict_proba(X)
    def with_c(network_weight, members_proba):
        return network_weight * probas["network"] + (1 - network_weight) * members_proba

    selections = {
        row: selected_members(*recorded.last, criterion=criterion)
        for row, criterion in ((SELECTED, "log_loss"), (SELECTED_F1, "f1"))
    }
    for row, (name, network_weight) in selections.items():
        chosen = probas["members, equal weights"] if name == "average" else probas[name]
        probas[row] = with_c(network_weight, chosen)
    selected = {row: name for row, (name, _) in selections.items()}
    if member_weights is not None:
        network_proba, _, member_predictions, codes = recorded.last
        combined = sum(w * member_predictions[k] for k, w in member_weights.items())
        weighted = sum(w * probas[k] for k, w in member_weights.items())
        probas[OUT_OF_FOLD] = with_c(weight_of_c(network_proba, combined, codes), weighted)

    if oof_choice is not None:
        network_proba, _, member_predictions, codes = recorded.last
        name, weights = oof_choice
        if name == "average":
            held = np.mean(list(member_predictions.values()), axis=0)
            chosen = probas["members, equal weights"]
        elif name == "weights":
            held = sum(w * member_predictions[k] for k, w in weights.items())
            chosen = sum(w * probas[k] for k, w in weights.items())
        else:
            held, chosen = member_predictions[name], probas[name]
        probas[oof_row] = with_c(weight_of_c(network_proba, held, codes), chosen)

    def f1(proba):
        return f1_score(y, clf.classes_[proba.argmax(axis=1)], average="macro")

    return {name: f1(proba) for name, proba in probas.items()}, selected


def _mean_table(frame, counts=False):
    """Markdown lines: each method's mean macro-F1 by data set."""
    grouped = frame.groupby(["method", "dataset"]).macro_f1
    mean, count = grouped.mean().unstack(), grouped.count().unstack()

    def cell(method, dataset):
        value = mean.loc[method, dataset]
        if counts and value == value:
            return f"{value:.4f} ({count.loc[method, dataset]:.0f})"
        return f"{value:.4f}"

    return markdown_table(
        ["method", *mean.columns],
        [[m, *(cell(m, d) for d in mean.columns)] for m in mean.index],
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="members averaged")
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=DEFAULT_DATASETS)
    parser.add_argument("--repeats", nargs="+", type=int, default=REPEATS)
    parser.add_argument(
        "--library-weights", action="store_true",
        help="keep the library's member weights (see the docstring)",
    )
    parser.add_argument("--out-of-fold", action="store_true", help="add the out-of-fold row")
    parser.add_argument(
        "--c-signal", action="store_true",
        help="stop C's training on its own held-out log-loss, not the blend's",
    )
    parser.add_argument(
        "--oof-choice", action="store_true",
        help="add the row of the members chosen by out-of-fold macro-F1",
    )
    parser.add_argument(
        "--oof-choice-weights", action="store_true",
        help="as --oof-choice, the out-of-fold NNLS weights a further candidate",
    )
    args = parser.parse_args()
    recorded = RecordedBlend()
    hexagan_module.fit_blend = recorded
    if not args.library_weights:
        _blend.member_weights = lambda members, *args, **kwargs: dict.fromkeys(
            members, 1 / len(members)
        )
    if args.c_signal:
        own_signal = hexagan_module.HexaGANClassifier._heldout_score

        def c_alone(self, rt, heldout_data, members, member_predictions):
            return own_signal(self, rt, heldout_data, {}, {})

        hexagan_module.HexaGANClassifier._heldout_score = c_alone
    path = RESULTS / "study_classifier_blend.csv"
    rows = pd.read_csv(path).to_dict("records") if path.exists() else []
    for name in args.datasets:
        X, y = prepare(name, False)
        for repeat in args.repeats:
            if repeat < 100:
                parser.error("--repeats: development splits are 100 and up")
            X_missing, y_partial = dirty(X, y, seed=repeat)
            train, _ = next(
                StratifiedKFold(5, shuffle=True, random_state=repeat).split(X, y)
            )
            carve = np.random.default_rng(repeat).uniform(size=len(train)) < 0.25
            fit, val = train[~carve], train[carve]
            with one_thread():
                clf = HexaGANClassifier(random_state=repeat, device="cpu")
                start = time.perf_counter()
                clf.fit(X_missing[fit], y_partial[fit])
                seconds = time.perf_counter() - start
            member_weights = None
            if args.out_of_fold:
                with one_thread():
                    member_weights = out_of_fold_weights(
                        clf, X_missing[fit], y_partial[fit], repeat
                    )
            oof_choice = oof_f1 = oof_row = None
            if args.oof_choice or args.oof_choice_weights:
                with one_thread():
                    name_, oof_f1, weights = out_of_fold_choice(
                        clf, X_missing[fit], y_partial[fit], repeat,
                        with_weights=args.oof_choice_weights,
                    )
                oof_choice = (name_, weights)
                oof_row = OOF_CHOICE_WEIGHTS if args.oof_choice_weights else OOF_CHOICE
            scores, selected = _scores(
                clf, X_missing[val], y[val], args.label, recorded, member_weights,
                oof_choice, oof_row,
            )
            for method, score in scores.items():
                row = dict(dataset=name, repeat=repeat, method=method, macro_f1=score)
                if method.startswith("blend") or not any(
                    r["dataset"] == name and r["repeat"] == repeat and r["method"] == method
                    for r in rows
                ):
                    rows.append(row)
            print(name, repeat, f"{seconds:.1f} s", clf.n_iter_, "epochs", clf.blend_weights_, selected, member_weights, oof_choice, oof_f1,
                  {k: round(v, 4) for k, v in scores.items()}, flush=True)
    frame = pd.DataFrame(rows).drop_duplicates(
        subset=["dataset", "repeat", "method"], keep="last"
    )
    frame.to_csv(path, index=False)
    lines = [
        "# Search log: HexaGANClassifier's blend on validation rows",
        "",
        "Written by `benchmarks/study_classifier_blend.py` (see its docstring): "
        f"macro-F1 on validation rows carved from training folds, mean over "
        f"the {len(REPEATS)} development splits {', '.join(map(str, REPEATS))} "
        "per data set.",
        "",
        *_mean_table(frame[frame.repeat.isin(REPEATS)]),
        "",
    ]
    if not frame.repeat.isin(REPEATS).all():
        lines += [
            "On every development split run (mean, with the number of splits):",
            "",
            *_mean_table(frame, counts=True),
            "",
        ]
    lines += machine_lines()
    (RESULTS / "study_classifier_blend.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
