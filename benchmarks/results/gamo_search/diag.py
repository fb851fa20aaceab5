import sys, time, numpy as np, torch
sys.path.insert(0, "/work/main/benchmarks")
from bench_gamo import make_split
from skgan import GAMOResampler
torch.set_num_threads(1)
params = eval(f"dict({sys.argv[1] if len(sys.argv) > 1 else ''})")
for seed in [0]:
    (X, y), dev, test = make_split(seed)
    s = GAMOResampler(random_state=seed, **params)
    t = time.perf_counter(); Xr, yr = s.fit_resample(X, y); t = time.perf_counter() - t
    G = s.networks_["generator"]; G.eval()
    rt = s._make_runtime(*X.shape)
    ents, eff, maxw = [], [], []
    for k, c in enumerate(s.generated_classes_):
        w = s._convex_weights(rt, k, torch.randn(500, s.latent_dim))
        e = -(w * np.log(w + 1e-300)).sum(1)
        eff.append(np.exp(e).mean()); maxw.append(w.max(1).mean())
    print(seed, f"{t:.1f}s", "n_iter", s.n_iter_, "eff anchors", np.round(eff, 1), "anchors", [len(v) for v in s.anchor_indices_.values()], "max w", np.round(maxw, 2))
    h = s.history_
    print({k: np.round(v[-1], 3) for k, v in h.items()})
    w = s._convex_weights(rt, 0, torch.randn(2000, s.latent_dim))
    print("class0 distinct argmax anchors", len(np.unique(w.argmax(1))), "of", w.shape[1])
