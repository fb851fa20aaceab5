"""Scratch search: the "forest" member on ordinal codes (see search.md)."""
import sys, time, json, warnings
warnings.filterwarnings("ignore")
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benchmarks/
import numpy as np, torch
torch.set_num_threads(1)
from sklearn.base import clone
import bench_mixed as bm
import skgan.impute._blend as B
from skgan import MisGANImputer
ds = sys.argv[1]; seeds = [int(s) for s in sys.argv[2].split(",")]; variant = sys.argv[3]

class Compact(B.MixedMember):
    def _compact(self, X01):
        cols, start = [], 0
        self.slots = []
        for a, b in self.groups:
            cols.extend(range(start, a)); start = b
        cols.extend(range(start, X01.shape[1]))
        num = X01[:, cols]
        codes = []
        for a, b in self.groups:
            block = X01[:, a:b]
            miss = np.isnan(block[:, 0])
            c = np.argmax(np.nan_to_num(block), axis=1).astype(float)
            c[miss] = -1.0
            codes.append(c)
        return cols, num, np.column_stack(codes)
    def fit(self, X01):
        cols, num, codes = self._compact(X01)
        self.cols_ = cols
        completed = self.member.fit_transform(np.hstack([num, codes]))
        self.classifiers_ = []
        nn = len(cols)
        for g, (a, b) in enumerate(self.groups):
            observed = ~np.isnan(X01[:, a])
            others = np.delete(completed[observed], nn + g, axis=1)
            y = np.argmax(X01[observed, a:b], axis=1)
            if len(np.unique(y)) < 2:
                self.classifiers_.append(None); continue
            self.classifiers_.append(clone(self.classifier).fit(others, y))
        self.fill_ = np.nanmean(np.where(np.isnan(X01), np.nan, X01), axis=0)
        return self
    def transform(self, X01):
        cols, num, codes = self._compact(X01)
        completed = self.member.transform(np.hstack([num, codes]))
        out = np.empty(X01.shape)
        out[:, cols] = completed[:, :len(cols)]
        nn = len(cols)
        for g, ((a, b), clf) in enumerate(zip(self.groups, self.classifiers_)):
            block = np.where(np.isnan(X01[:, a:b]), self.fill_[a:b], X01[:, a:b])
            missing = np.isnan(X01[:, a])
            if clf is not None and missing.any():
                others = np.delete(completed[missing], nn + g, axis=1)
                p = np.zeros((missing.sum(), b - a)); p[:, clf.classes_] = clf.predict_proba(others)
                block[missing] = p
            out[:, a:b] = block
        return out

orig_member = B.MemberFits._member
def member(self, name, trees=None):
    m = orig_member(self, name, trees)
    if self._groups is not None and name in variant.split("+"):
        m = Compact(m.member, m.groups, m.classifier)
    return m
B.MemberFits._member = member
times = {}
orig = B._fitted
def timed(name, member, X01, rng):
    t = time.perf_counter(); out = orig(name, member, X01, rng)
    times[name] = times.get(name, 0) + time.perf_counter() - t
    return out
B._fitted = timed
truth = bm.impute_table(ds, False)
res = []
for seed in seeds:
    masked, mask = bm.mcar_mixed(truth, bm.MISSING_RATE, (seed, 0))
    times.clear()
    est = MisGANImputer(random_state=seed, max_iter=1, early_stopping=False).set_output(transform="pandas")
    t = time.perf_counter(); est.fit(masked); fit = time.perf_counter() - t
    r = bm.score_imputation(truth, est.transform(masked), mask)
    res.append((fit, times.get("forest", 0), times.get("iterative", 0), r["numeric_rmse"], r["categorical_accuracy"]))
print("MEAN", ds, variant, "fit forest iterative rmse acc", np.round(np.mean(res, axis=0), 4), flush=True)
