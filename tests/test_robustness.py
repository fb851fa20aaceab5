"""What every skgan estimator must survive: fits that fail or are interrupted
(all or nothing), edge-case inputs and parameters, and the caller's torch
context. Budgets are tiny: these tests check behaviour, not quality.
"""

import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils.validation import check_is_fitted

from skgan import (
    GAINImputer,
    GAMOClassifier,
    GAMOResampler,
    HexaGANClassifier,
    HexaGANImputer,
    MisGANImputer,
)
from skgan._base import TorchRuntime, resolve_device

IMPUTERS = [GAINImputer, MisGANImputer, HexaGANImputer]
ESTIMATORS = IMPUTERS + [HexaGANClassifier, GAMOResampler, GAMOClassifier]
SMALL = {
    GAINImputer: {"max_iter": 3},
    MisGANImputer: {"max_iter": 3, "n_critic": 1},
    HexaGANImputer: {"max_iter": 3},
    HexaGANClassifier: {"max_iter": 3},
    GAMOResampler: {"max_iter": 3, "hidden_size": 16, "latent_dim": 4},
    GAMOClassifier: {"max_iter": 3, "hidden_size": 16, "latent_dim": 4},
}

by_name = {"ids": lambda c: c.__name__}
estimators = pytest.mark.parametrize("Estimator", ESTIMATORS, **by_name)
imputers = pytest.mark.parametrize("Imputer", IMPUTERS, **by_name)


def _make(Estimator, **params):
    return Estimator(**{**SMALL[Estimator], "random_state": 0, **params})


