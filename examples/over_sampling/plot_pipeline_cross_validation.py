"""
=========================================================
Impute, over-sample, classify: a cross-validated pipeline
=========================================================

Missing entries and imbalanced classes often come together. GAMO, like
SMOTE, needs complete rows, so the imputer goes first; and a resampler must
only resample the training folds, which is what
:class:`imblearn.pipeline.Pipeline` does. skgan's estimators are ordinary
steps of such a pipeline, so the whole chain is cross-validated like any
scikit-learn model.
"""

# %%
# Imbalanced data with missing entries
# ------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_breast_cancer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.preprocessing import StandardScaler

from skgan import GAMOResampler, MisGANImputer

X, y = load_breast_cancer(return_X_y=True)
rng = np.random.RandomState(0)
# Keep one malignant tumour (class 0) in six: about 1 to 10.
keep = (y == 1) | (rng.uniform(size=len(y)) < 1 / 6)
X, y = X[keep], y[keep]
X[rng.uniform(size=X.shape) < 0.2] = np.nan
print("rows per class:", np.bincount(y), f"- {np.isnan(X).mean():.0%} missing")

# %%
# Three pipelines
# ---------------
# Small budgets keep the example quick; in real use leave ``max_iter`` at
# ``"auto"``.
pipelines = {
    "mean + no resampling": make_pipeline(
        SimpleImputer(), StandardScaler(), LogisticRegression()
    ),
    "mean + SMOTE": make_pipeline(
        SimpleImputer(), StandardScaler(), SMOTE(random_state=0), LogisticRegression()
    ),
    "MisGAN + GAMO": make_pipeline(
        MisGANImputer(max_iter=15, random_state=0),
        StandardScaler(),
        GAMOResampler(max_iter=15, hidden_size=64, random_state=0),
        LogisticRegression(),
    ),
}

# %%
# Cross-validation
# ----------------
# Each fold fits the imputer and the resampler on its training rows only;
# the test rows are imputed by the fitted imputer and never resampled.
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
results = {
    name: cross_validate(model, X, y, cv=cv, scoring="balanced_accuracy")
    for name, model in pipelines.items()
}
for name, result in results.items():
    scores = result["test_score"]
    print(
        f"{name:>22}: balanced accuracy {scores.mean():.3f} ± {scores.std():.3f}, "
        f"fit {result['fit_time'].mean():.1f} s per fold"
    )

# %%
fig, ax = plt.subplots(figsize=(7, 3))
for i, (name, result) in enumerate(results.items()):
    scores = result["test_score"]
    ax.scatter(scores, [i] * len(scores), color="0.5", zorder=2)
    ax.errorbar(scores.mean(), i, xerr=scores.std(), fmt="o", color="C3", zorder=3)
ax.set_yticks(range(len(results)), list(results))
ax.invert_yaxis()
ax.set_xlabel("balanced accuracy (3 folds; red: mean ± std)")
fig.tight_layout()
plt.show()

# %%
# The pipeline is an ordinary estimator: ``GridSearchCV`` can tune the
# imputer's and the resampler's parameters through their step names, e.g.
# ``{"gamoresampler__loss": ["least_squares", "cross_entropy"]}``. On data
# this small, mean imputation and SMOTE are hard to beat; see
# :ref:`choosing`.
