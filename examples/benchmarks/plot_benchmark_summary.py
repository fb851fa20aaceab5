"""
========================
Benchmark summary charts
========================

The scripts in ``benchmarks/`` put skgan beside the methods a user would
otherwise pick and write one CSV file per benchmark under
``benchmarks/results/`` (one row per method, data set and seed or fold).
This example reads whichever of those files are present and draws one chart
per file: the mean of every score column over seeds or folds, with its
standard deviation, per method and data set. Nothing is trained here; when
no results have been written yet, the example says so and draws nothing.

See the Markdown tables beside the CSV files for each benchmark's protocol
and machine.
"""

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def find_results():
    """``benchmarks/results`` of the repository this example lives in."""
    here = Path(globals().get("__file__", "plot_benchmark_summary.py")).resolve()
    for folder in [here.parent, *here.parents, Path.cwd(), *Path.cwd().parents]:
        candidate = folder / "benchmarks" / "results"
        if candidate.is_dir():
            return candidate
    return None


results = find_results()
files = sorted(results.glob("*.csv")) if results is not None else []
print("result files:", [f.name for f in files] or "none found")

# Columns that index repetitions, not scores.
REPEATS = {"seed", "fold", "repeat"}
# Lower is better for these scores; the charts say so.
LOWER_IS_BETTER = ("rmse", "time", "ms_")


def summary_chart(path):
    """One figure for one CSV file: a panel per score column."""
    table = pd.read_csv(path)
    if "method" not in table.columns:
        print(f"{path.name}: no 'method' column, skipped")
        return
    numeric = table.select_dtypes("number").columns
    scores = [c for c in numeric if c not in REPEATS][:4]
    groups = [
        c for c in table.columns if c not in numeric and c not in ("method", "task")
    ]
    group = groups[0] if groups else None
    if not scores:
        print(f"{path.name}: no score column, skipped")
        return
    keys = ["method"] + ([group] if group else [])
    stats = table.groupby(keys, sort=False)[scores].agg(["mean", "std"])
    methods = list(dict.fromkeys(table["method"]))
    datasets = list(dict.fromkeys(table[group])) if group else [None]

    fig, axes = plt.subplots(
        1, len(scores), figsize=(4.8 * len(scores), 0.45 * len(methods) + 1.8),
        squeeze=False,
    )
    height = 0.8 / len(datasets)
    for ax, score in zip(axes[0], scores):
        for j, dataset in enumerate(datasets):
            means, stds = [], []
            for method in methods:
                key = (method, dataset) if group else method
                row = stats.loc[key] if key in stats.index else None
                means.append(np.nan if row is None else row[(score, "mean")])
                stds.append(0.0 if row is None else np.nan_to_num(row[(score, "std")]))
            ax.barh(
                np.arange(len(methods)) + j * height,
                means,
                height=height,
                xerr=stds,
                label=dataset,
            )
        ax.set_yticks(np.arange(len(methods)) + 0.4 - height / 2, methods, fontsize=8)
        ax.invert_yaxis()
        lower = any(word in score.lower() for word in LOWER_IS_BETTER)
        ax.set_xlabel(f"{score} ({'lower' if lower else 'higher'} is better)")
        if "time" in score.lower() or score.lower().startswith("ms_"):
            ax.set_xscale("log")
        if group and len(datasets) > 1:
            ax.legend(fontsize=7, title=group, title_fontsize=7)
    for ax in axes[0][1:]:
        ax.set_yticklabels([])
    fig.suptitle(path.stem.replace("_", " "))
    fig.tight_layout()
    plt.show()


# %%
# One chart per results file
# --------------------------
for path in files:
    summary_chart(path)
