"""Cost: fit time against n and d, transform throughput, peak memory, and the
efficiency of skgan's training loop against a bare torch loop.

Data: synthetic correlated features (5 latent factors plus noise), min-max
scaled, 20% MCAR for the imputers; for the over-samplers the same features
with an imbalanced binary target (1:9), complete. Every estimator runs with
its defaults (``random_state=0``), so the fit times are what a user gets:
the GAN estimators' ``max_iter="auto"`` targets a number of updates rather
than of epochs, which is why their fit time grows slowly with n.

Sections
--------
1. Fit time and peak memory against n (1k ... 100k rows, d = 20):
   GAINImputer, MisGANImputer, HexaGANImputer beside IterativeImputer and
   KNNImputer (KNN up to 10k rows: its transform is quadratic in n);
   GAMOResampler beside SMOTE.
2. Fit time against d (10 ... 300 features, n = 3000).
3. Transform throughput (rows/s) of each fitted imputer on 100k rows.
4. Training-loop efficiency: the wall time of a bare torch loop running the
   same networks, the same update step and the same number of mini-batch
   updates, divided by the time of ``fit`` (early stopping off, on the CPU),
   at 2000 x 20 (50 epochs) and 5000 x 100 (25 epochs); best of 5
   repetitions of each side, each repetition running ``fit`` and the bare
   loop back to back in one process, so both sides share the same
   conditions whatever else runs on the machine. GAIN's bare loop writes its
   update inline in plain torch (``backward``, ``step``); MisGAN's and
   HexaGAN's call the estimator's own update step. Target: at least 0.85.

Peak memory is the growth of the process's resident set (Linux VmHWM, reset
before every fit) during ``fit``; it is blank where /proc is unavailable.

Running
-------
``OMP_NUM_THREADS=1 python benchmarks/bench_cost.py --n-jobs 16`` is the
full mode: every measurement (one fit, one transform, one repetition of the
loop comparison) is a task of a joblib pool of ``--n-jobs`` processes with
one torch and one BLAS thread each, the longest expected first (each
process warms up once before its first timing). Fit times taken so are
those of a machine running ``--n-jobs`` fits at once (shared memory
bandwidth and caches), which the report says; ``--n-jobs 1`` gives
one-at-a-time timings. The skgan estimators run on ``--device`` (default
``cpu``, also where a GPU is visible). Measured single-core cost of the full
mode (``TASK_COST_S``): about 2,900 seconds in 96 tasks, the longest
MisGANImputer at d = 300 (about 200 s) and MisGAN's loop repetition at
5000 x 100 (about 180 s): about 4 minutes on 16 cores. ``--plan`` prints
that estimate without running anything. ``--quick`` (n up to 3000, d up to
30, 3 epochs, one loop shape at 10 epochs) is a smoke test: about 75 s
with ``--n-jobs 1`` on the 2-core development machine. Results go to
``benchmarks/results/cost.{md,csv}`` and ``cost_fit_time.png``
(``results/quick/`` with ``--quick``).
"""

import argparse
import csv
import math
import os
import time
from pathlib import Path

import numpy as np
import torch
from imblearn.over_sampling import SMOTE
from joblib import effective_n_jobs
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer
from torch.nn import functional as F

from _common import (
    RESULTS,
    expected_wall_seconds,
    machine_info,
    markdown_table,
    one_thread,
    pyplot,
    run_imputer,
    run_longest_first,
)
from skgan import GAINImputer, GAMOResampler, HexaGANImputer, MisGANImputer
from skgan._base import TorchRuntime
from skgan.datasets import make_mcar

GAN_IMPUTERS = {
    "GAINImputer": GAINImputer,
    "MisGANImputer": MisGANImputer,
    "HexaGANImputer": HexaGANImputer,
}


