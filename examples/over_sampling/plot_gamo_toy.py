"""
===========================================
GAMO and SMOTE on a two-dimensional problem
===========================================

SMOTE creates a minority row on the segment between a minority row and one
of its minority neighbours: its new rows fill the minority class's own
region evenly. GAMO's convex generator also writes every new row as a
convex combination of real minority rows, but it is *trained* to make a
classifier err while a discriminator still takes the rows for real ones, so
it places them where they matter for the decision boundary (the paper's
Figure 1).

A two-dimensional toy problem makes the difference visible.
"""

# %%
# An imbalanced toy problem
# -------------------------
# A majority class (400 rows) around a minority class (40 rows) that it
# partly overlaps.
import matplotlib.pyplot as plt
import numpy as np
from imblearn.over_sampling import SMOTE
from scipy.spatial import ConvexHull

from skgan import GAMOResampler

rng = np.random.RandomState(0)
X_major = np.r_[
    rng.normal([-1.5, 0.0], 0.8, size=(200, 2)),
    rng.normal([1.5, 0.5], 0.8, size=(200, 2)),
]
X_minor = rng.normal([0.0, 1.8], 0.45, size=(40, 2))
X = np.r_[X_major, X_minor]
y = np.r_[np.zeros(400, dtype=int), np.ones(40, dtype=int)]

# %%
# Over-sample to balance the classes
# ----------------------------------
# Both samplers return the original rows first, unchanged, followed by the
# new minority rows.
gamo = GAMOResampler(max_iter=60, hidden_size=64, latent_dim=16, random_state=0)
X_gamo, y_gamo = gamo.fit_resample(X, y)
X_smote, y_smote = SMOTE(random_state=0).fit_resample(X, y)
assert np.array_equal(X_gamo[: len(X)], X)
new_gamo, new_smote = X_gamo[len(X) :], X_smote[len(X) :]
print(f"GAMO added {len(new_gamo)} rows, SMOTE {len(new_smote)}")

# %%
# Where the new rows land
# -----------------------
# The dashed line is the convex hull of the minority rows: neither method
# can leave it. SMOTE fills it evenly; GAMO's rows concentrate where the
# classes meet. They also pile up on a few spots: the softmax weights of the
# generator tend to favour a handful of anchor rows, a partial mode collapse
# that a longer fit reduces but does not remove.
hull = ConvexHull(X_minor)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharex=True, sharey=True)
for ax, new, title in ((axes[0], new_smote, "SMOTE"), (axes[1], new_gamo, "GAMO")):
    ax.scatter(*X_major.T, s=8, c="0.7", label="majority")
    ax.scatter(*new.T, s=10, c="tab:orange", alpha=0.6, label="generated minority")
    ax.scatter(*X_minor.T, s=18, c="tab:blue", edgecolor="k", label="real minority")
    for simplex in hull.simplices:
        ax.plot(*X_minor[simplex].T, "k--", lw=0.8)
    ax.set_title(title)
axes[0].legend(loc="lower left", fontsize=8)
fig.tight_layout()
plt.show()

# %%
# Distance of the new rows to the majority class
# ----------------------------------------------
# The closer a new row is to the majority, the more it informs the boundary.
from sklearn.neighbors import NearestNeighbors  # noqa: E402

nearest_major = NearestNeighbors(n_neighbors=1).fit(X_major)
fig, ax = plt.subplots(figsize=(6, 3.4))
for new, name in ((new_smote, "SMOTE"), (new_gamo, "GAMO")):
    distance = nearest_major.kneighbors(new)[0].ravel()
    label = f"{name} (median {np.median(distance):.2f})"
    ax.hist(distance, bins=30, alpha=0.6, label=label)
ax.set_xlabel("distance of a generated row to the nearest majority row")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# The game, epoch by epoch: the classifier ``M``, the discriminator ``D`` and
# the generator ``G``.
fig, ax = plt.subplots(figsize=(6, 3.4))
for name, losses in gamo.history_.items():
    ax.plot(np.arange(1, len(losses) + 1), losses, label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("mean loss")
ax.legend()
fig.tight_layout()
plt.show()
