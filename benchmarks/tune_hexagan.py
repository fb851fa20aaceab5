"""HexaGANClassifier variants scored on validation rows carved from the
training folds (how the classifier's weight averaging and L2 penalty were
chosen; the test folds are never used).

Breast cancer and wine, scaled to [0, 1], 20% MCAR and 20% unlabeled rows
(as ``bench_hexagan.py``); for each of the 5 stratified training folds a
stratified quarter is held out and every variant is fitted on the rest and
scored (macro-F1) there. Variants are a JSON file ``{name: {"kw": {...},
"attrs": {...}}}``: constructor parameters and private class settings
(``_averaged_networks``, ``_classifier_lr_factor``,
``_classifier_weight_decay``). Results are appended to OUT as JSON lines.

Run ``OMP_NUM_THREADS=1 python benchmarks/tune_hexagan.py VARIANTS.json
N_JOBS OUT [SEEDS]``. The run of this session (12 variants, 1 seed, 16 cores)
is in ``results/hexagan_tuning.jsonl``; its variants in
``results/hexagan_tuning_variants.json``.
"""
import collections
import json
import sys
import time

import numpy as np
import torch
from joblib import Parallel, delayed
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.preprocessing import MinMaxScaler
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.metrics import f1_score
from bench_hexagan import dirty
from skgan import HexaGANClassifier



class Tuned(HexaGANClassifier):
    """HexaGANClassifier with C's optimiser settings exposed (the library's
    defaults before this search: step 10x, no L2 penalty, no averaging)."""

    _classifier_lr_factor = 10.0
    _classifier_weight_decay = 0.0
    def _build_optimizers(self, networks):
        opts = super()._build_optimizers(networks)
        lr = self.learning_rate * self._classifier_lr_factor
        opts.update(self._rmsprop(networks, ("classifier",), lr,
                                  self._classifier_weight_decay, self._classifier_max_fan_in))
        return opts

def task(ds, fold, name, cfg, Xf, yf, Xv, yv, seed):
    torch.set_num_threads(1)
    est = Tuned(random_state=seed, **cfg.get("kw", {}))
    for k, v in cfg.get("attrs", {}).items():
        setattr(est, k, tuple(v) if isinstance(v, list) else v)
    t = time.time(); est.fit(Xf, yf); t = time.time() - t
    f1 = f1_score(yv, est.predict(Xv), average="macro")
    return dict(ds=ds, fold=fold, name=name, f1=f1, t=t, seed=seed)

def main():
    configs = json.load(open(sys.argv[1])); n_jobs = int(sys.argv[2]); out = sys.argv[3]
    seeds = [int(s) for s in (sys.argv[4] if len(sys.argv) > 4 else "0").split(",")]
    tasks = []
    for ds, loader in {"breast": load_breast_cancer, "wine": load_wine}.items():
        X, y = loader(return_X_y=True)
        X = MinMaxScaler().fit_transform(X)
        Xm, yp = dirty(X, y, seed=0)
        for fold, (train, _) in enumerate(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)):
            fit, val = train_test_split(train, test_size=0.25, stratify=y[train], random_state=100 + fold)
            for name, cfg in configs.items():
                for seed in seeds:
                    tasks.append((ds, fold, name, cfg, Xm[fit], yp[fit], Xm[val], y[val], seed))
    tasks.sort(key=lambda t: t[0] != "breast")
    res = []
    for r in Parallel(n_jobs=n_jobs, verbose=5, return_as="generator_unordered")(delayed(task)(*t) for t in tasks):
        res.append(r)
        with open(out, "a") as f:
            f.write(json.dumps(r) + "\n")
    agg = collections.defaultdict(list)
    for r in res: agg[(r["name"], r["ds"])].append(r["f1"])
    names = list(configs)
    for n in names:
        if not agg[(n, "breast")] or not agg[(n, "wine")]: continue
        b, w = np.mean(agg[(n, "breast")]), np.mean(agg[(n, "wine")])
        print(f"{n:40s} breast {b:.4f} wine {w:.4f} mean {(b + w) / 2:.4f}")

if __name__ == "__main__":
    main()
