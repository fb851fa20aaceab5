"""Tests every GAN imputer of skgan must pass: scikit-learn's estimator
checks, the invariants of the public contract (observed entries kept
bit-identical, determinism, pickling), ``SimpleImputer``'s conventions,
integration with scikit-learn's tools, pandas, and input validation.

Each test runs once per class of ``IMPUTERS``; tests of what only one
imputer has (``MisGANImputer.sample``, method-specific parameters) live in
that imputer's own test file. Budgets are tiny (``max_iter`` 2-5 on a few
dozen rows): these tests check behaviour, not imputation quality
(``benchmarks/`` measures that).
"""

import pickle

import joblib
import numpy as np
import pytest
import torch
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import (
    check_global_output_transform_pandas,
    check_global_set_output_transform_polars,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_set_output_transform_polars,
    parametrize_with_checks,
)

from skgan import GAINImputer, HexaGANImputer, MisGANImputer
from skgan.impute import _blend

#: The imputers under test, with the networks each must train.
NETWORKS = {
    MisGANImputer: {"mask_generator", "data_generator", "imputer", "critics"},
    GAINImputer: {"generator", "discriminator"},
    HexaGANImputer: {"encoder", "generator_mi", "discriminator_mi"},
}
#: The losses each imputer records in ``history_``, one per player.
LOSSES = {
    MisGANImputer: {
        "mask_generator",
        "mask_critic",
        "data_generator",
        "data_critic",
        "imputer",
        "imputer_critic",
    },
    GAINImputer: NETWORKS[GAINImputer],
    HexaGANImputer: {"discriminator_mi", "encoder_generator_mi"},
}
IMPUTERS = list(NETWORKS)
#: A parameter each imputer has, with two values for a grid search.
GRID = {
    MisGANImputer: ("alpha", [0.1, 0.2]),
    GAINImputer: ("alpha", [50.0, 100.0]),
    HexaGANImputer: ("alpha", [5.0, 10.0]),
}

FAST = {"max_iter": 3, "random_state": 0}

imputers = pytest.mark.parametrize("Imputer", IMPUTERS, ids=lambda c: c.__name__)


