"""Search log for the "quality at practical cost" issue: RMSE against fit
time of MisGANImputer and HexaGANImputer at smaller training budgets.

Development masks only (breast cancer and wine scaled to [0, 1], 20% MCAR,
seeds 100-102; the benchmark's are 0-4), ``fit_transform``, RMSE on the
removed entries; each fit on one thread while one other single-threaded job
shares the 2-core machine, so times are comparable within this file only.

Run ``OMP_NUM_THREADS=1 python benchmarks/study_budget.py``; rows go to
``results/study_budget.csv`` after every fit (a rerun skips the fits it
holds) and the summary to ``results/study_budget.md``.
"""

from pathlib import Path

import pandas as pd

from _common import RESULTS, impute_on_masks, machine_info, markdown_table
from bench_imputation import make_task
from skgan import HexaGANImputer, MisGANImputer

SEEDS = (100, 101, 102)
CSV = RESULTS / "study_budget.csv"

SETTINGS = {
    "MisGANImputer()": lambda s: MisGANImputer(random_state=s),
    "MisGANImputer(max_iter=60)": lambda s: MisGANImputer(max_iter=60, random_state=s),
    "MisGANImputer(n_critic=1)": lambda s: MisGANImputer(n_critic=1, random_state=s),
    "MisGANImputer(n_critic=1, max_iter=60)": lambda s: MisGANImputer(
        n_critic=1, max_iter=60, random_state=s
    ),
    "MisGANImputer(n_critic=2, max_iter=120)": lambda s: MisGANImputer(
        n_critic=2, max_iter=120, random_state=s
    ),
    "HexaGANImputer()": lambda s: HexaGANImputer(random_state=s),
    "HexaGANImputer(max_iter=60)": lambda s: HexaGANImputer(max_iter=60, random_state=s),
    "HexaGANImputer(max_iter=120)": lambda s: HexaGANImputer(
        max_iter=120, random_state=s
    ),
}


def main():
    records = impute_on_masks(
        SETTINGS,
        [(dataset, seed) for dataset in ("breast", "wine") for seed in SEEDS],
        lambda dataset, seed: make_task(dataset, seed, quick=False),
        CSV,
    )
    frame = pd.DataFrame(records).astype({"rmse": float, "fit_time_s": float})
    Path(CSV.with_suffix(".md")).write_text(summarise(frame))


def summarise(frame):
    table = frame.groupby(["variant", "dataset"], sort=False).agg(
        rmse=("rmse", "mean"), rmse_sd=("rmse", "std"), seconds=("fit_time_s", "mean")
    )
    rows = []
    for setting in SETTINGS:
        cells = [setting]
        for dataset in ("breast", "wine"):
            r = table.loc[(setting, dataset)]
            cells += [f"{r.rmse:.4f} ({r.rmse_sd:.4f})", f"{r.seconds:.1f}"]
        rows.append(cells)
    lines = [
        "# Search log: RMSE against fit time at smaller budgets",
        "",
        "Written by `benchmarks/study_budget.py` (see its docstring). Development "
        f"masks, seeds {', '.join(map(str, SEEDS))}; RMSE mean (std) over the "
        "masks; fit time in seconds, one thread, while one other single-threaded "
        "job shared the 2 cores. Not a benchmark: it feeds design choices only.",
        "",
        *markdown_table(
            ["setting", "breast RMSE", "breast fit s", "wine RMSE", "wine fit s"], rows
        ),
        "",
        "Machine:",
        "",
        *[f"- {line}" for line in machine_info()],
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
