"""Search log for the "quality at practical cost" issue: how to weigh the
blend's members on the held-out entries.

Development masks only (20% MCAR, seeds 100-102 by default; the benchmark's
are 0-4), features min-max scaled to [0, 1]. Per mask, one
``MisGANImputer()`` fit at the current defaults gives the networks' and every
member's imputation of the held-out entries and of the removed ones; each
weighting rule below is then fitted on the held-out entries and scored on
the removed ones (RMSE), so every rule sees the same fitted members:

* ``nnls``: non-negative least squares, the default;
* ``convex``: the same with weights summing to one;
* ``best single``: the member with the lowest held-out RMSE;
* ``equal``: every member alike;
* ``nnls + equal / 2``: halfway between ``nnls`` and ``equal``.

The wine rows in ``results/`` were measured with the defaults of commit
07933b1 (the forest member of 10 trees and 3 rounds, members not refitted);
a rerun measures the current ones.

Run ``OMP_NUM_THREADS=1 python benchmarks/study_weights.py --datasets wine``
(and so on); rows go to ``results/study_weights_<dataset>.csv`` after every
mask (a rerun skips the masks it holds); ``--summary`` writes
``results/study_weights.md`` from every CSV there is.
"""

import argparse
import warnings

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from _common import RESULTS, machine_lines, markdown_table, one_thread
from skgan import MisGANImputer
from skgan.impute import _base as impute_base
from study_blended import make_task

SEEDS = (100, 101, 102)


def _convex(P, t):
    big = 1e3 * np.sqrt(len(t))
    weights, _ = nnls(np.vstack([P, big * np.ones(P.shape[1])]), np.append(t, big))
    return weights


RULES = {
    "nnls": lambda P, t: nnls(P, t)[0],
    "convex": _convex,
    "best single": lambda P, t: np.eye(P.shape[1])[
        np.argmin(np.sqrt(((P - t[:, None]) ** 2).mean(0)))
    ],
    "equal": lambda P, t: np.ones(P.shape[1]) / P.shape[1],
    "nnls + equal / 2": lambda P, t: nnls(P, t)[0] / 2 + 0.5 / P.shape[1],
}


def predictions(dataset, seed):
    """Held-out and removed-entry imputations of the networks and members."""
    X, X_missing, removed = make_task(dataset, seed)
    captured = {}
    fit_blend = impute_base.fit_blend

    def capture(network, member_predictions, target, mixed=None, **kwargs):
        # The last call is the final blend's.
        captured.update(held=[network, *member_predictions.values()], target=target)
        return fit_blend(network, member_predictions, target, mixed, **kwargs)

    impute_base.fit_blend = capture
    try:
        with one_thread(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = MisGANImputer(random_state=seed).fit(X_missing)
    finally:
        impute_base.fit_blend = fit_blend
    mask = np.isnan(X_missing)
    X01 = np.where(mask, np.nan, est.scaling_.scale(X_missing, mask))
    outputs = [est._network_output(X_missing, mask)]
    outputs += [member.transform(X01) for member in est.blend_.members_.values()]
    names = ["network", *est.blend_.members_]
    held = np.column_stack(captured["held"])
    on_removed = np.column_stack(
        [est.scaling_.unscale(out)[removed] for out in outputs]
    )
    return names, held, captured["target"], on_removed, X[removed]


def study_mask(dataset, seed):
    names, held, target, on_removed, truth = predictions(dataset, seed)
    rows = []
    for rule, fit in RULES.items():
        weights = fit(held, target)
        rmse = float(np.sqrt(np.mean((on_removed @ weights - truth) ** 2)))
        rows.append(
            dict(dataset=dataset, seed=seed, rule=rule, rmse=rmse)
            | {f"weight {n}": w for n, w in zip(names, weights)}
        )
    for name, column in zip(names, on_removed.T):
        rows.append(dict(dataset=dataset, seed=seed, rule=f"{name} alone",
                         rmse=float(np.sqrt(np.mean((column - truth) ** 2)))))
    return rows


def summarise():
    frame = pd.concat(pd.read_csv(p) for p in sorted(RESULTS.glob("study_weights_*.csv")))
    table = frame.groupby(["rule", "dataset"], sort=False)["rmse"].mean().unstack()
    datasets = list(table.columns)
    lines = [
        "# Search log: weighing the blend's members",
        "",
        "Written by `benchmarks/study_weights.py` (see its docstring). Development "
        "masks (seeds "
        + ", ".join(str(s) for s in sorted(set(frame.seed)))
        + "); RMSE on the removed entries, mean over the masks; one "
        "`MisGANImputer()` fit per mask, every rule on the same members (wine: the "
        "defaults of commit 07933b1, see the docstring). Not a benchmark: it "
        "feeds design choices only.",
        "",
        *markdown_table(
            ["rule", *datasets],
            [[rule, *(f"{table.loc[rule, d]:.4f}" for d in datasets)] for rule in table.index],
        ),
        "",
        *machine_lines(),
    ]
    (RESULTS / "study_weights.md").write_text("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", nargs="*", default=())
    parser.add_argument("--seeds", nargs="*", type=int, default=SEEDS)
    parser.add_argument("--summary", action="store_true")
    args = parser.parse_args()
    for dataset in args.datasets:
        path = RESULTS / f"study_weights_{dataset}.csv"
        frame = pd.read_csv(path) if path.exists() else pd.DataFrame()
        for seed in args.seeds:
            if len(frame) and (frame.seed == seed).any():
                continue
            frame = pd.concat([frame, pd.DataFrame(study_mask(dataset, seed))])
            frame.to_csv(path, index=False)
            print(frame[frame.seed == seed][["rule", "rmse"]].to_string(), flush=True)
    if args.summary:
        summarise()


if __name__ == "__main__":
    main()
