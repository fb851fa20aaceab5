"""Scratch search: the blend's members alone on a mixed table (see search.md).

``python results/mixed/search_forest_members.py DATA SEEDS TAG CHECKOUT``
(from ``benchmarks/``): MisGANImputer with one epoch, so that its fit is the
members', on the development masks SEEDS (comma-separated), with the skgan
of the checkout CHECKOUT (a git worktree of the revision to measure); prints
the whole fit, the forest member's fits, the numeric RMSE and the
categorical accuracy, means over the seeds. ``LEAF=n`` in the environment
sets the rows per leaf of the forest's regression trees on a mixed table,
``CLEAF=n`` those of its classifiers of the categorical columns.
"""
import os
import sys
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")
root = sys.argv[4]
sys.path[:0] = [root, str(Path(__file__).resolve().parents[2])]  # skgan, benchmarks/
import numpy as np  # noqa: E402

import _common  # noqa: E402
import bench_mixed as bm  # noqa: E402
import skgan.impute._blend as B  # noqa: E402
from skgan import MisGANImputer  # noqa: E402

assert B.__file__.startswith(root), B.__file__
ds, seeds, tag = sys.argv[1], [int(s) for s in sys.argv[2].split(",")], sys.argv[3]
times = {}
if os.environ.get("LEAF"):
    make_member = B.make_member

    def leafy_member(name, shape, seed, **kw):
        member = make_member(name, shape, seed, **kw)
        if name == "forest" and kw.get("skip_complete"):  # the mixed path
            member.estimator.set_params(min_samples_leaf=int(os.environ["LEAF"]))
        return member

    B.make_member = leafy_member
if os.environ.get("CLEAF"):
    member_classifier = B.member_classifier

    def leafy_classifier(name, trees, seed):
        classifier = member_classifier(name, trees, seed)
        if name == "forest":
            classifier.set_params(min_samples_leaf=int(os.environ["CLEAF"]))
        return classifier

    B.member_classifier = leafy_classifier
fitted = B._fitted


def timed(name, member, X01, rng):
    start = time.perf_counter()
    out = fitted(name, member, X01, rng)
    times[name] = times.get(name, 0) + time.perf_counter() - start
    return out


B._fitted = timed
truth = bm.impute_table(ds, False)
res = []
with _common.one_thread():
    warm_up = bm.mcar_mixed(truth, 0.2, (0, 0))[0]
    MisGANImputer(random_state=0, max_iter=1, early_stopping=False).fit(warm_up)
    for seed in seeds:
        masked, mask = bm.mcar_mixed(truth, bm.MISSING_RATE, (seed, 0))
        times.clear()
        est = MisGANImputer(random_state=seed, max_iter=1, early_stopping=False)
        start = time.perf_counter()
        est.set_output(transform="pandas").fit(masked)
        fit = time.perf_counter() - start
        r = bm.score_imputation(truth, est.transform(masked), mask)
        res.append((fit, times.get("forest", 0), r["numeric_rmse"], r["categorical_accuracy"]))
        print(seed, np.round(res[-1], 4), flush=True)
print("MEAN", ds, tag, "fit forest rmse acc", np.round(np.mean(res, axis=0), 4), flush=True)
