import sys, time, numpy as np, torch, torch.nn.functional as F
sys.path.insert(0, "/work/main/benchmarks")
from bench_gamo import make_fashion_split, FASHION_COUNTS, scores
from skgan import GAMOClassifier
import skgan.over_sampling._gamo as g
torch.set_num_threads(1)
(X, y), (Xd, yd), _ = make_fashion_split(0, FASHION_COUNTS)
orig_std_t = g._Standardizer.transform
orig_loss = g._BaseGAMO._class_loss
def no_scale(self, X): return self._shrink(X)  # only power-of-two shrink, no centring/scaling
def ce_loss(self, logits, target, columns=None):
    if columns is not None: return orig_loss(self, logits, target, columns)
    return -(torch.log_softmax(logits, 1) * target).sum(1).mean()
for name, std, loss, extra in [("no standardise", no_scale, orig_loss, {}), ("categorical CE", orig_std_t, ce_loss, {}), ("both", no_scale, ce_loss, {})]:
    g._Standardizer.transform = std; g._BaseGAMO._class_loss = loss
    t = time.perf_counter()
    m = GAMOClassifier(random_state=0, sampling_strategy={0: 4000}, **extra).fit(X, y)
    t = time.perf_counter() - t
    sc = scores(yd, m.predict(Xd))
    print(f"M alone, {name:20s} ACSA {sc['ACSA']:.3f} GM {sc['GM']:.3f} {t:.0f}s", flush=True)
