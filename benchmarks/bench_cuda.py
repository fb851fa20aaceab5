"""Fit time on a GPU against the CPU of the same machine, by table size.

Where does ``device="cuda"`` pay? The networks of skgan are small (hidden
widths of 64 to 256), so one mini-batch update is a few hundred small
kernels: on a GPU its time is mostly launch latency and hardly grows with the
table, while on the CPU it grows with the batch and the width. This script
fits each estimator for about 400 updates on tables of growing size, once
with ``device="cuda"`` and once with ``device="cpu"`` (the CPU with the
library's own thread setting), and writes ``results/cuda.md``, ``.csv`` and
``cuda.png`` (fit time against the size of one update, with the size from
which ``device="auto"`` takes a GPU).

Tables: breast cancer (569 x 30, 20% MCAR, 20% of labels removed) and
``make_classification`` tables of 5000 x 60, 10000 x 100 and 20000 x 200
(20% minority, the same missingness). CUDA is warmed up before the first
timed fit, so no fit pays for its start. The fits time the networks alone:
no ``blend_with`` members (they run on the CPU whatever ``device`` says, so
they add the same seconds to both) and no early stop, so every fit makes the
same number of updates on both devices.

Run ``python benchmarks/bench_cuda.py`` on a machine with CUDA;
``--plot CSV`` redraws the figure from a saved run (no CUDA needed).
"""

import argparse
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.preprocessing import MinMaxScaler

from _common import RESULTS, machine_info, markdown_table, pyplot
from skgan import GAMOResampler, HexaGANClassifier, MisGANImputer
from skgan._base import AUTO_CUDA_MIN_WORK, update_work

#: Mini-batch updates per timed fit (rounded up to whole epochs).
UPDATES = 400
SHAPES = ("breast", "5000x60", "10000x100", "20000x200")
#: Rows x features of every shape.
SIZES = {"breast": (569, 30), **{s: tuple(map(int, s.split("x"))) for s in SHAPES[1:]}}
#: Parameters that fix the work of a fit to its networks' updates.
NETWORK_ONLY = {"blend_with": None, "early_stopping": False}
ESTIMATORS = {
    "HexaGANClassifier": (HexaGANClassifier, lambda m, d: m.fit(d["X_missing"], d["y_partial"])),
    "MisGANImputer": (MisGANImputer, lambda m, d: m.fit(d["X_missing"])),
    "GAMOResampler": (GAMOResampler, lambda m, d: m.fit_resample(d["X"], d["y"])),
}


def table(shape):
    """The complete table, its 20% MCAR copy and labels with 20% removed."""
    if shape == "breast":
        X, y = load_breast_cancer(return_X_y=True)
    else:
        n, d = SIZES[shape]
        X, y = make_classification(
            n, d, n_informative=d // 5, weights=[0.8], random_state=0
        )
    X = MinMaxScaler().fit_transform(X)
    rng = np.random.RandomState(0)
    return {
        "X": X,
        "y": y,
        "X_missing": np.where(rng.rand(*X.shape) < 0.2, np.nan, X),
        "y_partial": np.where(rng.rand(len(y)) < 0.2, -1, y),
    }


def epochs_for(make, n_samples):
    """Epochs that make about ``UPDATES`` mini-batch updates."""
    batches = math.ceil(n_samples / make()._effective_batch_size(n_samples))
    return math.ceil(UPDATES / batches)


def timed_fit(make, fit, data, device, epochs):
    model = make(device=device, random_state=0, max_iter=epochs)
    model.set_params(**{k: v for k, v in NETWORK_ONLY.items() if k in model.get_params()})
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    fit(model, data)
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def measure():
    rows = []
    for shape in SHAPES:
        data = table(shape)
        for name, (make, fit) in ESTIMATORS.items():
            epochs = epochs_for(make, len(data["y"]))
            for device in ("cuda", "cpu"):
                seconds = timed_fit(make, fit, data, device, epochs)
                rows.append(dict(shape=shape, estimator=name, device=device,
                                 epochs=epochs, fit_s=round(seconds, 2)))
                print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def plot(frame, path):
    """Fit time against the size of one update (see ``update_work``), one
    panel per estimator, with the size from which ``device="auto"`` takes a
    GPU."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(ESTIMATORS), figsize=(4 * len(ESTIMATORS), 3.6))
    for ax, (name, (make, _)) in zip(axes, ESTIMATORS.items()):
        rows = frame[frame.estimator == name]
        for device, style in (("cuda", "o-"), ("cpu", "s--")):
            points = sorted(
                (update_work(make()._effective_batch_size(SIZES[r.shape][0]),
                             SIZES[r.shape][1]), r.fit_s)
                for r in rows[rows.device == device].itertuples()
            )
            ax.plot(*zip(*points), style, label=device)
        ax.axvline(AUTO_CUDA_MIN_WORK, color="grey", lw=0.8, ls=":",
                   label='device="auto": GPU from here')
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("rows per batch x features x hidden width")
    axes[0].set_ylabel(f"fit time, about {UPDATES} updates (s)")
    axes[0].legend(frameon=False, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def report(frame):
    wide = frame.pivot_table(
        index=["estimator", "shape"], columns="device", values="fit_s"
    ).reindex(
        pd.MultiIndex.from_product([list(ESTIMATORS), list(SHAPES)])
    )
    lines = [
        "# Fit time: CUDA against the CPU of the same machine",
        "",
        "Written by `benchmarks/bench_cuda.py`. About "
        f"{UPDATES} mini-batch updates per fit, "
        "no blend members and no early stop (the networks alone), default "
        "hyperparameters otherwise, `random_state=0`; the CPU with "
        "skgan's own thread setting (one thread below about 3e7 "
        "multiply-adds per layer and batch, else torch's). CUDA warmed up "
        "before the first timed fit.",
        "",
        *(f"- {line}" for line in machine_info()),
        f"- GPU: {torch.cuda.get_device_name(0)}",
        "",
        *markdown_table(
            ["estimator", "table", "cuda", "cpu", "cpu / cuda"],
            [
                (name, shape, f"{row.cuda:.1f} s", f"{row.cpu:.1f} s",
                 f"{row.cpu / row.cuda:.2f}")
                for (name, shape), row in wide.iterrows()
            ],
        ),
        "",
        "![fit time against the size of one update](cuda.png)",
    ]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--plot", type=Path, metavar="CSV",
                        help="only redraw cuda.png beside a saved run's CSV")
    args = parser.parse_args()
    if args.plot:
        plot(pd.read_csv(args.plot), args.plot.with_suffix(".png"))
        return
    if not torch.cuda.is_available():
        raise SystemExit("bench_cuda.py needs a machine with CUDA.")
    # Start CUDA before timing anything.
    torch.ones(64, 64, device="cuda").matmul(torch.ones(64, 64, device="cuda"))
    torch.cuda.synchronize()
    frame = measure()
    args.output_dir.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.output_dir / "cuda.csv", index=False)
    text = "\n".join(report(frame)) + "\n"
    (args.output_dir / "cuda.md").write_text(text)
    plot(frame, args.output_dir / "cuda.png")
    print(text)


if __name__ == "__main__":
    main()
