"""RMSE against fit time, one panel per data set, from an imputation table.

Every method of ``bench_imputation_tables.py``'s 20% MCAR table (transductive)
is one point: mean fit time and mean RMSE over the seeds. The skgan rows at
their defaults and at the cheaper settings of ``_common.SKGAN_VARIANTS``
(adversarial terms off, no blend, the blend's members alone) are the budgets
a user can pick; the peers are drawn beside them.

Run ``python benchmarks/plot_tradeoff.py [CSV]`` (default:
``results/blended/imputation_tables.csv``); the figure goes beside the CSV
as ``rmse_vs_fit_time.png``.
"""

import sys
from pathlib import Path

import pandas as pd

from _common import RESULTS, peer_imputers, pyplot


def main(path):
    frame = pd.read_csv(path)
    frame = frame[(frame.table == "mcar20") & (frame.protocol == "transductive")]
    means = frame.groupby(["dataset", "method"], sort=False)[["rmse", "fit_time_s"]].mean()
    datasets = list(dict.fromkeys(frame.dataset))
    plt = pyplot()
    columns = min(3, len(datasets))
    rows = -(-len(datasets) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(5.5 * columns, 4.5 * rows), squeeze=False)
    peers = set(peer_imputers())
    for ax, dataset in zip(axes.flat, datasets):
        for method, row in means.loc[dataset].iterrows():
            ours = method not in peers
            ax.scatter(row.fit_time_s, row.rmse, marker="o" if ours else "s",
                       color="C0" if ours else "C1")
            ax.annotate(method, (row.fit_time_s, row.rmse), fontsize=6,
                        xytext=(3, 2), textcoords="offset points")
        ax.set_xscale("log")
        ax.set_xlabel("fit time, s (log)")
        ax.set_title(dataset)
    for ax in axes[:, 0]:
        ax.set_ylabel("RMSE on removed entries (lower is better)")
    for ax in axes.flat[len(datasets):]:
        ax.axis("off")
    fig.suptitle("skgan (circles) and peers (squares): RMSE against fit time")
    fig.tight_layout()
    out = Path(path).with_name("rmse_vs_fit_time.png")
    fig.savefig(out, dpi=120)
    print(f"Wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else RESULTS / "blended" / "imputation_tables.csv")
