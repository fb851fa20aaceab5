import sys, time, torch, numpy as np
sys.path.insert(0, '/work/main/benchmarks')
import torch.nn.functional as F
from torch import nn
from skgan.over_sampling import _gamo
from skgan.over_sampling import GAMOResampler
from bench_gamo import make_split
torch.set_num_threads(1)
mode = sys.argv[1]
orig_init = _gamo.ConvexGenerator.__init__
def init(self, anchors, latent_dim, hidden_size, generator, neighbours=None):
    orig_init(self, anchors, latent_dim, hidden_size, generator, neighbours)
    if mode == "vec" and self.local:
        sizes = [len(a) for a in anchors]
        off = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        self.offsets = [int(o) for o in off]
        self.W = nn.Parameter(torch.cat([igu[0].weight.data for igu in self.igus]))
        self.B = nn.Parameter(torch.cat([igu[0].bias.data for igu in self.igus]))
        del self.igus
        self.register_buffer("A", torch.cat(list(anchors)))
        m = max(n.shape[1] for n in neighbours)
        idx = torch.zeros(sum(sizes), m, dtype=torch.long); valid = torch.zeros(sum(sizes), m, dtype=torch.bool)
        for o, n in zip(self.offsets, neighbours):
            idx[o:o+len(n), :n.shape[1]] = n + o; valid[o:o+len(n), :n.shape[1]] = True
        self.register_buffer("NB", idx); self.register_buffer("NV", valid)
_gamo.ConvexGenerator.__init__ = init
orig_fwd = _gamo.ConvexGenerator.forward
def fwd(self, z, labels, counts, seeds=None):
    if mode != "vec" or not self.local:
        return orig_fwd(self, z, labels, counts, seeds)
    code = F.one_hot(labels, self.n_classes).to(z.dtype)
    t = self.transient(torch.cat([z, code], dim=1))
    g = torch.cat([s + o for s, o in zip(seeds, self.offsets)])
    idx, valid = self.NB[g], self.NV[g]
    logits = torch.einsum("bw,bmw->bm", t, self.W[idx]) + self.B[idx]
    w = torch.softmax(logits.masked_fill(~valid, -torch.inf), dim=1)
    return torch.einsum("bm,bmd->bd", w, self.A[idx])
_gamo.ConvexGenerator.forward = fwd
if len(sys.argv) > 2 and sys.argv[2] == "fused":
    orig_opt = _gamo._BaseGAMO._build_optimizers
    def opt(self, networks):
        return {name: torch.optim.Adam(net.parameters(), lr=self.learning_rate, betas=(0.5, 0.999), fused=True) for name, net in networks.items()}
    _gamo._BaseGAMO._build_optimizers = opt
(Xtr, ytr), *_ = make_split(0)
ts = []
for rep in range(2):
    t = time.perf_counter(); s = GAMOResampler(random_state=0)
    try:
        s.fit_resample(Xtr, ytr)
    except AttributeError as e:
        pass
    ts.append(time.perf_counter() - t)
print(mode, sys.argv[2:], [round(x, 2) for x in ts])