# -- data ---------------------------------------------------------------------
def make_data(n, d, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 5)) @ rng.normal(size=(5, d)) + 0.3 * rng.normal(size=(n, d))
    X = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    y = (X[:, 0] + 0.1 * rng.normal(size=n) > np.quantile(X[:, 0], 0.9)).astype(int)
    return X, y


# -- memory -------------------------------------------------------------------
def _status(field):
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # MB
    except OSError:
        return None
    return None


def measure(fn):
    """(result, seconds, peak MB above the RSS at the start)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM
    except OSError:
        pass
    before = _status("VmRSS")
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = _status("VmHWM")
    return result, seconds, (None if before is None or peak is None else peak - before)


# -- estimators -----------------------------------------------------------------
def imputers(quick, n, device="cpu"):
    extra = {"max_iter": 3} if quick else {}
    out = {
        name: (lambda cls=cls: cls(random_state=0, device=device, **extra))
        for name, cls in GAN_IMPUTERS.items()
    }
    out["IterativeImputer"] = lambda: IterativeImputer(random_state=0, max_iter=3 if quick else 10)
    if n <= 10_000:
        out["KNNImputer"] = lambda: KNNImputer()
    return out


def samplers(quick, device="cpu"):
    extra = {"max_iter": 3} if quick else {}
    return {
        "GAMOResampler": lambda: GAMOResampler(random_state=0, device=device, **extra),
        "SMOTE": lambda: SMOTE(random_state=0),
    }




_WARM = set()


def warm_up(device):
    """Once per process: fit every estimator on a small set, so that no
    timed fit pays for lazy initialisation (torch kernels, imports)."""
    if device in _WARM:
        return
    X, y = make_data(300, 10)
    for make in imputers(True, 300, device).values():
        run_imputer(make(), make_mcar(X, 0.2, random_state=0))
    for make in samplers(True, device).values():
        make().fit_resample(X, y)
    _WARM.add(device)


def fit_one(section, n, d, name, quick, device):
    """Fit time and peak memory of one estimator on n x d."""
    X, y = make_data(n, d)
    if name in samplers(quick):
        make = samplers(quick, device)[name]
        _, secs, peak = measure(lambda: make().fit_resample(X, y))
    else:
        X_missing = make_mcar(X, 0.2, random_state=0)
        make = imputers(quick, n, device)[name]
        _, secs, peak = measure(lambda: run_imputer(make(), X_missing))
    print(f"{section:6s} n={n:6d} d={d:4d} {name:18s} {secs:8.2f} s  peak {_fmt(peak, '.0f')} MB", flush=True)
    return [dict(section=section, estimator=name, n=n, d=d, fit_time_s=secs, peak_mb=peak)]


def fit_tasks(section, n, d, quick):
    return [
        ("fit", (section, n, d, name))
        for name in [*imputers(quick, n), *samplers(quick)]
    ]


def throughput_one(name, quick, device):
    """Rows/s of ``transform`` by one imputer fitted on 3000 x 20."""
    X, _ = make_data(3000, 20)
    X_missing = make_mcar(X, 0.2, random_state=0)
    big, _ = make_data(20_000 if quick else 100_000, 20, seed=1)
    big = make_mcar(big, 0.2, random_state=1)
    est = imputers(quick, 3000, device)[name]().fit(X_missing)
    rows = big if name != "KNNImputer" else big[:10_000]
    start = time.perf_counter()
    est.transform(rows)
    secs = time.perf_counter() - start
    print(f"transform {name:18s} {len(rows) / secs:12.0f} rows/s", flush=True)
    return [dict(section="transform", estimator=name, n=len(rows), d=20, fit_time_s=secs, rows_per_s=len(rows) / secs)]


# -- bare loops -----------------------------------------------------------------
def _runtime(est, X_missing):
    """The runtime ``fit`` would build (same scaling, tensors and seed)."""
    from skgan.impute._base import MinMaxScaling

    mask = np.isnan(X_missing)
    scaling = MinMaxScaling(X_missing, mask)
    rt = TorchRuntime(torch.device("cpu"), 12345)
    rt.data = {"x": rt.tensor(scaling.scale(X_missing, mask)), "m": rt.tensor(~mask)}
    return rt


def _bare_batches(rt, n_steps, batch_size):
    """Row indices of ``n_steps`` mini-batches, reshuffled every pass."""
    n = len(rt.data["x"])
    step = 0
    while step < n_steps:
        order = torch.randperm(n, generator=rt.cpu_generator)
        for i in range(0, n, batch_size):
            if step == n_steps:
                return
            yield order[i : i + batch_size]
            step += 1


def bare_gain(est, rt, n_steps, batch_size):
    """GAIN's update written inline in plain torch."""
    nets = est._build_networks(rt)
    G, D = nets["generator"], nets["discriminator"]
    opt_g = torch.optim.Adam(G.parameters(), lr=est.learning_rate, fused=True)
    opt_d = torch.optim.Adam(D.parameters(), lr=est.learning_rate, fused=True)
    x_all, m_all = rt.data["x"], rt.data["m"]
    start = time.perf_counter()
    for idx in _bare_batches(rt, n_steps, batch_size):
        x, m = x_all[idx], m_all[idx]
        hint = m * (torch.rand(m.shape, generator=rt.generator) < est.hint_rate)
        noise = est.noise_scale * torch.rand(x.shape, generator=rt.generator)
        g = G(torch.cat([m * x + (1 - m) * noise, m], 1))
        x_hat = m * x + (1 - m) * g
        loss_d = F.binary_cross_entropy_with_logits(D(torch.cat([x_hat.detach(), hint], 1)), m)
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        logits = D(torch.cat([x_hat, hint], 1))
        loss_g = (F.softplus(-logits) * (1 - m)).mean() + est.alpha * (
            (m * (x - g)) ** 2
        ).mean() / m.mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        float(loss_d.detach()), float(loss_g.detach())  # the loss read-out any loop does
    return time.perf_counter() - start


