"""Tests of what only :class:`skgan.MisGANImputer` has: ``sample`` (generated
rows and masks) and its own parameters.

The tests every GAN imputer must pass (scikit-learn's estimator checks,
observed entries bit-identical, determinism, pickling, pandas, integration,
bad input, multiple imputation) run on MisGANImputer from
``tests/test_imputers_common.py``. Budgets are tiny: these tests check
behaviour, not imputation quality (``benchmarks/`` measures that).
"""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skgan import MisGANImputer

FAST = {"max_iter": 3, "random_state": 0}


def _data(n_samples=60, n_features=4, missing_rate=0.2, seed=0):
    """Features on very different scales, entries missing completely at random."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features)) * np.geomspace(0.1, 100, n_features)
    X[rng.uniform(size=X.shape) < missing_rate] = np.nan
    return X


@pytest.fixture(scope="module")
def fitted():
    X = _data()
    return MisGANImputer(**FAST).fit(X), X


def test_unfitted_sample_raises():
    with pytest.raises(NotFittedError):
        MisGANImputer().sample(3)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"temperature": 0.0}, "temperature"),
        ({"n_critic": 0}, "n_critic"),
    ],
)
def test_invalid_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        MisGANImputer(**params).fit(_data())


# -- sample ---------------------------------------------------------------------
def test_sample(fitted):
    imputer, X = fitted
    rows, missing = imputer.sample(25, random_state=0)
    assert rows.shape == (25, 4) and missing.shape == (25, 4)
    assert missing.dtype == bool
    assert np.isfinite(rows).all()
    # The data generator ends in a sigmoid: rows are in the observed range.
    lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
    assert ((rows >= lo - 1e-6) & (rows <= hi + 1e-6)).all()
    assert rows.std(axis=0).min() > 0
    again, missing_again = imputer.sample(25, random_state=0)
    np.testing.assert_array_equal(rows, again)
    np.testing.assert_array_equal(missing, missing_again)
    assert not np.array_equal(rows, imputer.sample(25, random_state=1)[0])
    with pytest.raises(ValueError, match="n_samples"):
        imputer.sample(0)


def test_sample_leaves_out_empty_features():
    X = _data()
    X[:, 0] = np.nan
    rows, missing = MisGANImputer(keep_empty_features=True, **FAST).fit(X).sample(3)
    assert rows.shape == missing.shape == (3, 3)


class _RecordingMisGAN(MisGANImputer):
    """MisGANImputer that records the missing share of every mask its
    imputer is given."""

    def _impute_tensor(self, networks, x, m, noise):
        self.missing_shares_.append(1.0 - m.mean().item())
        return super()._impute_tensor(networks, x, m, noise)


@pytest.mark.parametrize("reconstruction_weight", [100.0, 0.0])
def test_training_imputations_share_one_regime(reconstruction_weight):
    # With the self-supervised term, every imputation made in training (the
    # critic's, the adversarial and the reconstruction term's) hides the same
    # extra share of observed entries; otherwise the imputer can tell the
    # regimes apart by the number of missing entries and learn one behaviour
    # for each (on a 500-feature table: RMSE 0.250 against the mean's 0.138).
    rng = np.random.RandomState(0)
    X = rng.rand(512, 20)
    X[rng.rand(*X.shape) < 0.2] = np.nan
    imputer = _RecordingMisGAN(
        reconstruction_weight=reconstruction_weight,
        max_iter=2,
        early_stopping=False,
        blend_with=None,
        transform_draws=2,
        random_state=0,
        device="cpu",
    )
    imputer.missing_shares_ = []
    imputer.fit(X)
    # The last imputations (one per draw) fill the held-out entries.
    shares = np.array(imputer.missing_shares_[:-2])
    assert len(shares) > 10
    # 20% missing and 10% of the observed entries held out: 28% in training,
    # then hide_rate = 28% of the rest hidden for the term: about 48%.
    if reconstruction_weight:
        assert shares.min() > 0.4
    else:
        assert shares.max() < 0.33
