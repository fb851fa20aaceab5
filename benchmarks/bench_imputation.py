"""Imputation quality and time: skgan's imputers beside scikit-learn's.

Protocol (the MisGAN and GAIN papers' on data bundled with scikit-learn):
breast cancer (569 x 30, the papers' "Breast") and wine (178 x 13), every
feature min-max scaled to [0, 1]; per seed, 20% of the entries are removed
completely at random (MCAR); each imputer is fitted on all rows and fills
their missing entries (``fit_transform``, transductive, as in the papers).
Score: RMSE on the removed entries, mean +- standard deviation over the
seeds, with the wall-clock time of ``fit_transform``. Every method runs with
its defaults (``random_state`` set to the seed where it has one).

Peers: ``SimpleImputer`` (mean), ``KNNImputer`` and ``IterativeImputer``;
every imputer exported by ``skgan`` is picked up on its own (add a peer to
``PEERS``).

Run ``python benchmarks/bench_imputation.py`` (5 seeds; ``--seeds N``); results
go to ``benchmarks/results/imputation.{md,csv,png}``. ``--quick`` (2 seeds,
a few epochs, subsampled data: a smoke test whose numbers mean nothing)
writes to ``benchmarks/results/quick/`` instead.
"""

import argparse
import csv
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
from sklearn.preprocessing import minmax_scale

from _common import machine_info, skgan_imputers

RESULTS = Path(__file__).parent / "results"
MISSING_RATE = 0.2

#: Data sets: name -> loader of the raw feature matrix.
DATASETS = {
    "breast": lambda: load_breast_cancer().data,
    "wine": lambda: load_wine().data,
}

#: scikit-learn's imputers: name -> factory(seed, quick) -> estimator.
PEERS = {
    "SimpleImputer (mean)": lambda seed, quick: SimpleImputer(strategy="mean"),
    "KNNImputer": lambda seed, quick: KNNImputer(),
    "IterativeImputer": lambda seed, quick: IterativeImputer(
        random_state=seed, **({"max_iter": 3} if quick else {})
    ),
}


def _skgan_factory(cls):
    def make(seed, quick):
        params = cls().get_params()
        kwargs = {"random_state": seed} if "random_state" in params else {}
        if quick and "max_iter" in params:
            kwargs["max_iter"] = 3
        return cls(**kwargs)

    return make


def methods():
    """Methods to compare, in table order: name -> factory(seed, quick)."""
    return {
        **PEERS,
        **{name: _skgan_factory(cls) for name, cls in skgan_imputers().items()},
    }


def make_task(dataset, seed, quick):
    """Scaled complete data, the same with MCAR holes, and the hole mask."""
    X = minmax_scale(DATASETS[dataset]().astype(float))
    if quick:
        X = X[:100, :8]
    rng = np.random.RandomState(seed)
    missing = rng.uniform(size=X.shape) < MISSING_RATE
    return X, np.where(missing, np.nan, X), missing


def run_one(make_estimator, X, X_missing, missing, seed, quick):
    """RMSE on the removed entries and fit_transform seconds of one method."""
    estimator = make_estimator(seed, quick)
    with warnings.catch_warnings():
        # IterativeImputer's "early stopping criterion not reached" is noise here.
        warnings.filterwarnings(
            "ignore", ".*Early stopping criterion not reached", ConvergenceWarning
        )
        start = time.perf_counter()
        X_imputed = estimator.fit_transform(X_missing)
        seconds = time.perf_counter() - start
    if X_imputed.shape != X.shape or not np.isfinite(X_imputed).all():
        raise RuntimeError(f"{estimator!r} returned a bad imputation")
    rmse = float(np.sqrt(np.mean((X_imputed[missing] - X[missing]) ** 2)))
    return rmse, seconds


def summarize(records):
    """(dataset, method) -> (rmse mean, rmse std, time mean, time std, n)."""
    summary = {}
    for key in dict.fromkeys((r["dataset"], r["method"]) for r in records):
        rows = [r for r in records if (r["dataset"], r["method"]) == key]
        rmse = np.array([r["rmse"] for r in rows])
        secs = np.array([r["fit_time_s"] for r in rows])
        summary[key] = (rmse.mean(), rmse.std(), secs.mean(), secs.std(), len(rows))
    return summary


def write_csv(records, path):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(
            f, fieldnames=["dataset", "method", "seed", "rmse", "fit_time_s"]
        )
        writer.writeheader()
        writer.writerows(records)


