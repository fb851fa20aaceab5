"""Search log for the "quality at practical cost" issue: the GAN imputers
blended with IterativeImputer and KNNImputer on held-out observed entries
(``blend_with``), with the adversarial terms on and off, with and without
the blend, at one and at the paper's five critic updates per step.

Development masks only (20% MCAR, seeds 100-101; the benchmark's are 0-4),
``fit_transform``, RMSE on the removed entries (features min-max scaled to
[0, 1]); each fit on one thread. Up to two data sets run at once (one process
each, ``--datasets``), so times carry the load of one other job.

Variants are named after what they change from the defaults of the time.
Rows marked "[forest of 10 trees, 3 rounds, members not refitted]" (and the
"forest of ..." rows without "refitted") were measured before the members
were refitted on every observed entry and the forest grew to 30 trees and 5
rounds: those rows led to that change.

Rows "MisGAN forest of t trees, r rounds, members [not] refitted" patched
``skgan.impute._blend``'s ``FOREST_TREES``, ``FOREST_ROUNDS`` and a
``REFIT_MEMBERS`` switch since removed (the members are always refitted).

Rows "MisGAN per-feature weights, shrinkage k" were measured with an option
since removed (commit a6c69b0's ``_blend_shrinkage``: NNLS weights per
feature, pulled toward the table's as ``(n_j w_j + k w) / (n_j + k)``); it did
no better and is not in the code any more.

Run ``OMP_NUM_THREADS=1 python benchmarks/study_blended.py --datasets breast``
(and so on); rows go to ``results/study_blended_<dataset>.csv`` after every
fit (a rerun skips the fits it holds). ``--summary`` writes
``results/study_blended.md`` from every CSV there is.
"""

import argparse
from pathlib import Path

import pandas as pd

from _common import (
    DATASETS,
    RESULTS,
    impute_on_masks,
    machine_lines,
    markdown_table,
    minmax_nan,
    peer_imputers,
    variant_table,
)

from skgan import HexaGANImputer, MisGANImputer
from skgan.datasets import make_mcar

SEEDS = (100, 101)
#: The first seed only, for the slow data sets (--first-seed).
FIRST = SEEDS[:1]


VARIANTS = {
    "MisGAN default": lambda s: MisGANImputer(random_state=s),
    "MisGAN adversarial off": lambda s: MisGANImputer(adversarial=False, random_state=s),
    "MisGAN no blend": lambda s: MisGANImputer(blend_with=None, random_state=s),
    "MisGAN adversarial off, no blend": lambda s: MisGANImputer(
        adversarial=False, blend_with=None, random_state=s
    ),
    "MisGAN blend without forest": lambda s: MisGANImputer(
        blend_with=("iterative", "knn"), random_state=s
    ),
    "HexaGAN default": lambda s: HexaGANImputer(random_state=s),
    "HexaGAN adversarial off": lambda s: HexaGANImputer(adversarial=False, random_state=s),
    "HexaGAN no blend": lambda s: HexaGANImputer(blend_with=None, random_state=s),
    "members alone (one-epoch network)": lambda s: MisGANImputer(
        adversarial=False, max_iter=1, random_state=s
    ),
    "MisGAN no blend, n_critic=5 (the paper's)": lambda s: MisGANImputer(
        n_critic=5, blend_with=None, random_state=s
    ),
    "HexaGAN no blend, n_critic=5": lambda s: HexaGANImputer(
        n_critic=5, blend_with=None, random_state=s
    ),
    **{
        name: make
        for name, make in peer_imputers().items()
        if name in ("KNNImputer", "IterativeImputer", "MissForest-style", "miceforest")
    },
}


def make_task(dataset, seed):
    """The benchmark's task (``bench_imputation_tables``: min-max scaled,
    20% MCAR) on a development seed."""
    X = minmax_nan(DATASETS[dataset]().astype(float))
    X_missing, missing = make_mcar(X, 0.2, random_state=seed, return_mask=True)
    return X, X_missing, missing


def csv_path(dataset):
    return RESULTS / f"study_blended_{dataset}.csv"


def summarise():
    frames = [pd.read_csv(p) for p in sorted(RESULTS.glob("study_blended_*.csv"))]
    frame = pd.concat(frames)
    # Variants measured with options since removed are kept at the end.
    header, rows = variant_table(
        frame,
        [*VARIANTS, *(v for v in dict.fromkeys(frame.variant) if v not in VARIANTS)],
    )
    lines = [
        "# Search log: blended GAN imputers on development masks",
        "",
        "Written by `benchmarks/study_blended.py` (see its docstring). Development "
        f"masks, seeds {', '.join(map(str, SEEDS))}; RMSE mean over the masks (their "
        "number in brackets); fit "
        "time in seconds, one thread, with one other single-threaded job on the "
        "2 cores. Not a benchmark: it feeds design choices only.",
        "",
        *markdown_table(header, rows),
        "",
        *machine_lines(),
    ]
    (RESULTS / "study_blended.md").write_text("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", nargs="*", default=())
    parser.add_argument("--variants", nargs="*", default=None)
    parser.add_argument("--summary", action="store_true")
    parser.add_argument("--first-seed", action="store_true")
    args = parser.parse_args()
    variants = {k: VARIANTS[k] for k in (args.variants or VARIANTS)}
    for dataset in args.datasets:
        impute_on_masks(
            variants,
            [(dataset, seed) for seed in (FIRST if args.first_seed else SEEDS)],
            make_task,
            csv_path(dataset),
        )
    if args.summary:
        summarise()


if __name__ == "__main__":
    main()
