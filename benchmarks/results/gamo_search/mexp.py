"""GAMOClassifier variants on Fashion dev seed 0 (dev rows only)."""
import sys, time, numpy as np, torch
sys.path.insert(0, "/work/main/benchmarks")
from bench_gamo import make_fashion_split, FASHION_COUNTS, scores
from skgan import GAMOClassifier
torch.set_num_threads(1)
(X, y), (Xd, yd), _ = make_fashion_split(0, FASHION_COUNTS)
for text in sys.argv[1:]:
    params = eval(f"dict({text})")
    t = time.perf_counter()
    m = GAMOClassifier(random_state=0, **params).fit(X, y)
    t = time.perf_counter() - t
    sc = scores(yd, m.predict(Xd))
    rec = [round(float(np.mean(m.predict(Xd[yd == c]) == c)), 2) for c in range(10)]
    print(f"{text:50s} ACSA {sc['ACSA']:.3f} GM {sc['GM']:.3f} {t:.0f}s n_iter {m.n_iter_} recall {rec}", flush=True)
