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
   updates, divided by the time of ``fit`` (early stopping off). GAIN's bare
   loop writes its update inline in plain torch (``backward``, ``step``);
   MisGAN's and HexaGAN's call the estimator's own update step. Target: at
   least 0.85.

Peak memory is the growth of the process's resident set (Linux VmHWM, reset
before every fit) during ``fit``; it is blank where /proc is unavailable.

Run ``python benchmarks/bench_cost.py`` (long: the 100k-row fits take
minutes each on 2 cores) or ``--quick`` (n up to 3000, d up to 30, 3 epochs:
a smoke test). Results go to ``benchmarks/results/cost.{md,csv}`` and
``cost_fit_time.png`` (``results/quick/`` with ``--quick``).
"""

import argparse
import csv
import math
import time
from pathlib import Path

import numpy as np
import torch
from imblearn.over_sampling import SMOTE
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer
from torch.nn import functional as F

from _common import RESULTS, machine_info, markdown_table, pyplot, run_imputer
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
def imputers(quick, n):
    extra = {"max_iter": 3} if quick else {}
    out = {name: (lambda cls=cls: cls(random_state=0, **extra)) for name, cls in GAN_IMPUTERS.items()}
    out["IterativeImputer"] = lambda: IterativeImputer(random_state=0, max_iter=3 if quick else 10)
    if n <= 10_000:
        out["KNNImputer"] = lambda: KNNImputer()
    return out


def samplers(quick):
    extra = {"max_iter": 3} if quick else {}
    return {
        "GAMOResampler": lambda: GAMOResampler(random_state=0, **extra),
        "SMOTE": lambda: SMOTE(random_state=0),
    }


def fit_rows(records, section, n, d, quick):
    X, y = make_data(n, d)
    X_missing = make_mcar(X, 0.2, random_state=0)
    for name, make in imputers(quick, n).items():
        _, secs, peak = measure(lambda: run_imputer(make(), X_missing))
        records.append(dict(section=section, estimator=name, n=n, d=d, fit_time_s=secs, peak_mb=peak))
        print(f"{section:6s} n={n:6d} d={d:4d} {name:18s} {secs:8.2f} s  peak {peak} MB", flush=True)
    for name, make in samplers(quick).items():
        _, secs, peak = measure(lambda: make().fit_resample(X, y))
        records.append(dict(section=section, estimator=name, n=n, d=d, fit_time_s=secs, peak_mb=peak))
        print(f"{section:6s} n={n:6d} d={d:4d} {name:18s} {secs:8.2f} s  peak {peak} MB", flush=True)


def throughput(records, quick):
    X, _ = make_data(3000, 20)
    X_missing = make_mcar(X, 0.2, random_state=0)
    big, _ = make_data(20_000 if quick else 100_000, 20, seed=1)
    big = make_mcar(big, 0.2, random_state=1)
    fitted = {name: make().fit(X_missing) for name, make in imputers(quick, 3000).items()}
    for name, est in fitted.items():
        rows = big if name != "KNNImputer" else big[:10_000]
        start = time.perf_counter()
        est.transform(rows)
        secs = time.perf_counter() - start
        records.append(dict(section="transform", estimator=name, n=len(rows), d=20, fit_time_s=secs, rows_per_s=len(rows) / secs))
        print(f"transform {name:18s} {len(rows) / secs:12.0f} rows/s", flush=True)


# -- bare loops -----------------------------------------------------------------
def _runtime(est, X_missing):
    """The runtime ``fit`` would build (same scaling, tensors and seed)."""
    from skgan.impute._base import MinMaxScaling

    mask = np.isnan(X_missing)
    scaling = MinMaxScaling(X_missing, mask)
    rt = TorchRuntime(torch.device("cpu"), 12345)
    rt.data = {"x": rt.tensor(scaling.scale(X_missing, mask)), "m": rt.tensor(~mask)}
    return rt


def bare_gain(est, rt, n_steps, batch_size):
    """GAIN's update written inline in plain torch."""
    nets = est._build_networks(rt)
    G, D = nets["generator"], nets["discriminator"]
    opt_g = torch.optim.Adam(G.parameters(), lr=est.learning_rate, fused=True)
    opt_d = torch.optim.Adam(D.parameters(), lr=est.learning_rate, fused=True)
    x_all, m_all = rt.data["x"], rt.data["m"]
    n = len(x_all)
    start = time.perf_counter()
    step = 0
    while step < n_steps:
        order = torch.randperm(n, generator=rt.cpu_generator)
        for i in range(0, n, batch_size):
            if step == n_steps:
                break
            idx = order[i : i + batch_size]
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
            step += 1
    return time.perf_counter() - start