def write_markdown(summary, datasets, method_names, n_seeds, quick, path):
    lines = [
        "# Imputation benchmark",
        "",
        "Written by `benchmarks/bench_imputation.py`"
        + (
            " in `--quick` mode (a smoke test: the numbers mean nothing)."
            if quick
            else "."
        ),
        "",
        f"Data scaled to [0, 1], {MISSING_RATE:.0%} of the entries removed completely "
        "at random, every imputer fitted on all rows (`fit_transform`, as in the "
        "papers). "
        f"RMSE on the removed entries and fit time, mean ± std over {n_seeds} seeds; "
        "**bold**: lowest mean RMSE of its data set.",
        "",
    ]
    header = (
        "| method | "
        + " | ".join(f"{d} RMSE | {d} fit time (s)" for d in datasets)
        + " |"
    )
    lines += [header, "|---|" + "---:|---:|" * len(datasets)]
    best = {d: min(summary[d, m][0] for m in method_names) for d in datasets}
    for m in method_names:
        cells = []
        for d in datasets:
            rmse, rmse_sd, secs, secs_sd, _ = summary[d, m]
            text = f"{rmse:.4f} ± {rmse_sd:.4f}"
            cells += [
                f"**{text}**" if rmse == best[d] else text,
                f"{secs:.2f} ± {secs_sd:.2f}",
            ]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    lines += ["", "Machine:", ""] + [f"- {line}" for line in machine_info()]
    if Path(path).with_suffix(".png").exists():
        lines += ["", f"![RMSE by method]({Path(path).with_suffix('.png').name})"]
    Path(path).write_text("\n".join(lines) + "\n")


def plot(summary, datasets, method_names, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3.5 + 1.6 * len(datasets), 3.8))
    width = 0.8 / len(method_names)
    x = np.arange(len(datasets))
    for i, m in enumerate(method_names):
        means = [summary[d, m][0] for d in datasets]
        stds = [summary[d, m][1] for d in datasets]
        ax.bar(
            x + (i - (len(method_names) - 1) / 2) * width,
            means,
            width,
            yerr=stds,
            capsize=3,
            label=m,
        )
    ax.set_xticks(x, datasets)
    ax.set_ylabel("RMSE on removed entries")
    ax.set_title(
        f"{MISSING_RATE:.0%} MCAR, data in [0, 1]; lower is better", fontsize="medium"
    )
    ax.legend(
        fontsize="small", frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0)
    )
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2 seeds, tiny budgets and data (a smoke test)",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=None,
        help="number of seeds (default: 5, or 2 with --quick)",
    )
    parser.add_argument(
        "--datasets", nargs="+", choices=list(DATASETS), default=list(DATASETS)
    )
    parser.add_argument("--methods", nargs="+", help="subset of methods (default: all)")
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        help="default: benchmarks/results (results/quick with --quick)",
    )
    args = parser.parse_args(argv)
    n_seeds = args.seeds or (2 if args.quick else 5)
    out_dir = args.output_dir or (RESULTS / "quick" if args.quick else RESULTS)
    all_methods = methods()
    unknown = set(args.methods or ()) - set(all_methods)
    if unknown:
        parser.error(
            f"unknown methods {sorted(unknown)}; choose from {list(all_methods)}"
        )
    chosen = {
        m: f for m, f in all_methods.items() if not args.methods or m in args.methods
    }

    # Warm-up, so that no method's first timed fit pays for lazy initialisation.
    X, X_missing, missing = make_task(args.datasets[0], 0, quick=True)
    for factory in chosen.values():
        run_one(factory, X, X_missing, missing, 0, quick=True)

    records = []
    for dataset in args.datasets:
        for seed in range(n_seeds):
            X, X_missing, missing = make_task(dataset, seed, args.quick)
            for name, factory in chosen.items():
                rmse, seconds = run_one(
                    factory, X, X_missing, missing, seed, args.quick
                )
                records.append(
                    {
                        "dataset": dataset,
                        "method": name,
                        "seed": seed,
                        "rmse": rmse,
                        "fit_time_s": seconds,
                    }
                )
                print(
                    f"{dataset:8s} seed {seed}  {name:22s} RMSE {rmse:.4f}  "
                    f"{seconds:7.2f} s",
                    flush=True,
                )

    out_dir.mkdir(parents=True, exist_ok=True)
    summary = summarize(records)
    write_csv(records, out_dir / "imputation.csv")
    plot(summary, args.datasets, list(chosen), out_dir / "imputation.png")
    write_markdown(
        summary,
        args.datasets,
        list(chosen),
        n_seeds,
        args.quick,
        out_dir / "imputation.md",
    )
    print((out_dir / "imputation.md").read_text())
    print(f"Wrote {out_dir}/imputation.{{md,csv,png}}")


if __name__ == "__main__":
    main()
