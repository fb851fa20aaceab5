"""Search log for the "quality at practical cost" issue: does a blend of
skgan's imputers with scikit-learn's, weighted on held-out observed entries,
beat the best single imputer?

Development masks only (breast cancer and wine scaled to [0, 1], 20% MCAR,
seeds 100-102; the benchmark's are 0-4). Per mask, a further share of the
observed entries (``HOLD_OUT``) is hidden; every base imputer is fitted on
what is left and fills both the held-out and the removed entries. Non-negative
least squares on the held-out entries gives one weight per base imputer
(``scipy.optimize.nnls``, no intercept); the blend applies those weights to
the removed entries. Reported: RMSE on the removed entries of each base
imputer fitted on what is left, of each fitted on every observed entry (what a
user gets today), and of the blend, with the weights.

Run ``OMP_NUM_THREADS=1 python benchmarks/study_blend.py``; rows go to
``results/study_blend.csv`` after every mask (a rerun skips the masks it
holds) and the summary to ``results/study_blend.md``.
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from _common import (
    RESULTS,
    machine_info,
    markdown_table,
    one_thread,
    peer_imputers,
    rmse,
    run_imputer,
)
from bench_imputation import make_task
from skgan import HexaGANImputer, MisGANImputer

SEEDS = (100, 101, 102)
HOLD_OUT = 0.1
CSV = RESULTS / "study_blend.csv"

BASES = {
    "MisGANImputer": lambda seed: MisGANImputer(random_state=seed),
    "HexaGANImputer": lambda seed: HexaGANImputer(random_state=seed),
    **{
        name: make
        for name, make in peer_imputers().items()
        if name in ("KNNImputer", "IterativeImputer", "MissForest-style")
    },
}


def study_mask(dataset, seed):
    """Rows of the CSV for one development mask."""
    X, X_missing, removed = make_task(dataset, seed, quick=False)
    rng = np.random.RandomState(seed + 1000)
    held = ~removed & (rng.uniform(size=X.shape) < HOLD_OUT)
    X_fit = np.where(held, np.nan, X_missing)
    rows, on_held, on_removed = [], [], []
    for name, make in BASES.items():
        with one_thread(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reduced, reduced_s = run_imputer(make(seed), X_fit)
            full, full_s = run_imputer(make(seed), X_missing)
        on_held.append(reduced[held])
        on_removed.append(reduced[removed])
        rows += [
            _row(dataset, seed, name, "fitted without the held-out entries",
                 rmse(X, reduced, removed), reduced_s),
            _row(dataset, seed, name, "fitted on every observed entry",
                 rmse(X, full, removed), full_s),
        ]
    weights, _ = nnls(np.column_stack(on_held), X[held])
    blend = X_missing.copy()
    blend[removed] = np.column_stack(on_removed) @ weights
    rows.append(
        _row(dataset, seed, "blend", "weights from the held-out entries",
             rmse(X, blend, removed), np.nan)
        | {f"weight {name}": w for name, w in zip(BASES, weights)}
    )
    return rows


def _row(dataset, seed, method, fit, rmse, seconds):
    return dict(dataset=dataset, seed=seed, method=method, fit=fit, rmse=rmse,
                fit_time_s=seconds)


def summarise(frame):
    table = (
        frame.groupby(["dataset", "method", "fit"], sort=False)["rmse"]
        .agg(["mean", "std"])
        .reset_index()
    )
    weights = frame.filter(like="weight ").groupby(frame["dataset"]).mean()
    lines = [
        "# Search log: blending imputers on held-out observed entries",
        "",
        "Written by `benchmarks/study_blend.py` (see its docstring). Development "
        f"masks, seeds {', '.join(map(str, SEEDS))}; {HOLD_OUT:.0%} of the observed "
        "entries held out for the weights. RMSE on the removed entries, mean "
        "(std) over the masks. Not a benchmark: no test seed was used, and the "
        "numbers feed design choices only.",
        "",
        "| dataset | method | fitted | RMSE |",
        "|---|---|---|---:|",
    ]
    lines += [
        f"| {r.dataset} | {r.method} | {r.fit} | {r.mean:.4f} ({r.std:.4f}) |"
        for r in table.itertuples()
    ]
    lines += ["", "Mean blend weights:", ""]
    lines += markdown_table(
        ["dataset", *weights.columns],
        [[name, *(f"{w:.3f}" for w in row)] for name, row in weights.iterrows()],
    )
    lines += [""]
    lines += ["Machine:", ""] + [f"- {line}" for line in machine_info()]
    return "\n".join(lines) + "\n"


def main():
    frame = pd.read_csv(CSV) if CSV.exists() else pd.DataFrame()
    for dataset in ("breast", "wine"):
        for seed in SEEDS:
            if len(frame) and ((frame.dataset == dataset) & (frame.seed == seed)).any():
                continue
            frame = pd.concat([frame, pd.DataFrame(study_mask(dataset, seed))])
            frame.to_csv(CSV, index=False)
            print(frame.tail(len(BASES) * 2 + 1).to_string(), flush=True)
    Path(CSV.with_suffix(".md")).write_text(summarise(frame))


if __name__ == "__main__":
    main()
