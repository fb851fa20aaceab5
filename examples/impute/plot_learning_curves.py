"""
=================================
Learning curves from ``history_``
=================================

Every skgan estimator records, for each epoch, the mean loss of every one of
its networks in ``history_`` (a dict of lists), and, when early stopping is
on, the score it watches under ``"validation"``. This example trains
:class:`~skgan.MisGANImputer` and :class:`~skgan.HexaGANImputer` on the
breast cancer data with 20% of the entries removed and plots their curves.

GAN losses are not training errors: a critic's Wasserstein loss measures how
well it currently tells real from generated, and it moves as the generator
improves. What to look for is that nothing explodes, and that the
held-out imputation error (``validation``) goes down.
"""

# %%
# Data with entries missing completely at random
# ----------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import minmax_scale

from skgan import HexaGANImputer, MisGANImputer

X = minmax_scale(load_breast_cancer().data)
rng = np.random.RandomState(0)
missing = rng.uniform(size=X.shape) < 0.2
X_missing = np.where(missing, np.nan, X)

# %%
# Two imputers with a small budget
# --------------------------------
# ``early_stopping=True`` holds out 10% of the rows, hides some of their
# observed entries and records the RMSE of their imputation after every
# epoch; the networks of the best epoch are kept (``best_iteration_``).
# MisGAN turns it on by itself only from 1000 rows on, so we ask for it.
misgan = MisGANImputer(max_iter=25, early_stopping=True, random_state=0)
misgan.fit(X_missing)
hexagan = HexaGANImputer(max_iter=25, early_stopping=True, random_state=0)
hexagan.fit(X_missing)

for imputer in (misgan, hexagan):
    print(
        f"{type(imputer).__name__}: {imputer.n_iter_} epochs, best "
        f"{imputer.best_iteration_}, networks: {sorted(imputer.networks_)}"
    )

# %%
# The curves
# ----------
# MisGAN has three critic / generator pairs (masks, data, imputer); HexaGAN's
# imputation part has one discriminator ``D_MI`` against the encoder and
# generator ``E`` and ``G_MI``, trained together.
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
epochs = np.arange(1, misgan.n_iter_ + 1)
for name, losses in misgan.history_.items():
    if name == "validation":
        continue
    ax = axes[0] if "critic" in name else axes[1]
    ax.plot(epochs, losses, label=name)
axes[0].set_title("MisGAN critics")
axes[1].set_title("MisGAN generators and imputer")
for ax in axes[:2]:
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean loss")
    ax.legend(fontsize=8)

for imputer, color in ((misgan, "C0"), (hexagan, "C3")):
    curve = imputer.history_["validation"]
    name = type(imputer).__name__
    axes[2].plot(np.arange(1, len(curve) + 1), curve, color=color, label=name)
    axes[2].axvline(imputer.best_iteration_, color=color, ls=":", lw=1)
axes[2].set_title("held-out imputation RMSE ([0, 1] scale)")
axes[2].set_xlabel("epoch")
axes[2].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
# HexaGAN's own losses:
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, losses in hexagan.history_.items():
    if name != "validation":
        ax.plot(np.arange(1, len(losses) + 1), losses, label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("mean loss")
ax.set_title("HexaGANImputer")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
# With ``verbose=1`` the same losses are shown live in a progress bar while
# the estimator trains.
