"""Amputation: remove entries of a complete matrix at a given rate.

The three mechanisms of Rubin's taxonomy, as the imputation literature
simulates them (e.g. Muzellec et al., "Missing Data Imputation using Optimal
Transport", ICML 2020; Jäger et al., 2021):

* MCAR: every entry is removed independently with the same probability;
* MAR: a random subset of the features is always observed and drives a
  logistic model of the missingness of the other features;
* MNAR: self-masking logistic model, the probability that an entry is
  missing depends on the entry's own value.

For the logistic mechanisms the intercept of each amputed feature is solved
numerically so that the expected missing rate is the one asked for.
"""

from numbers import Real

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import check_array

_RATE = [Interval(Real, 0, 1, closed="left")]


def _check_X(X, allow_nan):
    X = check_array(
        X,
        dtype=np.float64,
        ensure_all_finite="allow-nan" if allow_nan else True,
        copy=True,
        input_name="X",
    )
    return X


def _standardize(X):
    """Per-feature z-scores; constant features become 0."""
    std = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)


def _solve_intercept(logits, rate):
    """Intercept ``b`` with ``mean(sigmoid(logits + b)) == rate``."""
    if rate <= 0:
        return -np.inf
    span = np.abs(logits).max() + 50.0
    return brentq(lambda b: expit(logits + b).mean() - rate, -span, span, xtol=1e-10)


def _finish(X, missing, return_mask):
    X[missing] = np.nan
    return (X, missing) if return_mask else X