def _data(Estimator, n_samples=40, n_features=4, labels=(0, 1), seed=0):
    """``X, y`` for ``Estimator``: NaN for the ones that handle them, an
    imbalanced target for GAMO."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = np.asarray(labels)[(rng.uniform(size=n_samples) < 0.3).astype(int)]
    X[:, 0] += 2.0 * (y == labels[1])
    if not issubclass(Estimator, (GAMOResampler, GAMOClassifier)):
        X[rng.uniform(size=X.shape) < 0.2] = np.nan
    return X, y


def _fit(estimator, X, y):
    if isinstance(estimator, GAMOResampler):
        return estimator.fit_resample(X, y)
    return estimator.fit(X, y)


def _answer(estimator, X):
    """What a fitted estimator answers on ``X`` (its fitted state for GAMO's
    resampler, which answers nothing after the fit)."""
    if isinstance(estimator, GAMOResampler):
        return estimator.networks_["generator"].state_dict()["anchor_rows"].numpy()
    if hasattr(estimator, "predict_proba"):
        return estimator.predict_proba(X)
    return estimator.transform(X)


def _interrupt_training_after(monkeypatch, Estimator, n_steps):
    """Make ``Estimator``'s training raise KeyboardInterrupt at update
    ``n_steps + 1``, in the middle of its training loop."""
    original = Estimator._train_step
    steps = []

    def train_step(self, *args, **kwargs):
        steps.append(None)
        if len(steps) > n_steps:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Estimator, "_train_step", train_step)
    return steps


# -- a fit is all or nothing -------------------------------------------------
@estimators
def test_interrupted_refit_leaves_the_previous_model_whole(Estimator, monkeypatch):
    X, y = _data(Estimator)
    estimator = _fit_estimator(Estimator, X, y)
    before, answer = dict(vars(estimator)), _answer(estimator, X)

    # Another feature count and other labels: every fitted attribute changes.
    X_new, y_new = _data(Estimator, n_features=6, labels=(3, 7), seed=1)
    steps = _interrupt_training_after(monkeypatch, Estimator, n_steps=1)
    with pytest.raises(KeyboardInterrupt):
        _fit(estimator.set_params(learning_rate=1e-2), X_new, y_new)
    assert len(steps) == 2, "the interrupt did not come during training"

    assert vars(estimator).keys() == before.keys()
    for name, value in before.items():
        if name != "learning_rate":
            assert vars(estimator)[name] is value, name
    np.testing.assert_array_equal(_answer(estimator, X), answer)


@estimators
def test_interrupted_first_fit_leaves_an_unfitted_estimator(Estimator, monkeypatch):
    X, y = _data(Estimator)
    estimator = _make(Estimator)
    params = dict(vars(estimator))
    _interrupt_training_after(monkeypatch, Estimator, n_steps=2)
    with pytest.raises(KeyboardInterrupt):
        _fit(estimator, X, y)
    assert vars(estimator) == params
    with pytest.raises(NotFittedError):
        check_is_fitted(estimator)
    if not isinstance(estimator, GAMOResampler):
        with pytest.raises(NotFittedError):
            _answer(estimator, X)


def test_diverging_refit_keeps_the_previous_imputer():
    # The report: a refit that diverges left new scaling with the old
    # networks, and transform answered with values off by up to 725.
    X, _ = _data(GAINImputer)
    imputer = GAINImputer(max_iter=1, random_state=0).fit(X)
    expected = imputer.transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(RuntimeError, match="Training diverged"):
            imputer.set_params(learning_rate=1e30, max_iter=5).fit(X * 1000)
    np.testing.assert_array_equal(imputer.transform(X), expected)


def test_a_sampler_fit_that_fails_keeps_the_previous_state():
    X, y = _data(GAMOResampler)
    sampler = _make(GAMOResampler).fit(X, y)
    before = dict(vars(sampler))
    X_new, y_new = _data(GAMOResampler, n_features=6)
    with pytest.raises(ValueError, match="number of samples in a class"):
        sampler.set_params(sampling_strategy={0: 1}).fit(X_new, y_new)
    assert sampler.n_features_in_ == 4
    assert vars(sampler).keys() == before.keys()
    for name, value in before.items():
        if name != "sampling_strategy":
            assert vars(sampler)[name] is value, name


def test_refit_with_new_classes_that_fails_keeps_the_old_classes(monkeypatch):
    X, y = _data(HexaGANClassifier)
    clf = _make(HexaGANClassifier).fit(X, y)
    _interrupt_training_after(monkeypatch, HexaGANClassifier, n_steps=1)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, np.where(y == 1, "b", "a"))
    assert clf.classes_.tolist() == [0, 1]
    assert set(clf.predict(X)) <= {0, 1}


# -- the caller's torch context ------------------------------------------------
@estimators
@pytest.mark.parametrize("context", [torch.no_grad, torch.inference_mode])
def test_fit_inside_a_no_grad_or_inference_mode_block(Estimator, context):
    X, y = _data(Estimator)
    expected = _answer(_fit_estimator(Estimator, X, y), X)
    with context():
        estimator = _fit_estimator(Estimator, X, y)
        np.testing.assert_array_equal(_answer(estimator, X), expected)
    assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()


def _fit_estimator(Estimator, X, y):
    estimator = _make(Estimator)
    _fit(estimator, X, y)
    return estimator


# -- batch_size=1 --------------------------------------------------------------
@estimators
def test_batch_size_one_makes_an_update_per_row(Estimator, monkeypatch):
    X, y = _data(Estimator, n_samples=12)
    steps = _interrupt_training_after(monkeypatch, Estimator, n_steps=10**6)
    estimator = _make(Estimator, batch_size=1, max_iter=2)
    if "early_stopping" in estimator.get_params():
        estimator.set_params(early_stopping=False)
    _fit(estimator, X, y)
    assert len(steps) == 2 * len(X)
    assert all(np.isfinite(v).all() for v in estimator.history_.values())


# -- scaling -------------------------------------------------------------------
@pytest.mark.parametrize("Imputer", IMPUTERS + [HexaGANClassifier], **by_name)
@pytest.mark.parametrize(
    "dtype, magnitude", [(np.float16, 6e4), (np.float64, 1e308)], ids=["f16", "f64"]
)
def test_data_whose_range_overflows_its_dtype(Imputer, dtype, magnitude):
    X, y = _data(Imputer)
    X = (np.tanh(X) * magnitude).astype(dtype)
    with np.errstate(over="ignore"):
        assert np.isinf(np.nanmax(X, axis=0) - np.nanmin(X, axis=0)).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        estimator = _make(Imputer).fit(X, y)
        filled = (
            estimator.impute(X) if isinstance(estimator, HexaGANClassifier)
            else estimator.transform(X)
        )
    missing = np.isnan(X)
    assert np.isfinite(filled).all()
    np.testing.assert_array_equal(filled[~missing], X[~missing])
    low, high = np.nanmin(X, axis=0), np.nanmax(X, axis=0)  # low < 0 < high
    assert ((filled >= low * (1 + 1e-12)) & (filled <= high * (1 + 1e-12))).all()


# -- missing everywhere ----------------------------------------------------------
@imputers
def test_x_without_an_observed_entry_is_a_value_error(Imputer):
    X = np.full((10, 3), np.nan)
    with pytest.raises(ValueError, match="Every entry of X is missing"):
        _make(Imputer).fit(X)


@pytest.mark.parametrize("Imputer", IMPUTERS + [HexaGANClassifier], **by_name)
def test_a_feature_missing_everywhere_is_skipped_with_a_warning(Imputer):
    X, y = _data(Imputer)
    X[:, 1] = np.nan
    with pytest.warns(UserWarning, match=r"without any observed values: \[1\]"):
        _make(Imputer).fit(X, y)


@imputers
def test_kept_empty_features_are_not_warned_about(Imputer):
    X, _ = _data(Imputer)
    X[:, 1] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        out = _make(Imputer, keep_empty_features=True).fit_transform(X)
    assert (out[:, 1] == 0).all()


# -- parameters -------------------------------------------------------------------
@estimators
def test_a_device_skgan_cannot_train_on_is_a_value_error(Estimator):
    X, y = _data(Estimator)
    with pytest.raises(ValueError, match="device='meta' is not supported"):
        _fit(_make(Estimator, device="meta"), X, y)
    with pytest.raises(ValueError, match="not supported"):
        resolve_device("meta")


def test_tau_nan_is_rejected_by_parameter_validation():
    with pytest.raises(ValueError, match="tau"):
        MisGANImputer(tau=np.nan).fit(_data(MisGANImputer)[0])


def test_a_runaway_loss_is_treated_as_divergence():
    # A step size of 1e6 drives HexaGAN's losses to about 1e30 while they
    # stay finite; that must not pass as a trained model.
    X, _ = _data(HexaGANImputer)
    with pytest.warns(ConvergenceWarning, match="runaway"):
        with pytest.raises(RuntimeError, match="runaway"):
            HexaGANImputer(learning_rate=1e6, max_iter=10, random_state=0).fit(X)


# -- random streams ----------------------------------------------------------------
def test_training_noise_does_not_replay_the_weight_initialisation():
    rt = TorchRuntime(torch.device("cpu"), 3)
    weights = torch.Generator()
    weights.set_state(rt.cpu_generator.get_state())
    first_weights = torch.rand(64, generator=weights)
    noise = rt.rand(64)
    assert not torch.isin(noise, first_weights).any()
    choices = rt.numpy_generator.uniform(size=64)
    assert not np.isin(choices, first_weights.numpy()).any()
    assert not np.isin(choices, noise.numpy()).any()


class _ModeRecordingMisGAN(MisGANImputer):
    """MisGAN that records the train mode of every network it validates."""

    def _heldout_score(self, *args):
        score = super()._heldout_score(*args)

        def recording(networks):
            self.modes.extend(net.training for net in networks.values())
            return score(networks)

        return recording


def test_averaged_networks_are_validated_in_eval_mode():
    imputer = _ModeRecordingMisGAN(max_iter=2, n_critic=1, early_stopping=True)
    imputer.modes = []
    imputer.fit(_data(MisGANImputer)[0])
    assert imputer.modes and not any(imputer.modes)
