"""Tests of what only :class:`skgan.GAINImputer` has: its parameters, its
hint mechanism and that it learns.

The tests every GAN imputer must pass (scikit-learn's estimator checks,
observed entries bit-identical, determinism, pickling, pandas, integration,
bad input, multiple imputation) run on GAINImputer from
``tests/test_imputers_common.py``.
"""

import numpy as np
import pytest
import torch
from sklearn.base import clone

from skgan import GAINImputer
from skgan.datasets import make_mcar

FAST = {"max_iter": 3, "random_state": 0}


def _data(n_samples=60, n_features=4, missing_rate=0.2, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features)) * np.geomspace(0.1, 100, n_features)
    X[rng.uniform(size=X.shape) < missing_rate] = np.nan
    return X


def test_defaults_follow_the_paper():
    params = GAINImputer().get_params()
    assert params["alpha"] == 100.0
    assert params["hint_rate"] == 0.9
    assert params["learning_rate"] == 1e-3
    assert params["batch_size"] == 128


def test_network_shapes():
    X = _data(n_features=12)
    imputer = GAINImputer(**FAST).fit(X)
    generator, discriminator = (
        imputer.networks_["generator"],
        imputer.networks_["discriminator"],
    )
    # G([x~, m]) and D([x^, h]): 2d inputs, d outputs, hidden width d.
    for net in (generator, discriminator):
        weights = [p for p in net.parameters() if p.dim() == 2]
        assert [tuple(w.shape) for w in weights] == [(12, 24), (12, 12), (12, 12)]
    assert isinstance(generator[-1], torch.nn.Sigmoid)
    narrow = GAINImputer(**FAST, hidden_size=5).fit(X)
    assert narrow.networks_["generator"][0].out_features == 5


@pytest.mark.parametrize(
    "params, match",
    [
        ({"hint_rate": 1.5}, "hint_rate"),
        ({"alpha": -1.0}, "alpha"),
        ({"noise_scale": -0.1}, "noise_scale"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"hidden_size": 0}, "hidden_size"),
    ],
)
def test_invalid_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        GAINImputer(**params).fit(_data())


def test_hint_rate_changes_training():
    X = _data()
    a = GAINImputer(**FAST).fit(X)
    b = GAINImputer(**FAST, hint_rate=0.5).fit(X)
    assert a.history_["discriminator"] != b.history_["discriminator"]
    # The generator never sees the hint: a rate of 1 still trains fine.
    assert np.isfinite(clone(a).set_params(hint_rate=1.0).fit_transform(X)).all()


def test_learns_correlated_features():
    # Three of four features carry the same signal: GAIN's networks alone
    # (the paper setting) must beat the mean clearly.
    rng = np.random.RandomState(0)
    z = rng.normal(size=(400, 1))
    noise = rng.normal(size=(400, 2))
    X = np.hstack([z, 2 * z + 0.05 * noise[:, :1], noise[:, 1:], -z])
    X_missing, mask = make_mcar(X, 0.2, random_state=0, return_mask=True)
    paper = GAINImputer(max_iter=150, blend_with=None, n_iter_no_change=50, random_state=0)
    Xt = paper.fit_transform(X_missing)
    rmse = np.sqrt(np.mean((Xt[mask] - X[mask]) ** 2))
    mean_rmse = np.sqrt(
        np.mean((np.where(mask, np.nanmean(X_missing, axis=0), X)[mask] - X[mask]) ** 2)
    )
    assert rmse < 0.7 * mean_rmse