@validate_params(
    {
        "X": ["array-like"],
        "missing_rate": _RATE,
        "random_state": ["random_state"],
        "return_mask": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_mcar(X, missing_rate, *, random_state=None, return_mask=False):
    """Remove entries of ``X`` completely at random (MCAR).

    Every entry is removed independently with probability ``missing_rate``,
    the protocol of the GAIN, MisGAN and HexaGAN papers.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Data. Entries already missing (NaN) stay missing and are not
        counted as removed.
    missing_rate : float in [0, 1)
        Probability that an entry is removed.
    random_state : int, RandomState instance or None, default=None
        Seed of the draw.
    return_mask : bool, default=False
        Also return the mask of the removed entries.

    Returns
    -------
    X_missing : ndarray of shape (n_samples, n_features)
        A float64 copy of ``X`` with the removed entries set to NaN.
    mask : ndarray of bool of shape (n_samples, n_features)
        True where this call removed an entry (entries that were already
        NaN are False). Only returned when ``return_mask=True``.

    See Also
    --------
    make_mar : Missing at random, driven by always-observed features.
    make_mnar : Missing not at random, by self-masking.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.datasets import make_mcar
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> X_missing, mask = make_mcar(X, 0.3, random_state=0, return_mask=True)
    >>> bool(np.array_equal(np.isnan(X_missing), mask))
    True
    """
    X = _check_X(X, allow_nan=True)
    rng = check_random_state(random_state)
    missing = (rng.uniform(size=X.shape) < missing_rate) & ~np.isnan(X)
    return _finish(X, missing, return_mask)


@validate_params(
    {
        "X": ["array-like"],
        "missing_rate": _RATE,
        "observed_fraction": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
        "return_mask": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_mar(
    X, missing_rate, *, observed_fraction=0.3, random_state=None, return_mask=False
):
    """Remove entries of ``X`` at random given always-observed features (MAR).

    A random subset of ``max(1, round(observed_fraction * n_features))``
    features is kept complete. Each other feature ``j`` is removed in row
    ``i`` with probability ``sigmoid(z_i @ w_j + b_j)``, where ``z_i`` holds
    the standardised values of row ``i``'s observed features, ``w_j`` is
    drawn from a standard normal and rescaled so that ``z @ w_j`` has unit
    variance, and ``b_j`` is solved so that the feature's expected missing
    rate is ``missing_rate * n_features / n_amputed``. The expected share of
    removed entries over the whole matrix is therefore ``missing_rate``, and
    whether an entry is missing depends only on values that stay observed.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Complete data (no NaN), at least 2 features.
    missing_rate : float in [0, 1)
        Expected share of all entries that are removed.
    observed_fraction : float in (0, 1), default=0.3
        Share of the features that are never removed and drive the
        missingness of the others.
    random_state : int, RandomState instance or None, default=None
        Seed of the choice of features, the weights and the draw.
    return_mask : bool, default=False
        Also return the mask of the removed entries.

    Returns
    -------
    X_missing : ndarray of shape (n_samples, n_features)
        A float64 copy of ``X`` with the removed entries set to NaN.
    mask : ndarray of bool of shape (n_samples, n_features)
        True where an entry was removed; the always-observed features are
        the columns where it is all False. Only returned when
        ``return_mask=True``.

    Raises
    ------
    ValueError
        If ``X`` holds NaN, has fewer than 2 features, or if
        ``missing_rate`` is too high to be reached on the amputed features
        alone (it must stay below ``n_amputed / n_features``).

    See Also
    --------
    make_mcar : Missing completely at random.
    make_mnar : Missing not at random, by self-masking.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.datasets import make_mar
    >>> X = np.random.RandomState(0).normal(size=(1000, 10))
    >>> X_missing, mask = make_mar(X, 0.2, random_state=0, return_mask=True)
    >>> int((~mask.any(axis=0)).sum())  # always-observed features
    3
    """
    X = _check_X(X, allow_nan=False)
    n_features = X.shape[1]
    if n_features < 2:
        raise ValueError(
            "make_mar needs at least 2 features: one to stay observed and one "
            f"to amputate; got X with {n_features} feature."
        )
    rng = check_random_state(random_state)
    n_observed = int(np.clip(round(observed_fraction * n_features), 1, n_features - 1))
    order = rng.permutation(n_features)
    observed, amputed = np.sort(order[:n_observed]), np.sort(order[n_observed:])
    column_rate = missing_rate * n_features / len(amputed)
    if column_rate >= 1:
        raise ValueError(
            f"missing_rate={missing_rate} cannot be reached with {len(amputed)} of "
            f"{n_features} features amputed (the rate must stay below "
            f"{len(amputed) / n_features:.3g}); lower observed_fraction or "
            "missing_rate."
        )
    Z = _standardize(X[:, observed])
    weights = rng.normal(size=(len(observed), len(amputed)))
    logits = Z @ weights
    scale = logits.std(axis=0)
    logits /= np.where(scale > 0, scale, 1.0)
    missing = np.zeros(X.shape, dtype=bool)
    for k, j in enumerate(amputed):
        b = _solve_intercept(logits[:, k], column_rate)
        missing[:, j] = rng.uniform(size=X.shape[0]) < expit(logits[:, k] + b)
    return _finish(X, missing, return_mask)


@validate_params(
    {
        "X": ["array-like"],
        "missing_rate": _RATE,
        "strength": [Interval(Real, None, None, closed="neither")],
        "random_state": ["random_state"],
        "return_mask": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_mnar(X, missing_rate, *, strength=2.0, random_state=None, return_mask=False):
    """Remove entries of ``X`` depending on their own values (MNAR).

    Self-masking logistic model: entry ``(i, j)`` is removed with
    probability ``sigmoid(strength * z_ij + b_j)``, where ``z_ij`` is the
    standardised value of the entry and ``b_j`` is solved so that every
    feature's expected missing rate is ``missing_rate``. With a positive
    ``strength`` large values go missing more often; with a negative one,
    small values; ``strength=0`` is MCAR.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Complete data (no NaN).
    missing_rate : float in [0, 1)
        Expected share of the entries of every feature that are removed.
    strength : float, default=2.0
        Slope of the logistic model on the standardised values.
    random_state : int, RandomState instance or None, default=None
        Seed of the draw.
    return_mask : bool, default=False
        Also return the mask of the removed entries.

    Returns
    -------
    X_missing : ndarray of shape (n_samples, n_features)
        A float64 copy of ``X`` with the removed entries set to NaN.
    mask : ndarray of bool of shape (n_samples, n_features)
        True where an entry was removed. Only returned when
        ``return_mask=True``.

    Raises
    ------
    ValueError
        If ``X`` holds NaN.

    See Also
    --------
    make_mcar : Missing completely at random.
    make_mar : Missing at random, driven by always-observed features.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.datasets import make_mnar
    >>> X = np.random.RandomState(0).normal(size=(2000, 3))
    >>> X_missing, mask = make_mnar(X, 0.3, random_state=0, return_mask=True)
    >>> bool(X[mask].mean() > X[~mask].mean())  # large values go missing
    True
    """
    X = _check_X(X, allow_nan=False)
    rng = check_random_state(random_state)
    logits = strength * _standardize(X)
    missing = np.zeros(X.shape, dtype=bool)
    for j in range(X.shape[1]):
        b = _solve_intercept(logits[:, j], missing_rate)
        missing[:, j] = rng.uniform(size=X.shape[0]) < expit(logits[:, j] + b)
    return _finish(X, missing, return_mask)

