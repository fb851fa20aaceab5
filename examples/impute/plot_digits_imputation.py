"""
=======================================
Imputing missing pixels of digit images
=======================================

The 8x8 digit images of :func:`sklearn.datasets.load_digits` lose 40% of
their pixels, completely at random. We fill them with the GAN imputers of
skgan and with scikit-learn's, then look at the pictures and at the error on
the removed pixels. (MisGAN's paper runs the same experiment on MNIST.)

The budgets are tiny (a few epochs) so that the example runs in seconds;
with the default ``max_iter="auto"`` the GAN imputers train far longer.
"""

# %%
# Remove 40% of the pixels
# ------------------------
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.impute import KNNImputer, SimpleImputer

import skgan
from skgan import HexaGANImputer, MisGANImputer

X = load_digits().data / 16.0  # pixels in [0, 1]
rng = np.random.RandomState(0)
missing = rng.uniform(size=X.shape) < 0.4
X_missing = np.where(missing, np.nan, X)

# %%
# Fit the imputers
# ----------------
# ``fit_transform`` learns from the incomplete images themselves: no complete
# image is ever shown to the imputers. GAIN joins in when this version of
# skgan has it.
imputers = {
    "mean": SimpleImputer(),
    "KNN": KNNImputer(),
    "MisGAN": MisGANImputer(max_iter=10, random_state=0),
    "HexaGAN": HexaGANImputer(max_iter=10, early_stopping=False, random_state=0),
}
if hasattr(skgan, "GAINImputer"):
    imputers["GAIN"] = skgan.GAINImputer(max_iter=15, random_state=0)

filled, scores = {}, {}
for name, imputer in imputers.items():
    start = time.perf_counter()
    filled[name] = imputer.fit_transform(X_missing)
    seconds = time.perf_counter() - start
    rmse = np.sqrt(np.mean((filled[name][missing] - X[missing]) ** 2))
    scores[name] = rmse
    print(f"{name:>8}: RMSE on removed pixels {rmse:.3f}  ({seconds:.1f} s)")

# Observed pixels are returned bit-identical by every skgan imputer.
for name in ("MisGAN", "HexaGAN"):
    assert np.array_equal(filled[name][~missing], X[~missing])

# %%
# The pictures
# ------------
# Removed pixels are shown in red in the second column.
n_images = 6
columns = ["original", "with missing", *imputers]
fig, axes = plt.subplots(
    n_images, len(columns), figsize=(1.2 * len(columns), 1.25 * n_images)
)
cmap = plt.get_cmap("gray_r").with_extremes(bad="tab:red")
for row in range(n_images):
    images = [X[row], X_missing[row], *(filled[name][row] for name in imputers)]
    for ax, title, image in zip(axes[row], columns, images):
        ax.imshow(
            np.ma.masked_invalid(image.reshape(8, 8)), cmap=cmap, vmin=0, vmax=1
        )
        ax.set_xticks([])
        ax.set_yticks([])
        if row == 0:
            ax.set_title(title, fontsize=9)
fig.tight_layout()
plt.show()

# %%
# The error on the removed pixels
# -------------------------------
fig, ax = plt.subplots(figsize=(6, 3))
names = list(scores)
ax.barh(names, [scores[n] for n in names], color="C0")
ax.invert_yaxis()
ax.set_xlabel("RMSE on the removed pixels (lower is better)")
fig.tight_layout()
plt.show()

# %%
# With these budgets the GAN imputers are still learning; see
# :ref:`choosing` for what to expect, and the benchmarks for full budgets.
# The GAN imputers' advantage over KNN is that they learn a model of the
# data *and* of the missingness from incomplete rows alone, and can draw
# several plausible completions (see
# :ref:`sphx_glr_auto_examples_impute_plot_multiple_imputation.py`).