def bare_own_step(est, rt, n_steps, batch_size):
    """The estimator's own update step, in a bare loop."""
    nets = est._build_networks(rt)
    opts = est._build_optimizers(nets)
    x_all, m_all = rt.data["x"], rt.data["m"]
    start = time.perf_counter()
    with torch.enable_grad():
        for step, idx in enumerate(_bare_batches(rt, n_steps, batch_size)):
            batch = {"x": x_all[idx], "m": m_all[idx]}
            losses = est._train_step(rt, nets, opts, batch, step)
            [float(v) for v in losses.values()]
    return time.perf_counter() - start


#: Training-loop efficiency: (n, d, epochs) per mode, and repetitions (the
#: best of which is kept). 25 epochs at 5000 x 100 (1600 updates) keep
#: MisGAN's pair of runs near 3 minutes on one core; 50 would take 6.
LOOP_SHAPES = {True: [(2000, 20, 10)], False: [(2000, 20, 50), (5000, 100, 25)]}
LOOP_REPEATS = {True: 3, False: 5}


def loop_one(n, d, epochs, name):
    """One repetition: ``fit`` then the bare loop, back to back in the same
    process (so both sides run under the same conditions), on the CPU."""
    cls = GAN_IMPUTERS[name]
    X, _ = make_data(n, d)
    X_missing = make_mcar(X, 0.2, random_state=0)
    est = cls(random_state=0, max_iter=epochs, early_stopping=False, device="cpu")
    batch = est._effective_batch_size(n)
    n_steps = epochs * sum(1 for s in range(0, n, batch) if not (n - s < 2 and s > 0))
    bare_fn = bare_gain if name == "GAINImputer" else bare_own_step
    ours = _timed_fit(cls, X_missing, epochs)
    bare = bare_fn(est, _runtime(est, X_missing), n_steps, batch)
    return [dict(section="loop-rep", estimator=name, n=n, d=d, fit_time_s=ours,
                 bare_time_s=bare, steps=n_steps)]