def bare_own_step(est, rt, n_steps, batch_size):
    """The estimator's own update step, in a bare loop."""
    nets = est._build_networks(rt)
    opts = est._build_optimizers(nets)
    x_all, m_all = rt.data["x"], rt.data["m"]
    n = len(x_all)
    start = time.perf_counter()
    step = 0
    with torch.enable_grad():
        while step < n_steps:
            order = torch.randperm(n, generator=rt.cpu_generator)
            for i in range(0, n, batch_size):
                if step == n_steps:
                    break
                idx = order[i : i + batch_size]
                losses = est._train_step(rt, nets, opts, {"x": x_all[idx], "m": m_all[idx]}, step)
                [float(v) for v in losses.values()]
                step += 1
    return time.perf_counter() - start


def efficiency(records, quick):
    shapes = [(2000, 20)] if quick else [(2000, 20), (5000, 100)]
    epochs = 10 if quick else 50
    for n, d in shapes:
        X, _ = make_data(n, d)
        X_missing = make_mcar(X, 0.2, random_state=0)
        for name, cls in GAN_IMPUTERS.items():
            est = cls(random_state=0, max_iter=epochs, early_stopping=False)
            batch = est._effective_batch_size(n)
            n_steps = epochs * sum(
                1 for s in range(0, n, batch) if not (n - s < 2 and s > 0)
            )
            bare_fn = bare_gain if name == "GAINImputer" else bare_own_step
            ours, bare = [], []
            for _ in range(3):  # interleaved, best of three: robust to a busy machine
                ours.append(_timed_fit(cls, X_missing, epochs))
                bare.append(bare_fn(est, _runtime(est, X_missing), n_steps, batch))
            ours, bare = min(ours), min(bare)
            ratio = bare / ours
            records.append(
                dict(section="loop", estimator=name, n=n, d=d, fit_time_s=ours,
                     bare_time_s=bare, steps=n_steps, efficiency=ratio)
            )
            print(f"loop n={n} d={d} {name:16s} ours {ours:.2f} s bare {bare:.2f} s ratio {ratio:.3f}", flush=True)


def _timed_fit(cls, X_missing, epochs):
    est = cls(random_state=0, max_iter=epochs, early_stopping=False)
    start = time.perf_counter()
    est.fit(X_missing)
    return time.perf_counter() - start


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
    parser.add_argument("--output-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    out_dir = args.output_dir or (RESULTS / "quick" if args.quick else RESULTS)
    ns = [1000, 3000] if args.quick else [1000, 3000, 10_000, 30_000, 100_000]
    ds = [10, 30] if args.quick else [10, 30, 100, 300]
    # Warm-up, so that no estimator's first timed fit pays for lazy
    # initialisation (torch kernels, imports).
    X, y = make_data(300, 10)
    for make in imputers(True, 300).values():
        run_imputer(make(), make_mcar(X, 0.2, random_state=0))
    for make in samplers(True).values():
        make().fit_resample(X, y)
    records = []
    if "n" in args.sections:
        for n in ns:
            fit_rows(records, "n", n, 20, args.quick)
    if "d" in args.sections:
        for d in ds:
            fit_rows(records, "d", 3000, d, args.quick)
    if "transform" in args.sections:
        throughput(records, args.quick)
    if "loop" in args.sections:
        efficiency(records, args.quick)

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
        "memory growth during the fit.",
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
        ]
        lines += markdown_table(
            ["estimator", "n x d", "updates", "fit (s)", "bare loop (s)", "efficiency"],
            [
                [r["estimator"], f"{r['n']} x {r['d']}", r["steps"], f"{r['fit_time_s']:.2f}",
                 f"{r['bare_time_s']:.2f}", f"{r['efficiency']:.3f}"]
                for r in rows
            ],
        ) + [""]
    lines += ["## Machine", ""] + [f"- {line}" for line in machine_info()]
    (out_dir / "cost.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
