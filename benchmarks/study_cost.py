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

The rows without "stop on the blend" were run at commit baf9987 (with
variants since removed from this script: module constants of
``skgan.impute._blend`` and the networks' update budget patched for the
fit), when the networks stopped on their own held-out RMSE and every member
was refitted; "not refitted" there means the forest only, "held-out forest
of 10 trees" a forest of 10 trees for the weight and one of 30 refitted. The
"stop on the blend" rows (the variants of this script) run the code that
followed from them: the forest fitted once (held-out entries hidden), the
networks stopped when the blend's held-out RMSE stops improving for
``n_iter_no_change`` epochs.
"""

import argparse

import pandas as pd

from _common import (
    RESULTS,
    impute_on_masks,
    machine_lines,
    markdown_table,
    variant_table,
)
from study_blended import make_task

from skgan import HexaGANImputer, MisGANImputer

SEEDS = (100, 101, 102)


VARIANTS = {
    **{
        f"{cls.__name__[:-len('Imputer')]} stop on the blend, patience {patience}": (
            lambda seed, cls=cls, patience=patience: cls(
                n_iter_no_change=patience, random_state=seed
            )
        )
        for cls, patience in [
            (MisGANImputer, 50),
            (MisGANImputer, 10),
            (MisGANImputer, 5),
            (HexaGANImputer, 10),
        ]
    },
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