def loop_summary(records):
    """Best of the repetitions of each side, and their ratio."""
    reps = [r for r in records if r["section"] == "loop-rep"]
    out = []
    for key in dict.fromkeys((r["estimator"], r["n"], r["d"]) for r in reps):
        hit = [r for r in reps if (r["estimator"], r["n"], r["d"]) == key]
        ours = min(r["fit_time_s"] for r in hit)
        bare = min(r["bare_time_s"] for r in hit)
        name, n, d = key
        out.append(dict(section="loop", estimator=name, n=n, d=d, fit_time_s=ours,
                        bare_time_s=bare, steps=hit[0]["steps"], efficiency=bare / ours))
        print(f"loop n={n} d={d} {name:16s} ours {ours:.2f} s bare {bare:.2f} s "
              f"ratio {bare / ours:.3f}", flush=True)
    return out


def _timed_fit(cls, X_missing, epochs):
    est = cls(random_state=0, max_iter=epochs, early_stopping=False, device="cpu")
    start = time.perf_counter()
    est.fit(X_missing)
    return time.perf_counter() - start


# -- tasks ----------------------------------------------------------------------
def tasks_of(sections, quick):
    """Every measurement, one task each, in the order of the report."""
    ns = [1000, 3000] if quick else [1000, 3000, 10_000, 30_000, 100_000]
    ds = [10, 30] if quick else [10, 30, 100, 300]
    tasks = []
    if "n" in sections:
        for n in ns:
            tasks += fit_tasks("n", n, 20, quick)
    if "d" in sections:
        for d in ds:
            tasks += fit_tasks("d", 3000, d, quick)
    if "transform" in sections:
        tasks += [("transform", (name,)) for name in imputers(quick, 3000)]
    if "loop" in sections:
        tasks += [
            ("loop", (n, d, epochs, name))
            for n, d, epochs in LOOP_SHAPES[quick]
            for _ in range(LOOP_REPEATS[quick])
            for name in GAN_IMPUTERS
        ]
    return tasks


#: Single-core seconds of the full mode's tasks (CPU time of one task, the
#: loop tasks being one repetition of both sides) measured on the 2-core
#: development machine: only used to start the longest first and by --plan.
TASK_COST_S = {
    ("fit", "GAINImputer"): {1000: 3.9, 3000: 6.1, 10_000: 5.6, 30_000: 5.6,
                             100_000: 6.5, "d10": 5.7, "d30": 7.4, "d100": 14,
                             "d300": 58},
    ("fit", "MisGANImputer"): {1000: 27, 3000: 28, 10_000: 36, 30_000: 50,
                               100_000: 55, "d10": 29, "d30": 32, "d100": 97,
                               "d300": 201},
    ("fit", "HexaGANImputer"): {1000: 21, 3000: 21, 10_000: 26, 30_000: 36,
                                100_000: 39, "d10": 19, "d30": 25, "d100": 29,
                                "d300": 61},
    ("fit", "IterativeImputer"): {1000: 0.4, 3000: 0.5, 10_000: 1.3, 30_000: 3.4,
                                  100_000: 13, "d10": 0.2, "d30": 1.4, "d100": 12,
                                  "d300": 124},
    ("fit", "KNNImputer"): {1000: 0.1, 3000: 1.1, 10_000: 15, "d10": 0.8, "d30": 1.3,
                            "d100": 3.3, "d300": 7.6},
    ("fit", "GAMOResampler"): {1000: 11, 3000: 11, 10_000: 16, 30_000: 21,
                               100_000: 26, "d10": 10, "d30": 11, "d100": 12,
                               "d300": 16},
    ("transform", "GAINImputer"): 6.4, ("transform", "MisGANImputer"): 28,
    ("transform", "HexaGANImputer"): 22, ("transform", "IterativeImputer"): 1.4,
    ("transform", "KNNImputer"): 4,
    # one repetition (fit and bare loop); 5000 x 100 measured at 50 epochs, halved
    ("loop", "GAINImputer"): {20: 2.1, 100: 6},
    ("loop", "MisGANImputer"): {20: 41, 100: 176},
    ("loop", "HexaGANImputer"): {20: 32, 100: 50},
}


