"""Scratch diagnostic (2026-12-04, thirteenth session): how much any
over-sampler could gain for the benchmark's MLP, scored on the development
rows (see gamo_search.md).

"real_rows" balances the training set with *new real rows* of each class,
drawn from the rows of the data set that the split leaves unused (neither
training, development nor test rows), as far as there are enough of them. No
over-sampler can do better than fresh data of the class: this is the ceiling
on what a generator could add. "real_rows_half" adds half as many.

"hull" replaces each of those new rows by its nearest point of the convex
hull of the class's training rows (non-negative least squares with the
weights summing to 1): the closest a convex generator such as GAMO's with
``k_neighbors=None`` could come to fresh data. "local_hull" does the same
within the hull of one neighbourhood, the new row's nearest training row and
that row's 5 nearest training rows of the class: the family of GAMO's
default generator (``k_neighbors=5``). "near_hull" projects onto the hull of
the new row's 50 nearest training rows of the class (all of them in a
smaller class): close to the class's hull, whose nearest point is spanned by
nearby rows, at a cost Fashion-MNIST's 784 pixels allow.

    python headroom.py DATASET VARIANT SEEDS LOG
    python headroom.py --report OUT.md LOG [LOG ...]

Rows are appended to LOG in ``variants.py``'s format (kind "oracle").
``--report`` writes the summary table of the oracle rows beside the peers'
and GAMO's default rows found in the LOGs (a later LOG's row replaces an
earlier one of the same dataset, method and seed), on the seeds every
method shares.
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benchmarks/
import numpy as np
from scipy.optimize import nnls
from sklearn.datasets import load_digits
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

import bench_gamo as bg
from variants import append_row, read_rows  # this folder


def unused_rows(dataset, seed, counts):
    """The split's training rows and, per class, the rows it leaves unused,
    drawn in the same random order as ``bench_gamo``'s split."""
    if dataset == "digits":
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
        rng = np.random.RandomState(seed)
        counts = np.array(counts)[rng.permutation(10)]
        pools = []
        for digit, n_train in enumerate(counts):
            rows = rng.permutation(np.flatnonzero(y == digit))
            pools.append(rows[bg.N_TEST + bg.N_DEV + n_train :])
        return X, y, counts, pools
    X, y = bg._fashion("train", None)
    _, y_test = bg._fashion("test", None)
    rng = np.random.RandomState(seed)
    pools = []
    for label, n_train in enumerate(counts):
        rows = rng.permutation(np.flatnonzero(y == label))
        pools.append(rows[n_train + bg.FASHION_DEV :])
        rng.permutation(np.flatnonzero(y_test == label))  # keep the stream in step
    X = (X / np.float32(255)).astype(np.float32)
    return X, y, np.array(counts), pools


def convex_projection(anchors, x, penalty=100.0):
    """The point of the convex hull of ``anchors`` nearest to ``x``: NNLS with
    the constraint ``sum(w) = 1`` as a heavily weighted extra equation."""
    A = np.vstack([anchors.T, np.full(len(anchors), penalty)])
    w, _ = nnls(A, np.append(x, penalty))
    return (w / w.sum()) @ anchors


def projected(rows, anchors, local, k_neighbors=5, n_near=None):
    """``rows`` replaced by their projections onto the hull of ``anchors``
    (``local``: of the neighbourhood of each row's nearest anchor;
    ``n_near``: of each row's ``n_near`` nearest anchors)."""
    anchors = np.asarray(anchors, dtype=np.float64)
    if n_near is not None:
        near = NearestNeighbors(n_neighbors=min(n_near, len(anchors))).fit(anchors)
        index = near.kneighbors(rows, return_distance=False)
        return np.array([convex_projection(anchors[i], x) for i, x in zip(index, rows)])
    if not local:
        return np.array([convex_projection(anchors, x) for x in rows])
    m = min(k_neighbors + 1, len(anchors))
    hoods = NearestNeighbors(n_neighbors=m).fit(anchors).kneighbors(
        anchors, return_distance=False
    )
    nearest = NearestNeighbors(n_neighbors=1).fit(anchors).kneighbors(
        rows, return_distance=False
    )[:, 0]
    return np.array(
        [convex_projection(anchors[hoods[j]], x) for j, x in zip(nearest, rows)]
    )