def _data(n_samples=60, n_features=4, missing_rate=0.2, seed=0):
    """Features on very different scales, entries missing completely at random."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features)) * np.geomspace(0.1, 100, n_features)
    X[rng.uniform(size=X.shape) < missing_rate] = np.nan
    return X


@pytest.fixture(scope="module", params=IMPUTERS, ids=lambda c: c.__name__)
def fitted(request):
    X = _data()
    return request.param(**FAST).fit(X), X


# -- scikit-learn's estimator checks ---------------------------------------
def _expected_failed_checks(estimator):
    # Every imputer passes every check of scikit-learn 1.9; a check that has
    # to be listed here needs a reason a scikit-learn maintainer would accept.
    return {}


@parametrize_with_checks(
    [Imputer(max_iter=2, random_state=0) for Imputer in IMPUTERS],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@imputers
@pytest.mark.parametrize(
    "check",
    [
        check_set_output_transform,
        check_set_output_transform_pandas,
        check_global_output_transform_pandas,
        check_set_output_transform_polars,
        check_global_set_output_transform_polars,
    ],
    ids=lambda check: check.__name__,
)
def test_set_output(Imputer, check):
    # Not run by check_estimator: called here.
    if "polars" in check.__name__:
        pytest.importorskip("polars")
    check(Imputer.__name__, Imputer(max_iter=2, random_state=0))


# -- invariants -------------------------------------------------------------
@imputers
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_observed_entries_bit_identical_missing_ones_filled(Imputer, dtype):
    X = _data().astype(dtype)
    mask = np.isnan(X)
    Xt = Imputer(**FAST).fit_transform(X)
    assert Xt.shape == X.shape and Xt.dtype == dtype  # as SimpleImputer
    assert np.isfinite(Xt).all()
    np.testing.assert_array_equal(Xt[~mask], X[~mask])
    # Imputations live in the range of the observed values of their feature.
    lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
    rows, cols = np.nonzero(mask)
    assert (
        (Xt[rows, cols] >= lo[cols] - 1e-4) & (Xt[rows, cols] <= hi[cols] + 1e-4)
    ).all()


@imputers
def test_input_not_modified(Imputer):
    X = _data()
    X_copy = X.copy()
    imputer = Imputer(**FAST).fit(X)
    imputer.transform(X)
    imputer.multiple_imputations(X, 2)
    np.testing.assert_array_equal(X, X_copy)


@imputers
def test_same_random_state_same_weights_and_output(Imputer):
    X = _data()
    a = Imputer(**FAST).fit(X)
    b = Imputer(**FAST).fit(X)
    c = Imputer(**{**FAST, "random_state": 1}).fit(X)
    for name, net in a.networks_.items():
        for (key, p), q in zip(
            net.state_dict().items(),
            b.networks_[name].state_dict().values(),
            strict=True,
        ):
            assert torch.equal(p, q), f"{name}.{key} differs"
    for name in a.history_:
        np.testing.assert_array_equal(a.history_[name], b.history_[name])
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
    assert not np.array_equal(a.transform(X), c.transform(X))


def test_transform_deterministic_and_row_independent(fitted):
    imputer, X = fitted
    Xt = imputer.transform(X)
    np.testing.assert_array_equal(imputer.transform(X), Xt)
    # Each row is imputed on its own: a subset gives the same rows up to
    # float32 rounding, which depends on the batch shape in BLAS kernels and
    # on the CPU; it is relative to each feature's range, not to the value (an
    # imputed value near 0 has no relative precision).
    tolerance = 1e-5 * (np.nanmax(X, axis=0) - np.nanmin(X, axis=0))
    for rows in (slice(7, 19), slice(None, None, -1)):
        difference = np.abs(imputer.transform(X[rows]) - Xt[rows])
        assert (difference <= tolerance).all()


@imputers
def test_fit_transform_equals_fit_then_transform(Imputer):
    X = _data()
    np.testing.assert_array_equal(
        Imputer(**FAST).fit_transform(X),
        Imputer(**FAST).fit(X).transform(X),
    )


@pytest.mark.parametrize(
    "dump_load",
    [
        lambda est, path: pickle.loads(pickle.dumps(est)),
        lambda est, path: (
            joblib.dump(est, path / "m.joblib"),
            joblib.load(path / "m.joblib"),
        )[1],
    ],
    ids=["pickle", "joblib"],
)
def test_pickle_round_trip(fitted, dump_load, tmp_path):
    imputer, X = fitted
    restored = dump_load(imputer, tmp_path)
    np.testing.assert_array_equal(restored.transform(X), imputer.transform(X))
    for a, b in zip(
        restored.multiple_imputations(X, 2, random_state=3),
        imputer.multiple_imputations(X, 2, random_state=3),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)
    if hasattr(imputer, "sample"):
        np.testing.assert_array_equal(
            restored.sample(5, random_state=0)[0], imputer.sample(5, random_state=0)[0]
        )


def test_clone_of_fitted_is_unfitted(fitted):
    imputer, X = fitted
    fresh = clone(imputer)
    assert fresh.get_params() == imputer.get_params()
    with pytest.raises(NotFittedError):
        fresh.transform(X)


# -- fitted attributes --------------------------------------------------------
def test_fitted_attributes(fitted):
    imputer, X = fitted
    assert imputer.n_features_in_ == X.shape[1]
    assert set(imputer.networks_) == NETWORKS[type(imputer)]
    # early_stopping="auto" scores the held-out entries every epoch.
    assert set(imputer.history_) == LOSSES[type(imputer)] | {"validation"}
    assert all(len(v) == imputer.n_iter_ for v in imputer.history_.values())
    assert imputer.n_iter_ == 3
    assert 1 <= imputer.best_iteration_ <= imputer.n_iter_
    assert imputer.noise_bank_.shape == (imputer.transform_draws, X.shape[1])
    assert 0 < imputer.heldout_rmse_ < 1
    members = _blend.BLEND_MEMBERS if imputer.blend_with == "auto" else imputer.blend_with
    assert set(imputer.blend_weights_) == {"network", *(members or ())}
    assert all(w >= 0 for w in imputer.blend_weights_.values())
    unstopped = type(imputer)(**FAST, early_stopping=False).fit(X)
    assert set(unstopped.history_) == LOSSES[type(imputer)]
    assert np.isfinite(unstopped.heldout_rmse_)


# -- SimpleImputer conventions ----------------------------------------------
@imputers
def test_add_indicator(Imputer):
    X = _data()
    X[:, 2] = np.arange(len(X))  # a feature without missing values
    mask = np.isnan(X)
    imputer = Imputer(add_indicator=True, **FAST)
    Xt = imputer.fit_transform(X)
    assert Xt.shape == (len(X), 4 + 3)
    np.testing.assert_array_equal(Xt[:, 4:], mask[:, [0, 1, 3]])
    np.testing.assert_array_equal(Xt[:, :4][~mask], X[~mask])
    reference = SimpleImputer(add_indicator=True).fit(X)
    np.testing.assert_array_equal(
        imputer.get_feature_names_out(), reference.get_feature_names_out()
    )


@imputers
@pytest.mark.parametrize("keep_empty_features", [True, False])
def test_all_missing_feature_follows_simple_imputer(Imputer, keep_empty_features):
    X = _data()
    X[:, 1] = np.nan
    imputer = Imputer(keep_empty_features=keep_empty_features, **FAST)
    reference = SimpleImputer(keep_empty_features=keep_empty_features).fit(X)
    Xt = imputer.fit_transform(X)
    assert Xt.shape == reference.transform(X).shape
    assert np.isfinite(Xt).all()
    np.testing.assert_array_equal(
        imputer.get_feature_names_out(), reference.get_feature_names_out()
    )
    if keep_empty_features:
        assert (Xt[:, 1] == 0).all()
        np.testing.assert_array_equal(
            Xt[:, [0, 2, 3]][~np.isnan(X[:, [0, 2, 3]])],
            X[:, [0, 2, 3]][~np.isnan(X[:, [0, 2, 3]])],
        )
    else:
        observed = ~np.isnan(X[:, [0, 2, 3]])
        np.testing.assert_array_equal(Xt[observed], X[:, [0, 2, 3]][observed])


@imputers
def test_feature_with_exactly_one_missing_value(Imputer):
    X = _data(missing_rate=0.0)
    X[5, 2] = np.nan
    Xt = Imputer(**FAST).fit_transform(X)
    assert np.isfinite(Xt).all()
    np.testing.assert_array_equal(
        np.delete(Xt.ravel(), 5 * 4 + 2), np.delete(X.ravel(), 5 * 4 + 2)
    )


@imputers
def test_fit_on_complete_data_transform_with_missing(Imputer):
    X = _data(missing_rate=0.0)
    imputer = Imputer(**FAST).fit(X)
    X_new = _data(seed=1)
    Xt = imputer.transform(X_new)
    assert np.isfinite(Xt).all()
    observed = ~np.isnan(X_new)
    np.testing.assert_array_equal(Xt[observed], X_new[observed])


def test_row_with_every_entry_missing(fitted):
    imputer, X = fitted
    Xt = imputer.transform(np.full((2, 4), np.nan))
    assert np.isfinite(Xt).all()
    np.testing.assert_array_equal(Xt[0], Xt[1])  # same input, same imputation


@imputers
def test_constant_feature_imputed_with_its_constant(Imputer):
    X = _data()
    X[~np.isnan(X[:, 3]), 3] = 2.5
    Xt = Imputer(**FAST).fit_transform(X)
    assert (Xt[:, 3] == 2.5).all()


@imputers
def test_non_nan_missing_values_same_as_nan(Imputer):
    X_nan = _data()
    X_neg = np.where(np.isnan(X_nan), -1.0, X_nan)
    assert not (X_nan == -1).any()
    expected = Imputer(**FAST).fit_transform(X_nan)
    imputer = Imputer(missing_values=-1, **FAST)
    np.testing.assert_array_equal(imputer.fit_transform(X_neg), expected)
    with pytest.raises(ValueError, match="NaN"):
        imputer.transform(X_nan)


# -- integration ------------------------------------------------------------
def _classification(n_samples=80):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n_samples, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    X[rng.uniform(size=X.shape) < 0.2] = np.nan
    return X, y


@imputers
def test_pipeline_in_grid_search_with_two_jobs(Imputer):
    X, y = _classification()
    pipe = make_pipeline(Imputer(max_iter=2, random_state=0), LogisticRegression())
    param, values = GRID[Imputer]
    step = Imputer.__name__.lower()
    search = GridSearchCV(
        pipe,
        {f"{step}__{param}": values, "logisticregression__C": [1.0]},
        cv=2,
        n_jobs=2,
        error_score="raise",
    )
    search.fit(X, y)
    assert set(search.best_params_) == {f"{step}__{param}", "logisticregression__C"}
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.predict(X).shape == (len(X),)


@imputers
def test_pipeline_in_cross_validate(Imputer):
    X, y = _classification()
    pipe = make_pipeline(Imputer(max_iter=2, random_state=0), LogisticRegression())
    scores = cross_validate(pipe, X, y, cv=3, error_score="raise")
    assert scores["test_score"].shape == (3,)
    assert (scores["test_score"] > 0.5).all()


@imputers
def test_pandas_in_pandas_out(Imputer):
    pd = pytest.importorskip("pandas")
    X = _data()
    df = pd.DataFrame(
        X,
        columns=["age", "income", "height", "score"],
        index=[f"r{i}" for i in range(len(X))],
    )
    imputer = Imputer(add_indicator=True, **FAST).set_output(transform="pandas")
    out = imputer.fit(df).transform(df)
    assert isinstance(out, pd.DataFrame)
    np.testing.assert_array_equal(imputer.feature_names_in_, df.columns)
    assert list(out.columns[:4]) == list(df.columns)
    assert list(out.columns[4:]) == [f"missingindicator_{c}" for c in df.columns]
    assert out.index.equals(df.index)
    observed = df.notna().to_numpy()
    np.testing.assert_array_equal(out.iloc[:, :4].to_numpy()[observed], X[observed])
    assert not out.isna().any().any()
    draws = imputer.multiple_imputations(df, 2, random_state=0)
    for draw in draws:
        assert isinstance(draw, pd.DataFrame)
        assert draw.columns.equals(out.columns) and draw.index.equals(df.index)
        np.testing.assert_array_equal(draw.iloc[:, :4].to_numpy()[observed], X[observed])
    # Pandas without set_output gives an array; wrong column names are caught.
    assert isinstance(
        clone(imputer).set_output(transform="default").fit_transform(df), np.ndarray
    )
    with pytest.raises(ValueError, match="feature names"):
        imputer.transform(df.rename(columns={"age": "AGE"}))


# -- bad input --------------------------------------------------------------
def _bad_inputs():
    X = _data()
    X_inf = X.copy()
    X_inf[0, 0] = np.inf
    strings = np.array([["a", "b"], ["c", "d"], ["e", "f"]], dtype=object)
    return [
        ("inf", X_inf, ValueError, "infinity"),
        ("strings", strings, ValueError, "could not convert string to float"),
        ("sparse", sparse.csr_matrix(np.nan_to_num(X)), TypeError, "[Ss]parse"),
        ("empty", np.empty((0, 3)), ValueError, "0 sample"),
        ("no features", np.empty((5, 0)), ValueError, "0 feature"),
        ("3-D", np.zeros((4, 3, 2)), ValueError, "dim 3"),
        ("1-D", np.zeros(5), ValueError, "2D array"),
        ("single row", X[:1], ValueError, "1 sample"),
    ]


@imputers
@pytest.mark.parametrize(
    "name, X, error, match", _bad_inputs(), ids=[b[0] for b in _bad_inputs()]
)
def test_bad_input_at_fit(Imputer, name, X, error, match):
    with pytest.raises(error, match=match):
        Imputer(**FAST).fit(X)


def test_bad_input_at_transform(fitted):
    imputer, X = fitted
    with pytest.raises(
        ValueError,
        match=f"X has 3 features, but {type(imputer).__name__} is expecting 4",
    ):
        imputer.transform(X[:, :3])
    X_inf = X.copy()
    X_inf[1, 1] = -np.inf
    with pytest.raises(ValueError, match="infinity"):
        imputer.transform(X_inf)
    with pytest.raises(TypeError, match="[Ss]parse"):
        imputer.transform(sparse.csr_matrix(np.nan_to_num(X)))
    # A single row is fine once fitted.
    assert imputer.transform(X[:1]).shape == (1, 4)


@imputers
def test_unfitted_methods_raise(Imputer):
    X = _data()
    for method in ("transform", "multiple_imputations"):
        with pytest.raises(NotFittedError):
            getattr(Imputer(), method)(X)


@imputers
@pytest.mark.parametrize(
    "params, match",
    [
        ({"max_iter": 0}, "max_iter"),
        ({"batch_size": -1}, "batch_size"),
        ({"validation_fraction": 1.0}, "validation_fraction"),
        ({"transform_draws": 0}, "transform_draws"),
        ({"device": 0}, "device"),
    ],
)
def test_invalid_parameters(Imputer, params, match):
    with pytest.raises(ValueError, match=match):
        Imputer(**params).fit(_data())


# -- multiple imputation ------------------------------------------------------
def test_multiple_imputations(fitted):
    imputer, X = fitted
    mask = np.isnan(X)
    draws = imputer.multiple_imputations(X, n_imputations=3, random_state=0)
    assert len(draws) == 3
    for draw in draws:
        assert draw.shape == X.shape and np.isfinite(draw).all()
        np.testing.assert_array_equal(draw[~mask], X[~mask])
    # Fresh noise for every draw: the missing entries differ.
    assert not np.array_equal(draws[0][mask], draws[1][mask])
    assert not np.array_equal(draws[1][mask], draws[2][mask])
    again = imputer.multiple_imputations(X, n_imputations=3, random_state=0)
    for a, b in zip(draws, again, strict=True):
        np.testing.assert_array_equal(a, b)
    other = imputer.multiple_imputations(X, n_imputations=1, random_state=1)
    assert not np.array_equal(other[0], draws[0])
    for bad in (0, 1.5):
        with pytest.raises(ValueError, match="n_imputations"):
            imputer.multiple_imputations(X, n_imputations=bad)
