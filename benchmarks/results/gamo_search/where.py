"""Where do generated rows lie? digits/fashion seed S: effective anchors of G's
convex weights, and the share of generated rows whose nearest real row (or
5-NN vote) is of another class, GAMO vs SMOTE."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benchmarks/
import numpy as np, torch
torch.set_num_threads(1)
import bench_gamo as bg
from skgan import GAMOResampler
from skgan.over_sampling import _gamo
from sklearn.neighbors import KNeighborsClassifier
from imblearn.over_sampling import SMOTE
dataset, seed = sys.argv[1], int(sys.argv[2])
counts, k = bg.settings(dataset, False)
(X, y), _, _ = bg.split(dataset, seed, counts, None)
W = []
orig = _gamo._BaseGAMO._convex_weights
def rec(self, rt, kk, noise):
    w = orig(self, rt, kk, noise); W.append((kk, w)); return w
_gamo._BaseGAMO._convex_weights = rec
extra = dict(a.split('=') for a in sys.argv[3:])
extra = {a: (None if b == 'None' else int(b)) for a, b in extra.items()}
s = GAMOResampler(random_state=seed, **extra)
Xg, yg = s.fit_resample(X, y)
for kk, w in W[:10]:
    ent = np.exp(-(np.where(w > 0, w * np.log(np.maximum(w, 1e-300)), 0)).sum(1))
    print('class pos', kk, 'eff anchors mean %.2f' % ent.mean(), 'max weight mean %.2f' % w.max(1).mean())
knn = KNeighborsClassifier(5).fit(X, y)
n = len(X)
for name, (Xr, yr) in {'GAMO': (Xg, yg), 'SMOTE': SMOTE(k_neighbors=k, random_state=seed).fit_resample(X, y)}.items():
    new, ynew = Xr[n:], yr[n:]
    p = knn.predict(new)
    d = knn.kneighbors(new, 1)[0].ravel()
    print(name, 'generated', len(new), '5-NN vote other class %.3f' % (p != ynew).mean(), 'dist to nearest real %.3f' % d.mean())
    for c in np.unique(ynew):
        m = ynew == c
        print('  class', c, 'n_real', (y == c).sum(), 'other %.3f' % (p[m] != c).mean(), 'dist %.3f' % d[m].mean())