def task_cost(task, quick):
    """Expected single-core seconds of a task (``TASK_COST_S``; a tenth of
    it in quick mode, where only the order matters)."""
    kind, args = task
    name = args[-1]
    table = TASK_COST_S.get((kind, name), 0.1)  # SMOTE: a fraction of a second
    if not isinstance(table, dict):
        cost = table
    elif kind == "fit":
        section, n, d = args[:3]
        cost = table.get(n if section == "n" else f"d{d}", 1.0)
    else:
        cost = table.get(args[1], 1.0)
    return cost / 10 if quick else cost


def run_task(task, quick, device):
    """Run one task in the current process, one thread; a list of records."""
    kind, args = task
    with one_thread():
        if kind == "loop":
            warm_up("cpu")
            return loop_one(*args)
        warm_up(device)
        if kind == "fit":
            return fit_one(*args, quick, device)
        return throughput_one(*args, quick, device)


def run_all(tasks, quick, device, n_jobs):
    """Every task through one pool of single-threaded workers, the longest
    expected first; records come back in the order of ``tasks``."""
    done = run_longest_first(
        [(run_task, (task, quick, device)) for task in tasks],
        [task_cost(task, quick) for task in tasks],
        n_jobs,
    )
    return [r for recs in done for r in recs]


def plan(tasks, quick, n_jobs):
    costs = [task_cost(t, quick) for t in tasks]
    print(f"{len(tasks)} tasks, expected {sum(costs):,.0f} core-s (longest "
          f"{max(costs, default=0):.0f} s); on {effective_n_jobs(n_jobs)} workers "
          f"about {expected_wall_seconds(costs, n_jobs):,.0f} s of wall time")


# -- report ---------------------------------------------------------------------
def _fmt(value, spec):
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, spec)


def pivot(records, section, key):
    rows = [r for r in records if r["section"] == section]
    names = list(dict.fromkeys(r["estimator"] for r in rows))
    sizes = sorted({r[key] for r in rows})
    table = []
    for name in names:
        cells = [name]
        for size in sizes:
            hit = [r for r in rows if r["estimator"] == name and r[key] == size]
            cells.append(
                f"{hit[0]['fit_time_s']:.2f} s / {_fmt(hit[0]['peak_mb'], '.0f')} MB" if hit else "–"
            )
        table.append(cells)
    return [key] + [f"{key}={s}" for s in sizes], table, names, sizes


