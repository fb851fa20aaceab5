"""
===========================================
Which classes does over-sampling rescue?
===========================================

With an imbalance ratio of 100, Fashion-MNIST's smallest classes keep 40 to
200 training images against 4000 for the largest. Balanced accuracy (the
GAMO paper's ACSA) averages the recall of the classes; this example opens
it up, class by class, for :class:`~skgan.GAMOResampler` against SMOTE
(each followed by the same MLP) and for GAMO's own classifier M
(:class:`~skgan.GAMOClassifier`).

The numbers are read from ``benchmarks/results/gamo_fashion.csv``, written
by ``python benchmarks/bench_gamo.py --dataset fashion`` (three seeds, 100
test images per class); training the models here would take minutes, so the
example only draws. Without that file it says so and draws nothing.
"""

# %%
# The benchmark's rows
# --------------------
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

#: Training images per class in the benchmark (classes 0 to 9).
COUNTS = [4000, 2000, 1000, 750, 500, 350, 200, 100, 60, 40]
METHODS = ["SMOTE + MLP", "GAMO + MLP", "GAMO's M (GAMOClassifier)"]


def find_results_file(name):
    """``benchmarks/results/<name>`` of the repository this example is in."""
    here = Path(globals().get("__file__", "plot_gamo_class_recall.py")).resolve()
    for folder in [here.parent, *here.parents, Path.cwd(), *Path.cwd().parents]:
        candidate = folder / "benchmarks" / "results" / name
        if candidate.is_file():
            return candidate
    return None


path = find_results_file("gamo_fashion.csv")
frame = pd.read_csv(path) if path is not None else pd.DataFrame()
columns = [f"recall_{k}" for k in range(10)]
has_recall = set(columns) <= set(frame.columns)
if not has_recall:
    print("No per-class recall in benchmarks/results/gamo_fashion.csv yet.")

# %%
# Recall per class
# ----------------
# Mean over the seeds. The classes are ordered from the largest to the
# smallest; shirts (class 6, 200 images) are the hardest for every method,
# as they look like T-shirts, pullovers and coats.
if has_recall:
    rows = frame[frame["method"].isin(METHODS)].dropna(subset=columns)
    means = rows.groupby("method")[columns].mean().reindex(METHODS).dropna()
    x = np.arange(10)
    width = 0.8 / len(means)
    fig, ax = plt.subplots(figsize=(8, 3.4))
    for i, (method, recall) in enumerate(means.iterrows()):
        ax.bar(x + (i - (len(means) - 1) / 2) * width, recall, width, label=method)
    ax.set_xticks(x, [f"{k}\n({n})" for k, n in enumerate(COUNTS)])
    ax.set_xlabel("class (training images)")
    ax.set_ylabel("recall on the test images")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    plt.show()
    print(means.T.round(3))
