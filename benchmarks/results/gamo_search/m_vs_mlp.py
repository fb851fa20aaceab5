"""Scratch diagnostic (2026-12-04, twelfth session): what separates GAMO's M
trained alone from MLPClassifier on Fashion-MNIST's development rows? A torch
MLP that trains as MLPClassifier does (ReLU, raw [0, 1] pixels, Glorot-uniform
weights and intercepts, Adam 1e-3 (0.9, 0.999), mini-batches of 200, L2
alpha=1e-4 over the batch size, 80 epochs), then one of M's choices at a time.

    python m_vs_mlp.py SPLITS CONFIGS LOG     (e.g. 0,1,2 sk,leaky,minmax LOG)
"""
import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benchmarks/
import numpy as np
import torch
from torch import nn

import bench_gamo as bg

torch.set_num_threads(1)
CONFIGS = {
    "sk": {},
    "leaky": {"leaky": True},
    "minmax": {"minmax": True},
    "zero_bias": {"zero_bias": True},
    "batch256": {"batch": 256},
    "no_l2": {"alpha": 0.0},
    "epochs28": {"epochs": 28},
    "m_like": {"leaky": True, "minmax": True, "zero_bias": True, "batch": 256, "alpha": 0.0},
}


def fit_predict(X, y, Xd, seed, leaky=False, minmax=False, zero_bias=False, batch=200,
                alpha=1e-4, epochs=80):
    if minmax:
        low, high = X.min(0), X.max(0)
        center, scale = (low + high) / 2, np.where(high > low, (high - low) / 2, 1.0)
        X, Xd = (X - center) / scale, (Xd - center) / scale
    g = torch.Generator().manual_seed(seed)
    sizes = [X.shape[1], 256, 128, 10]
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = nn.Linear(a, b)
        bound = math.sqrt(6 / (a + b))
        with torch.no_grad():
            lin.weight.uniform_(-bound, bound, generator=g)
            if zero_bias:
                lin.bias.zero_()
            else:
                lin.bias.uniform_(-bound, bound, generator=g)
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(nn.LeakyReLU(0.1) if leaky else nn.ReLU())
    net = nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    Xt, yt = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y)
    weights = [p for n, p in net.named_parameters() if n.endswith("weight")]
    for _ in range(epochs):
        order = torch.randperm(len(Xt), generator=g)
        for start in range(0, len(Xt), batch):
            idx = order[start:start + batch]
            loss = nn.functional.cross_entropy(net(Xt[idx]), yt[idx])
            if alpha:
                loss = loss + 0.5 * alpha * sum((w ** 2).sum() for w in weights) / len(idx)
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        return net(torch.as_tensor(Xd, dtype=torch.float32)).argmax(1).numpy()


def main():
    splits, configs, log = sys.argv[1:4]
    counts, _ = bg.settings("fashion", False)
    for split in [int(s) for s in splits.split(",")]:
        (X, y), (Xd, yd), _ = bg.split("fashion", split, counts, None)
        for name in configs.split(","):
            start = time.perf_counter()
            pred = fit_predict(X.astype(np.float64), y, Xd.astype(np.float64), split,
                               **CONFIGS[name])
            row = {"split": split, "config": name, "t": round(time.perf_counter() - start, 1),
                   **{k: round(float(v), 4) for k, v in bg.scores(yd, pred).items()}}
            print(json.dumps(row), flush=True)
            with Path(log).open("a") as f:
                f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