def plot(records, path):
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, (section, key) in zip(axes, [("n", "n"), ("d", "d")]):
        rows = [r for r in records if r["section"] == section]
        for name in dict.fromkeys(r["estimator"] for r in rows):
            pts = sorted((r[key], r["fit_time_s"]) for r in rows if r["estimator"] == name)
            ax.plot(*zip(*pts), marker="o", label=name)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(key)
        ax.set_ylabel("fit time (s)")
    axes[1].legend(fontsize="small", frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke test (minutes)")
    parser.add_argument(
        "--sections", nargs="+", choices=["n", "d", "transform", "loop"],
        default=["n", "d", "transform", "loop"],
    )
    parser.add_argument(
        "--n-jobs", type=int, default=1,
        help="measurements run in parallel, one thread each (default 1)",
    )
    parser.add_argument(
        "--device", default="cpu",
        help="device of the skgan estimators in sections n, d and transform "
        "(default cpu; the loop section always runs on the CPU)",
    )
    parser.add_argument(
        "--plan", action="store_true",
        help="print the number of tasks and their expected core-seconds, run nothing",
    )
    parser.add_argument(
        "--estimators", nargs="+", default=None,
        help="measure these estimators only in sections n and d (default: all)",
    )
    parser.add_argument("--output-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    out_dir = args.output_dir or (RESULTS / "quick" if args.quick else RESULTS)
    tasks = tasks_of(args.sections, args.quick)
    if args.estimators:
        tasks = [t for t in tasks if t[0] != "fit" or t[1][3] in args.estimators]
    if args.plan:
        plan(tasks, args.quick, args.n_jobs)
        return
    start = time.perf_counter()
    records = run_all(tasks, args.quick, args.device, args.n_jobs)
    wall = time.perf_counter() - start
    loops = loop_summary(records)
    records += loops  # the repetitions stay in the CSV ("loop-rep")

    out_dir.mkdir(parents=True, exist_ok=True)
    fields = ["section", "estimator", "n", "d", "fit_time_s", "peak_mb", "rows_per_s",
              "bare_time_s", "steps", "efficiency"]
    with open(out_dir / "cost.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    lines = [
        "# Cost: time, memory, throughput, training-loop efficiency",
        "",
        "Written by `benchmarks/bench_cost.py`"
        + (" in `--quick` mode (3 epochs per GAN fit: a smoke test)." if args.quick else "."),
        "Defaults of every estimator, `random_state=0`; fit time / peak resident "
        "memory growth during the fit. Every measurement runs with one torch and "
        "one BLAS thread, "
        + (
            f"{args.n_jobs} at a time on {os.cpu_count()} cores: the times are "
            f"those of a machine running {args.n_jobs} fits at once (shared "
            "memory bandwidth and caches)"
            if args.n_jobs != 1
            else "one at a time"
        )
        + f"; the skgan estimators on device `{args.device}` (the loop section: "
        "always the CPU).",
        "",
    ]
    for section, title in (("n", "Fit time against n (d = 20)"), ("d", "Fit time against d (n = 3000)")):
        if any(r["section"] == section for r in records):
            header, table, _, _ = pivot(records, section, section)
            lines += [f"## {title}", ""] + markdown_table(["estimator"] + header[1:], table) + [""]
    if any(r["section"] in ("n", "d") for r in records):
        plot(records, out_dir / "cost_fit_time.png")
        lines += ["![fit time](cost_fit_time.png)", ""]
    rows = [r for r in records if r["section"] == "transform"]
    if rows:
        lines += ["## Transform throughput (fitted on 3000 x 20)", ""]
        lines += markdown_table(
            ["estimator", "rows", "rows/s"],
            [[r["estimator"], r["n"], f"{r['rows_per_s']:,.0f}"] for r in rows],
        ) + [""]
    rows = [r for r in records if r["section"] == "loop"]
    if rows:
        lines += [
            "## Training-loop efficiency (bare torch loop time / fit time; target ≥ 0.85)",
            "",
            f"Best of {LOOP_REPEATS[args.quick]} repetitions of each side; each repetition runs "
            "`fit` and the bare loop back to back in the same single-threaded "
            "process, so both sides share the same conditions.",
            "",
        ]
        lines += markdown_table(
            ["estimator", "n x d", "updates", "fit (s)", "bare loop (s)", "efficiency"],
            [
                [r["estimator"], f"{r['n']} x {r['d']}", r["steps"], f"{r['fit_time_s']:.2f}",
                 f"{r['bare_time_s']:.2f}", f"{r['efficiency']:.3f}"]
                for r in rows
            ],
        ) + [""]
    lines += ["## Machine", ""] + [f"- {line}" for line in machine_info()] + [
        f"- {len(tasks)} measurements, {args.n_jobs} at a time (`--n-jobs "
        f"{args.n_jobs}`, one thread each): {wall:,.0f} s of wall time",
    ]
    (out_dir / "cost.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
