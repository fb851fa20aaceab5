"""Does a 10-tree held-out forest rank the leaf sizes as the 50-tree forest
would, once its trees' spread is accounted for?

For an average of T trees, E[(mean_T - y)^2] = (mean_inf - y)^2 + s^2 / T,
s^2 the trees' variance at that entry. So the held-out squared error of
the 50-tree forest is estimated from the 10-tree one as
err_10 - mean(s^2) (1/10 - 1/50), s^2 from the last round's trees on the
imputed table. Per development mask: 10% of the observed entries held out,
forests with leaves of 1 and 2 rows, err_10, that estimate, and err_50 (the
truth). Run from benchmarks/: python results/forest_size_search/leaf_variance.py DS SEEDS
"""
import csv
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from study_blended import make_task  # noqa: E402

from skgan.impute import _blend  # noqa: E402

warnings.simplefilter("ignore")


def tree_variance(imputer, completed, held):
    """Mean over the held entries of the last round's trees' variance."""
    variances = np.zeros(completed.shape)
    last = imputer.imputation_sequence_[-completed.shape[1]:]
    for step in last:
        rows = held[:, step.feat_idx]
        if not rows.any():
            continue
        X = completed[np.ix_(rows, step.neighbor_feat_idx)]
        per_tree = np.stack([tree.predict(X) for tree in step.estimator.estimators_])
        variances[rows, step.feat_idx] = per_tree.var(axis=0, ddof=1)
    return variances[held].mean()


ds, seeds = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
out = Path("/tmp/s/f/leaf_variance.csv")
for seed in seeds:
    _, X_missing, _ = make_task(ds, seed)
    rng = np.random.default_rng(seed + 1000)
    held = ~np.isnan(X_missing) & (rng.random(X_missing.shape) < 0.1)
    X_fit = np.where(held, np.nan, X_missing)
    target = X_missing[held]
    for leaf in (1, 2):
        row = {"dataset": ds, "seed": seed, "leaf": leaf}
        for trees in (10, 50):
            member = _blend.make_member("forest", X_missing.shape, 0, trees=trees, min_samples_leaf=leaf)
            completed = member.fit_transform(X_fit)
            row[f"err_{trees}"] = float(np.mean((completed[held] - target) ** 2))
            if trees == 10:
                s2 = tree_variance(member, completed, held)
                row["var_10"] = float(s2)
                row["est_50"] = row["err_10"] - s2 * (1 / 10 - 1 / 50)
        print(row, flush=True)
        new = not out.exists()
        with open(out, "a", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(row))
            if new:
                w.writeheader()
            w.writerow(row)
