"""GAMO's quality against its training budget: balanced accuracy (ACSA) on
the development rows against fit seconds, one point per ``max_iter``.

Reads the CSV that ``bench_gamo.py --dev --settings "max_iter=..." ...
--stem gamo_budget`` wrote (default ``results/gamo_budget.csv``, or
the one given) and draws ``GAMO + MLP`` and GAMO's own classifier M against
their mean fit time, the peers (run once, setting "peers") as horizontal
lines, into the same name with ``.png``.
"""

import argparse
from pathlib import Path

import pandas as pd

from _common import RESULTS, pyplot


def budget_points(frame):
    """Mean ACSA and fit seconds per (method, setting), ordered by time."""
    means = frame.groupby(["method", "setting"], as_index=False)[["ACSA", "fit_time_s"]].mean()
    return means.sort_values("fit_time_s")


def plot(csv_path):
    frame = pd.read_csv(csv_path)
    points = budget_points(frame)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    gamo = points[points.setting != "peers"]
    # The curve joins the budgets (max_iter) at the default batch; a setting
    # that also changes the batch is drawn as a point of its own.
    on_curve = ~gamo.setting.str.contains("batch_size")
    for method, rows in gamo[~on_curve].groupby("method"):
        ax.plot(rows.fit_time_s, rows.ACSA, marker="s", linestyle="none",
                color="black", label=f"{method}, other batch")
    for method, rows in gamo.groupby("method"):
        ax.plot(*rows[on_curve[rows.index]][["fit_time_s", "ACSA"]].T.values,
                marker="o", label=method)
        for r in rows.itertuples():
            ax.annotate(r.setting, (r.fit_time_s, r.ACSA), fontsize=7,
                        textcoords="offset points", xytext=(3, -9))
    for r in points[points.setting == "peers"].itertuples():
        ax.axhline(r.ACSA, linestyle="--", linewidth=0.8, color="grey")
        ax.annotate(r.method, (ax.get_xlim()[0], r.ACSA), fontsize=7,
                    textcoords="offset points", xytext=(2, 2), color="grey")
    ax.set_xlabel("fit seconds (mean over seeds)")
    ax.set_ylabel("ACSA, development rows")
    ax.set_title("GAMO: balanced accuracy against training budget")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    out = Path(csv_path).with_suffix(".png")
    fig.savefig(out, dpi=120)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, default=RESULTS / "gamo_budget.csv")
    print(plot(parser.parse_args().csv))


if __name__ == "__main__":
    main()
