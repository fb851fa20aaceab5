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
