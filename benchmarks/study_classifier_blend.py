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
"""

import argparse

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from _common import RESULTS, machine_lines, markdown_table, one_thread
from bench_hexagan import dirty, prepare
from skgan import HexaGANClassifier
from skgan.semi_supervised._blend import _probabilities

DATASETS = ("breast", "wine", "credit_data")
REPEATS = (100, 101, 102)


def _scores(clf, X, y, label):
    """Macro-F1 of the blend, of each member and network alone, and of the
    members with equal weights, on rows ``X`` with labels ``y``."""
    X01, observed = clf._scaled(X, np.isnan(X))
    X01_nan = np.where(observed, X01, np.nan)
    probas = {"network": clf._network_proba(X01, observed)}
    for name, member in clf.blend_.members_.items():
        probas[name] = _probabilities(member, X01_nan, len(clf.classes_))
    probas["members, equal weights"] = np.mean(
        [p for k, p in probas.items() if k != "network"], axis=0
    )
    probas[f"blend ({label})"] = clf.predict_proba(X)

    def f1(proba):
        return f1_score(y, clf.classes_[proba.argmax(axis=1)], average="macro")

    return {name: f1(proba) for name, proba in probas.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="members averaged")
    args = parser.parse_args()
    path = RESULTS / "study_classifier_blend.csv"
    rows = pd.read_csv(path).to_dict("records") if path.exists() else []
    for name in DATASETS:
        X, y = prepare(name, False)
        for repeat in REPEATS:
            X_missing, y_partial = dirty(X, y, seed=repeat)
            train, _ = next(
                StratifiedKFold(5, shuffle=True, random_state=repeat).split(X, y)
            )
            carve = np.random.default_rng(repeat).uniform(size=len(train)) < 0.25
            fit, val = train[~carve], train[carve]
            with one_thread():
                clf = HexaGANClassifier(random_state=repeat, device="cpu")
                clf.fit(X_missing[fit], y_partial[fit])
            scores = _scores(clf, X_missing[val], y[val], args.label)
            for method, score in scores.items():
                row = dict(dataset=name, repeat=repeat, method=method, macro_f1=score)
                if method.startswith("blend") or not any(
                    r["dataset"] == name and r["repeat"] == repeat and r["method"] == method
                    for r in rows
                ):
                    rows.append(row)
            print(name, repeat, clf.blend_weights_, flush=True)
    frame = pd.DataFrame(rows)
    frame.to_csv(path, index=False)
    table = frame.pivot_table(index="method", columns="dataset", values="macro_f1")
    lines = [
        "# Search log: HexaGANClassifier's blend on validation rows",
        "",
        "Written by `benchmarks/study_classifier_blend.py` (see its docstring): "
        f"macro-F1 on validation rows carved from training folds, mean over "
        f"{len(REPEATS)} development splits per data set.",
        "",
        *markdown_table(
            ["method", *table.columns],
            [[m, *(f"{v:.4f}" for v in table.loc[m])] for m in table.index],
        ),
        "",
        *machine_lines(),
    ]
    (RESULTS / "study_classifier_blend.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
