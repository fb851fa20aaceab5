"""Scratch diagnostic (2026-12-04, twelfth session): the benchmark's plain
MLP on Fashion-MNIST's development rows at several epoch caps, with the
epochs it ran and its final training loss (see gamo_search.md).

    python mlp_epochs.py SPLITS MAX_ITERS      (e.g. 0,1,2 300,28,10)
"""
import json
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benchmarks/
import numpy as np
from threadpoolctl import threadpool_limits
import bench_gamo as bg
from sklearn.neural_network import MLPClassifier
warnings.filterwarnings("ignore")
counts, _ = bg.settings('fashion', False)
for split in [int(s) for s in sys.argv[1].split(',')]:
    (X, y), (Xd, yd), _ = bg.split('fashion', split, counts, None)
    for it in [int(s) for s in sys.argv[2].split(',')]:
        m = MLPClassifier(hidden_layer_sizes=(256,128), max_iter=it, random_state=split)
        with threadpool_limits(1):
            t=time.perf_counter(); m.fit(X, y); t=time.perf_counter()-t
        sc = bg.scores(yd, m.predict(Xd))
        print(json.dumps({"split": split, "max_iter": it, "n_iter": m.n_iter_, "t": round(t,1), "ACSA": round(sc["ACSA"],4), "r7": round(sc["recall_7"],3), "r9": round(sc["recall_9"],3), "loss": round(m.loss_,5)}), flush=True)
