"""Scratch diagnostic: M's development ACSA after every epoch (see gamo_search.md)."""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benchmarks/
import numpy as np, torch
torch.set_num_threads(1)
from threadpoolctl import threadpool_limits
import bench_gamo as bg
from sklearn.metrics import balanced_accuracy_score
from skgan import GAMOClassifier
import skgan._base as base
dataset = sys.argv[1]; seeds = [int(s) for s in sys.argv[2].split(",")]
counts, k = bg.settings(dataset, False)
orig = base.BaseTorchGAN._fit_networks
for seed in seeds:
    (X, y), (Xd, yd), _ = bg.split(dataset, seed, counts, None)
    curve = []
    def fit_networks(self, rt, validation=None):
        Xs = torch.as_tensor(self.scaler_.transform(Xd), dtype=torch.float32)
        def val(networks):
            p = networks["classifier"](Xs).argmax(1).numpy()
            acsa = balanced_accuracy_score(yd, self.classes_[p])
            curve.append(acsa)
            return -float(len(curve))  # always "improves": the last epoch is kept
        self.n_iter_no_change = 10**9
        return orig(self, rt, validation=val)
    base.BaseTorchGAN._fit_networks = fit_networks
    with threadpool_limits(1):
        clf = GAMOClassifier(random_state=seed).fit(X, y)
    final = balanced_accuracy_score(yd, clf.predict(Xd))
    c = np.array(curve)
    print(dataset, seed, "epochs", len(c), "final", round(final, 4), "last-curve", round(c[-1], 4),
          "best", round(c.max(), 4), "at", int(c.argmax()) + 1, "mean last 5", round(c[-5:].mean(), 4),
          "curve", np.round(c[::max(1, len(c)//10)], 3).tolist(), flush=True)
