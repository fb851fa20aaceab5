"""What each of MisGANImputer's departures from the paper does, on
development masks.

Protocol: ``bench_imputation.py``'s (breast cancer and wine scaled to [0, 1],
20% MCAR, ``fit_transform``, RMSE on the removed entries) on *development*
masks, seeds 100-102, never the benchmark's seeds 0-4. Rows:

* ``default``: ``MisGANImputer()``;
* ``paper loss``: ``reconstruction_weight=0`` (no self-supervised term);
* ``no weight averaging``: the raw imputer is kept instead of the moving
  average of its weights;
* ``authors' learning rate``: ``learning_rate=1e-4``, the step size of the
  authors' code (skgan's default is 1e-3);
* ``beta=0``: the data generator gets no gradient from ``L_i``, as in the
  authors' code (skgan's ``beta`` term reaches it through ``D_i(G_x(z))``);
* ``eq. 12's imputer input``: the imputer network reads ``x * m + w * (1 -
  m)`` alone, as eq. 12 writes it, instead of ``x * m``, ``w * (1 - m)`` and
  ``m`` as separate channels;
* ``paper setting``: the first three at once (the paper's loss, no weight
  averaging, the authors' learning rate).

Each fit runs on one thread; the CSV is written after every fit and a rerun
skips the fits it already holds, so an interrupted run resumes. Run
``python benchmarks/bench_misgan_departures.py``; results go to
``benchmarks/results/misgan_departures.{md,csv}``.
"""

import argparse
from pathlib import Path

from skgan import MisGANImputer
from skgan._nn import fill_missing, make_mlp

from _common import RESULTS, impute_on_masks, machine_info, markdown_table, mean_std
from bench_imputation import make_task

DEV_SEEDS = (100, 101, 102)


class _RawImputerMisGAN(MisGANImputer):
    """MisGAN that keeps the imputer's last weights, not their average."""

    _averaged_networks = ()


class _SummedInputMisGAN(MisGANImputer):
    """MisGAN whose imputer network reads eq. 12's ``x * m + w * (1 - m)``
    alone (d inputs), not ``x * m``, ``w * (1 - m)`` and ``m`` as channels."""

    def _build_networks(self, rt):
        networks = super()._build_networks(rt)
        d = rt.data["x"].shape[1]
        width, _ = self._sizes(d)
        networks["imputer"] = make_mlp(
            [d, width, width, d], output="sigmoid", generator=rt.cpu_generator
        )
        return networks

    def _impute_tensor(self, networks, x, m, noise):
        return fill_missing(x, m, networks["imputer"](fill_missing(x, m, noise)))


VARIANTS = {
    "default": lambda seed: MisGANImputer(random_state=seed),
    "paper loss (reconstruction_weight=0)": lambda seed: MisGANImputer(
        reconstruction_weight=0.0, random_state=seed
    ),
    "no weight averaging": lambda seed: _RawImputerMisGAN(random_state=seed),
    "authors' learning rate (1e-4)": lambda seed: MisGANImputer(
        learning_rate=1e-4, random_state=seed
    ),
    "beta=0 (L_i does not reach G_x, as in the authors' code)": lambda seed: (
        MisGANImputer(beta=0.0, random_state=seed)
    ),
    "eq. 12's imputer input (x * m + w * (1 - m))": lambda seed: _SummedInputMisGAN(
        random_state=seed
    ),
    "paper setting (all three)": lambda seed: _RawImputerMisGAN(
        reconstruction_weight=0.0, learning_rate=1e-4, random_state=seed
    ),
}


def write_markdown(records, datasets, path, load):
    rows = []
    for variant in VARIANTS:
        cells = [variant]
        for dataset in datasets:
            mine = [r for r in records if (r["dataset"], r["variant"]) == (dataset, variant)]
            cells += [
                mean_std([float(r["rmse"]) for r in mine]),
                mean_std([float(r["fit_time_s"]) for r in mine], digits=1),
            ]
        rows.append(cells)
    header = ["variant"] + [
        f"{d} {what}" for d in datasets for what in ("RMSE", "fit time (s)")
    ]
    lines = [
        "# MisGANImputer: the departures from the paper, one at a time",
        "",
        "Written by `benchmarks/bench_misgan_departures.py`. Development masks "
        f"(seeds {', '.join(map(str, DEV_SEEDS))}; the benchmark's are 0-4), "
        "20% MCAR on data scaled to [0, 1], `fit_transform`; RMSE on the removed "
        "entries, mean ± std over the seeds. Each fit on one thread.",
        "",
        *markdown_table(header, rows),
        "",
        f"Load: {load}",
        "",
        "Machine:",
        "",
        *[f"- {line}" for line in machine_info()],
    ]
    Path(path).write_text("\n".join(lines) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["breast", "wine"])
    parser.add_argument(
        "--load", default="one fit at a time", help="what else ran, for the table"
    )
    args = parser.parse_args(argv)
    csv_path = RESULTS / "misgan_departures.csv"
    records = impute_on_masks(
        VARIANTS,
        [(dataset, seed) for dataset in args.datasets for seed in DEV_SEEDS],
        lambda dataset, seed: make_task(dataset, seed, quick=False),
        csv_path,
    )
    write_markdown(records, args.datasets, csv_path.with_suffix(".md"), args.load)


if __name__ == "__main__":
    main()
