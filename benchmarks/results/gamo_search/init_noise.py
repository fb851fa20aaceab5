"""Scratch diagnostic (2026-12-04, twelfth session): how much of the spread
between two fits on the same development rows is the networks' own seed?
Fits the plain MLP (`bench_gamo.downstream`) or GAMOClassifier on one
split (data seed SPLIT) with model seeds 0..N-1, scores the development rows.

    python init_noise.py DATASET KIND SPLIT N LOG     (KIND: none or M)
"""
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benchmarks/
import torch
from threadpoolctl import threadpool_limits

import bench_gamo as bg
from skgan import GAMOClassifier

torch.set_num_threads(1)


def main():
    dataset, kind, split, n, log = sys.argv[1:6]
    counts, _ = bg.settings(dataset, False)
    (X, y), (Xd, yd), _ = bg.split(dataset, int(split), counts, None)
    for model_seed in range(int(n)):
        model = bg.downstream(model_seed) if kind == "none" else GAMOClassifier(random_state=model_seed)
        with threadpool_limits(1):
            start = time.perf_counter()
            model.fit(X, y)
            elapsed = time.perf_counter() - start
        row = {"dataset": dataset, "kind": kind, "split": int(split), "model_seed": model_seed,
               "fit_time_s": round(elapsed, 2),
               **{k: round(float(v), 4) for k, v in bg.scores(yd, model.predict(Xd)).items()}}
        print(json.dumps(row), flush=True)
        with Path(log).open("a") as f:
            f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