#: (kind, variant, label) of the report's rows, in order.
REPORT_ROWS = [
    ("none", "-", "none + MLP"),
    ("RandomOverSampler", "-", "RandomOverSampler + MLP"),
    ("SMOTE", "-", "SMOTE + MLP"),
    ("BorderlineSMOTE", "-", "BorderlineSMOTE + MLP"),
    ("GAMO", "default", "GAMO + MLP (defaults)"),
    ("oracle", "local_hull", "oracle: fresh rows projected onto a seed's neighbourhood hull"),
    ("oracle", "near_hull", "oracle: fresh rows projected onto the hull of their 50 nearest rows of the class"),
    ("oracle", "hull", "oracle: fresh rows projected onto the class's hull"),
    ("oracle", "real_rows_half", "oracle: half as many fresh real rows"),
    ("oracle", "real_rows", "oracle: fresh real rows"),
]


def report_table(rows, dataset):
    present = [
        (kind, variant, label)
        for kind, variant, label in REPORT_ROWS
        if any(key[:3] == (dataset, kind, variant) for key in rows)
    ]
    seeds = sorted(
        set.intersection(
            *[
                {key[3] for key in rows if key[:3] == (dataset, kind, variant)}
                for kind, variant, _ in present
            ]
        )
    )

    def scores(kind, variant, metric):
        return np.array([rows[(dataset, kind, variant, s)][metric] for s in seeds])

    base = scores("RandomOverSampler", "-", "ACSA")
    lines = [
        f"### {dataset}, development seeds {seeds[0]}-{seeds[-1]} ({len(seeds)} seeds)",
        "",
        "| method | ACSA | GM | ACSA minus RandomOverSampler's, paired | seeds above / below |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, variant, label in present:
        acsa, gm = scores(kind, variant, "ACSA"), scores(kind, variant, "GM")
        diff = acsa - base
        paired = (
            "–"
            if kind == "RandomOverSampler"
            else f"{diff.mean():+.3f} ± {diff.std(ddof=1):.3f}"
        )
        counts = "–" if kind == "RandomOverSampler" else f"{(diff > 0).sum()} / {(diff < 0).sum()}"
        lines.append(
            f"| {label} | {acsa.mean():.3f} ± {acsa.std(ddof=1):.3f} | {gm.mean():.3f} "
            f"| {paired} | {counts} |"
        )
    return lines


def report(out, logs):
    rows = read_rows(logs)
    lines = [
        "# How far can an over-sampler go? Oracle ceilings on the development rows",
        "",
        "Written by `benchmarks/results/gamo_search/headroom.py --report` from "
        + ", ".join(f"`{Path(log).name}`" for log in logs)
        + " (development rows of `bench_gamo.py`'s splits, never the test rows; the "
        "benchmark's downstream MLP; mean ± sd over seeds). The oracles balance the "
        "training set with rows no over-sampler has: fresh real rows of each class from "
        "the rows the split leaves unused, or their nearest points in the convex hull "
        "of the class's training rows, the best a generator whose rows are convex "
        "combinations of its class's rows (as GAMO's) could do to imitate fresh data.",
        "",
    ]
    for dataset in ("digits", "fashion"):
        if any(key[0] == dataset for key in rows):
            lines += report_table(rows, dataset) + [""]
    Path(out).write_text("\n".join(lines))


def main():
    if sys.argv[1] == "--report":
        return report(sys.argv[2], sys.argv[3:])
    dataset, variant, seeds, log = sys.argv[1:5]
    share = 0.5 if variant == "real_rows_half" else 1.0
    done = read_rows([log])
    counts, _ = bg.settings(dataset, False)
    for seed in [int(s) for s in seeds.split(",")]:
        if (dataset, "oracle", variant, seed) in done:
            continue
        (X_train, y_train), (Xd, yd), _ = bg.split(dataset, seed, counts, None)
        X, y, class_counts, pools = unused_rows(dataset, seed, counts)
        target = class_counts.max()
        extra = np.concatenate(
            [pool[: int(share * (target - n))] for pool, n in zip(pools, class_counts)]
        )
        new = X[extra].astype(np.float64)
        if variant in ("hull", "local_hull", "near_hull"):
            for label in np.unique(y[extra]):
                rows = y[extra] == label
                new[rows] = projected(
                    new[rows],
                    X_train[y_train == label],
                    variant == "local_hull",
                    n_near=50 if variant == "near_hull" else None,
                )
        Xr = np.concatenate([X_train, new.astype(X_train.dtype)])
        yr = np.concatenate([y_train, y[extra]])
        with threadpool_limits(1):
            start = time.perf_counter()
            pred = bg.downstream(seed).fit(Xr, yr).predict(Xd)
        row = {"dataset": dataset, "kind": "oracle", "variant": variant, "seed": seed,
               "fit_time_s": round(time.perf_counter() - start, 2),
               "n_extra": int(len(extra)),
               **{k: round(float(v), 4) for k, v in bg.scores(yd, pred).items()}}
        append_row(log, row)


if __name__ == "__main__":
    main()
