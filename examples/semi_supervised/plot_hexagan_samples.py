"""
===============================================
HexaGAN: classify, impute and generate by class
===============================================

:class:`~skgan.HexaGANClassifier` handles the three problems of "dirty"
tables at once: missing entries (imputed by its encoder ``E`` and generator
``G_MI``), imbalanced classes (topped up by its conditional generator
``G_CG``) and missing labels (``-1`` in ``y``, used through pseudo-labels).

Here the digit images lose 20% of their pixels and half of the training rows
lose their label. After a short fit we score the classifier, fill the
missing pixels with :meth:`~skgan.HexaGANClassifier.impute`, and draw new
images of every class with :meth:`~skgan.HexaGANClassifier.sample`.
"""

# %%
# Dirty digits
# ------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split

from skgan import HexaGANClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
rng = np.random.RandomState(0)
X_missing = np.where(rng.uniform(size=X.shape) < 0.2, np.nan, X)
X_train, X_test, y_train, y_test = train_test_split(
    X_missing, y, test_size=0.3, stratify=y, random_state=0
)
y_semi = y_train.copy()
y_semi[rng.uniform(size=len(y_semi)) < 0.5] = -1  # -1 marks an unlabeled row
print(f"{(y_semi != -1).sum()} labeled and {(y_semi == -1).sum()} unlabeled rows")

# %%
# Fit and score
# -------------
# A tiny budget; the default ``max_iter="auto"`` trains much longer. As a
# reference, a gradient-boosting model that handles NaN natively, fitted on
# the labeled rows only.
clf = HexaGANClassifier(max_iter=10, random_state=0).fit(X_train, y_semi)
print(f"HexaGANClassifier accuracy: {clf.score(X_test, y_test):.3f}")

labeled = y_semi != -1
reference = HistGradientBoostingClassifier(random_state=0)
reference.fit(X_train[labeled], y_semi[labeled])
accuracy = reference.score(X_test, y_test)
print(f"HistGradientBoosting (labeled rows) accuracy: {accuracy:.3f}")

# %%
# Learning curves of the six networks
# -----------------------------------
fig, ax = plt.subplots(figsize=(7, 3.8))
for name, losses in clf.history_.items():
    ax.plot(np.arange(1, len(losses) + 1), losses, label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("mean loss")
ax.legend(fontsize=7, ncol=2)
fig.tight_layout()
plt.show()

# %%
# Imputed test images
# -------------------
filled = clf.impute(X_test[:8])
cmap = plt.get_cmap("gray_r").with_extremes(bad="tab:red")
fig, axes = plt.subplots(2, 8, figsize=(8, 2.4))
for i in range(8):
    axes[0, i].imshow(np.ma.masked_invalid(X_test[i]).reshape(8, 8), cmap=cmap)
    axes[1, i].imshow(filled[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("input", fontsize=8)
axes[1, 0].set_ylabel("imputed", fontsize=8)
fig.tight_layout()
plt.show()

# %%
# Class-conditional samples
# -------------------------
# ``sample(y=labels)`` generates one row per label: a hidden vector
# ``h_c = G_CG(y, z)`` turned into a row by ``G_MI``. These are the rows
# HexaGAN adds to the minority classes of each mini-batch during training.
labels = np.repeat(clf.classes_, 6)
samples, sample_labels = clf.sample(y=labels, random_state=0)
fig, axes = plt.subplots(6, len(clf.classes_), figsize=(7, 4.4))
for k, label in enumerate(clf.classes_):
    for j, image in enumerate(samples[sample_labels == label]):
        axes[j, k].imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    axes[0, k].set_title(str(label), fontsize=9)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()

# %%
# At this budget the samples barely depend on their class: they are one
# blurry average digit. The conditional generator works in the hidden space
# of width ``hidden_size_``, learns with a tenth of ``learning_rate`` and
# needs far more updates than this example can afford before its rows look
# like digits of their class (a short fit still trains the classifier and
# the imputer, as the scores above show). Samples of a default fit, and the
# paper's ablation switches ``conditional_generation=False`` and
# ``semi_supervised=False``, are discussed in :ref:`hexagan`.
