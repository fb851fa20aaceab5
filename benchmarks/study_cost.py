"""Search log for the cost target of the "quality at practical cost" issue:
what the default fit on a small table can drop to cost at most 10 s.

A breast-cancer fit (one thread) spent ~8 s in the networks' ~1000 updates,
~11 s in the "forest" member (fitted twice: with the held-out entries
hidden, for its weight, then on every observed entry) and ~2 s in the other
members. The variants shrink those parts one at a time and together.

Development masks only (20% MCAR, seeds 100-102; the benchmark's are 0-4),
``fit_transform``, RMSE on the removed entries (features min-max scaled to
[0, 1]), each fit on one thread; ``--datasets`` runs one data set per
process, so times carry the load of one other job. Rows go to
``results/study_cost_<dataset>.csv`` after every fit (a rerun skips the fits
it holds); ``--summary`` writes ``results/study_cost.md``.

The variants of this script ran the code that followed from the rows
before them: the members fitted first and refitted on every observed entry,
the forest imputing the held-out entries (for its weight) with 10 trees per
feature instead of 30, the networks stopped when the blend's held-out RMSE
has not improved for 10 epochs; the forest then had 5 rounds. Its variants
"forest of t trees, r rounds" set the kept forest's size (the held-out one
keeps 10 trees, with r rounds); "30 trees, 4 rounds" became the default.

The rows without "stop on the blend" were run at commit baf9987 (with
variants since removed from this script: module constants of
``skgan.impute._blend`` and the networks' update budget patched for the
fit), when the networks stopped on their own held-out RMSE and every member
was refitted; "not refitted" there means the forest only, "held-out forest
of 10 trees" a forest of 10 trees for the weight and one of 30 refitted.
The rows "forest not refitted, stop on the blend, patience k" ran at commit
fdc08a1: the forest fitted once (held-out entries hidden), the networks
stopped when the blend's held-out RMSE had not improved for ``k`` epochs.
The rows "MisGAN forest leaves of n rows" (at the defaults of commit
aaaed24) give the forest's regression trees leaves of at least ``n`` rows
instead of 2, as MissForest's randomForest (5) does.
"""

import argparse
from functools import partial

import pandas as pd

from _common import (
    RESULTS,
    impute_on_masks,
    machine_lines,
    markdown_table,
    variant_table,
)
from sklearn.base import BaseEstimator, TransformerMixin
from study_blended import make_task

from skgan import HexaGANImputer, MisGANImputer
from skgan.impute import _blend

SEEDS = (100, 101, 102)


class _Patched(TransformerMixin, BaseEstimator):
    """``estimator`` fitted with module attributes of
    :mod:`skgan.impute._blend` (the forest's size, or ``make_member``
    itself) set to ``patches``."""

    def __init__(self, estimator, patches):
        self.estimator = estimator
        self.patches = patches

    def fit_transform(self, X, y=None):
        before = {name: getattr(_blend, name) for name in self.patches}
        try:
            for name, value in self.patches.items():
                setattr(_blend, name, value)
            return self.estimator.fit_transform(X)
        finally:
            for name, value in before.items():
                setattr(_blend, name, value)


VARIANTS = {
    **{
        f"{cls.__name__[:-len('Imputer')]} stop on the blend, "
        "held-out forest of 10 trees": (lambda seed, cls=cls: cls(random_state=seed))
        for cls in (MisGANImputer, HexaGANImputer)
    },
    **{
        f"MisGAN stop on the blend, held-out forest of 10 trees, forest of {trees} "
        f"trees, {rounds} rounds": (
            lambda seed, trees=trees, rounds=rounds: _Patched(
                MisGANImputer(random_state=seed),
                {"FOREST_TREES": trees, "FOREST_ROUNDS": rounds},
            )
        )
        for trees, rounds in [(30, 4), (20, 5), (50, 4)]
    },
    **{
        f"MisGAN forest leaves of {leaf} rows": (
            lambda seed, leaf=leaf: _Patched(
                MisGANImputer(random_state=seed),
                {"make_member": partial(_blend.make_member, min_samples_leaf=leaf)},
            )
        )
        for leaf in (1, 2, 5)
    },
    **{
        f"MisGAN held-out forest of {trees} trees (the kept forest's size)": (
            lambda seed, trees=trees: _Patched(
                MisGANImputer(random_state=seed), {"HELDOUT_FOREST_TREES": trees}
            )
        )
        for trees in (50,)
    },
    "MisGAN (default)": lambda seed: MisGANImputer(random_state=seed),
}


def csv_path(dataset):
    return RESULTS / f"study_cost_{dataset}.csv"


def summarise():
    frame = pd.concat(pd.read_csv(p) for p in sorted(RESULTS.glob("study_cost_*.csv")))
    # Every variant of the CSVs, in the order first run.
    header, rows = variant_table(frame, dict.fromkeys(frame.variant))
    lines = [
        "# Search log: the cost of a default fit on small tables",
        "",
        "Written by `benchmarks/study_cost.py` (see its docstring). Development masks, "
        f"seeds {', '.join(map(str, SEEDS))}; RMSE mean over the masks (their number in "
        "brackets); fit time in seconds, one thread, with one other single-threaded "
        "job on the 2 cores. Not a benchmark: it feeds design choices only.",
        "",
        *markdown_table(header, rows),
        "",
        *machine_lines(),
    ]
    (RESULTS / "study_cost.md").write_text("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", nargs="*", default=())
    parser.add_argument("--variants", nargs="*", default=None)
    parser.add_argument("--seeds", nargs="*", type=int, default=SEEDS)
    parser.add_argument("--summary", action="store_true")
    args = parser.parse_args()
    variants = {k: VARIANTS[k] for k in (args.variants or VARIANTS)}
    for dataset in args.datasets:
        impute_on_masks(
            variants, [(dataset, s) for s in args.seeds], make_task, csv_path(dataset)
        )
    if args.summary:
        summarise()


if __name__ == "__main__":
    main()
