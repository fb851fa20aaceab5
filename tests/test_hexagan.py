"""Tests of HexaGANImputer and HexaGANClassifier."""

import copy
import pickle

import numpy as np
import pytest
import torch
from sklearn.datasets import load_iris, make_classification
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgan import HexaGANClassifier, HexaGANImputer
from skgan.impute import _hexagan as hexagan_module
from skgan.impute._hexagan import EXACT_PENALTY_MAX_OUTPUTS
from skgan._nn import (
    elementwise_critic_loss,
    elementwise_zero_centred_penalty,
    projected_zero_centred_penalty,
    make_mlp,
    mlp_input_gradient,
    zero_centred_penalty,
)
from skgan._schema import EncodedLayout

FAST_IMPUTER = dict(
    max_iter=2, n_critic=1, early_stopping=False, transform_draws=2, device="cpu"
)
# Small networks and budgets keep the tests fast. (At the default width, 20
# epochs of the full model miss check_classifiers_train's 0.83 training
# accuracy on its blobs; 100 epochs reach it.)
FAST_CLASSIFIER = dict(
    hidden_size=16, max_iter=20, n_critic=1, n_cg=1, inference_draws=2, device="cpu"
)


def _expected_failed_checks(estimator):
    if isinstance(estimator, HexaGANClassifier):
        return {
            "check_classifiers_classes": (
                "-1 marks unlabeled rows (scikit-learn's semi-supervised "
                "convention), so a class named -1 cannot be learned; "
                "scikit-learn exempts its own semi-supervised estimators."
            )
        }
    return {}


# HexaGANImputer's scikit-learn checks, invariants and bad-input tests are
# those of every skgan imputer, in test_imputers_common.py.
@parametrize_with_checks(
    [HexaGANClassifier(random_state=0, **FAST_CLASSIFIER)],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def dirty_data():
    X, y = make_classification(
        n_samples=150,
        n_features=6,
        n_informative=4,
        n_classes=3,
        n_clusters_per_class=1,
        weights=[0.6, 0.3, 0.1],
        random_state=0,
    )
    rng = np.random.RandomState(0)
    X_missing = np.where(rng.rand(*X.shape) < 0.2, np.nan, X)
    y_partial = np.where(rng.rand(len(y)) < 0.3, -1, y)
    return X, X_missing, y, y_partial


@pytest.fixture(scope="module")
def fitted(dirty_data):
    _, X_missing, _, y_partial = dirty_data
    return HexaGANClassifier(random_state=0, **FAST_CLASSIFIER).fit(
        X_missing, y_partial
    )


# -- the element-wise penalty ---------------------------------------------------
def test_vectorised_penalty_matches_one_backward_per_output():
    g = torch.Generator().manual_seed(0)
    critic = make_mlp([7, 5, 4], generator=g)
    x = torch.rand(9, 7, generator=g).requires_grad_(True)
    real = (torch.rand(9, 4, generator=g) > 0.3).float()
    scores = critic(x)
    penalty = elementwise_zero_centred_penalty(scores, x, real)
    expected = 0.0
    for i in range(4):
        for b in range(9):
            (grad,) = torch.autograd.grad(scores[b, i], x, retain_graph=True)
            expected += real[b, i] * grad[b].pow(2).sum() / real[:, i].sum() / 4
    torch.testing.assert_close(penalty, expected)


def test_closed_form_input_gradient_matches_autograd():
    """D_CG's penalty: the closed-form input gradient gives the value and the
    weight gradients of the double-backward penalty."""
    g = torch.Generator().manual_seed(0)
    critic = make_mlp([7, 6, 5, 1], generator=g)
    x = torch.rand(9, 7, generator=g)
    scores, gradient = mlp_input_gradient(critic, x)
    torch.testing.assert_close(scores, critic(x))
    expected = zero_centred_penalty(critic, x)
    penalty = gradient.pow(2).sum(dim=1).mean()
    torch.testing.assert_close(penalty, expected)
    # Biases only move the ReLU gates, which are piecewise constant.
    params = [p for p in critic.parameters() if p.dim() == 2]
    for got, want in zip(
        torch.autograd.grad(penalty, params), torch.autograd.grad(expected, params)
    ):
        torch.testing.assert_close(got, want)


# -- classifier behaviour -----------------------------------------------------------
def test_classifier_outputs(dirty_data, fitted):
    X, X_missing, y, y_partial = dirty_data
    np.testing.assert_array_equal(fitted.classes_, [0, 1, 2])
    proba = fitted.predict_proba(X_missing)
    assert proba.shape == (len(X), 3) and np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(fitted.predict(X_missing)) <= set(fitted.classes_)
    assert 0.0 <= fitted.score(X_missing, y) <= 1.0
    assert set(fitted.networks_) == {
        "encoder",
        "generator_mi",
        "discriminator_mi",
        "generator_cg",
        "discriminator_cg",
        "classifier",
    }
    assert fitted.n_iter_ == 20 and len(fitted.history_["classifier"]) == 20


def test_classifier_predicts_rows_with_nan(fitted):
    rows = np.full((3, 6), np.nan)
    rows[1, :3] = 0.5
    assert fitted.predict(rows).shape == (3,)
    assert np.isfinite(fitted.predict_proba(rows)).all()


def test_impute_keeps_observed(dirty_data, fitted):
    _, X_missing, _, _ = dirty_data
    out = fitted.impute(X_missing)
    observed = ~np.isnan(X_missing)
    assert np.array_equal(out[observed], X_missing[observed])
    assert np.isfinite(out).all()


def test_sample_is_class_conditional(fitted):
    X, y = fitted.sample(7, y=2, random_state=0)
    assert X.shape == (7, 6) and np.all(y == 2) and np.isfinite(X).all()
    X2, y2 = fitted.sample(y=[0, 1, 1], random_state=0)
    assert X2.shape == (3, 6) and list(y2) == [0, 1, 1]
    np.testing.assert_array_equal(X, fitted.sample(7, y=2, random_state=0)[0])
    with pytest.raises(ValueError, match="not classes"):
        fitted.sample(2, y=5)


def test_classifier_determinism_and_pickle(dirty_data, fitted):
    _, X_missing, _, y_partial = dirty_data
    again = HexaGANClassifier(random_state=0, **FAST_CLASSIFIER).fit(
        X_missing, y_partial
    )
    np.testing.assert_array_equal(
        fitted.predict_proba(X_missing), again.predict_proba(X_missing)
    )
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(
        fitted.predict_proba(X_missing), restored.predict_proba(X_missing)
    )


def test_global_torch_state_untouched(dirty_data):
    _, X_missing, _, y_partial = dirty_data
    torch.manual_seed(123)
    rng_state = torch.get_rng_state()
    threads = torch.get_num_threads()
    grad_mode = torch.is_grad_enabled()
    HexaGANClassifier(random_state=0, **{**FAST_CLASSIFIER, "max_iter": 2}).fit(
        X_missing, y_partial
    )
    HexaGANImputer(random_state=0, **FAST_IMPUTER).fit(X_missing)
    assert torch.equal(torch.get_rng_state(), rng_state)
    assert torch.get_num_threads() == threads
    assert torch.is_grad_enabled() == grad_mode


@pytest.mark.parametrize(
    "params",
    [
        dict(conditional_generation=False),
        dict(semi_supervised=False),
        dict(conditional_generation=False, semi_supervised=False),
        dict(pseudo_label="soft"),
        dict(pseudo_label="hard"),
    ],
)
def test_ablation_switches(dirty_data, params):
    _, X_missing, _, y_partial = dirty_data
    params = {**FAST_CLASSIFIER, "max_iter": 2, **params}
    clf = HexaGANClassifier(random_state=0, **params).fit(X_missing, y_partial)
    assert np.isfinite(clf.predict_proba(X_missing)).all()
    assert ("generator_cg" in clf.networks_) == params.get(
        "conditional_generation", True
    )
    if not params.get("conditional_generation", True):
        with pytest.raises(ValueError, match="conditional_generation"):
            clf.sample(3)


def test_string_labels_with_unlabeled_rows():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"], dtype=object)[y]
    rng = np.random.RandomState(0)
    names[rng.rand(len(y)) < 0.3] = -1
    X = np.where(rng.rand(*X.shape) < 0.1, np.nan, X)
    clf = HexaGANClassifier(random_state=0, **{**FAST_CLASSIFIER, "max_iter": 3}).fit(
        X, names
    )
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    assert set(clf.predict(X)) <= set(clf.classes_)
    # The string "-1" is read as unlabeled as well.
    str_names = np.where(names == -1, "-1", names).astype(str)
    clf = HexaGANClassifier(random_state=0, **{**FAST_CLASSIFIER, "max_iter": 2}).fit(
        X, str_names
    )
    assert "-1" not in clf.classes_


def test_every_class_kept_with_few_labels():
    X, y = load_iris(return_X_y=True)
    y = y.copy()
    rare = np.flatnonzero(y == 2)
    y[rare[2:]] = -1  # only two labeled rows of class 2
    clf = HexaGANClassifier(random_state=0, **{**FAST_CLASSIFIER, "max_iter": 3}).fit(
        X, y
    )
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict_proba(X).shape == (150, 3)


@pytest.mark.parametrize(
    "make_y, match",
    [
        (lambda y: np.full_like(y, -1), "labeled rows"),
        (lambda y: np.where(y == 0, 0, -1), "two classes"),
        (lambda y: np.where(np.arange(len(y)) == 3, np.nan, y.astype(float)), "NaN"),
    ],
)
def test_bad_targets(make_y, match):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=match):
        HexaGANClassifier(**FAST_CLASSIFIER).fit(X, make_y(y))


def test_bad_features(dirty_data):
    X, X_missing, y, _ = dirty_data
    X_inf = X.copy()
    X_inf[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        HexaGANClassifier(**FAST_CLASSIFIER).fit(X_inf, y)
    fitted = HexaGANClassifier(
        random_state=0, **{**FAST_CLASSIFIER, "max_iter": 1}
    ).fit(X_missing, y)
    with pytest.raises(ValueError, match="features"):
        fitted.predict(X_missing[:, :4])


# -- integration ----------------------------------------------------------------------
def test_grid_search_and_cross_validate(dirty_data):
    _, X_missing, y, y_partial = dirty_data
    pipe = make_pipeline(
        StandardScaler(),
        HexaGANClassifier(random_state=0, **{**FAST_CLASSIFIER, "max_iter": 3}),
    )
    search = GridSearchCV(
        pipe, {"hexaganclassifier__pseudo_label": ["gumbel", "soft"]}, cv=2, n_jobs=2
    ).fit(X_missing, y)
    assert search.best_params_["hexaganclassifier__pseudo_label"] in ("gumbel", "soft")
    scores = cross_validate(pipe, X_missing, y, cv=2)
    assert np.isfinite(scores["test_score"]).all()


def test_projected_penalty_is_an_unbiased_estimate_of_the_exact_one():
    data = torch.Generator().manual_seed(0)
    critic = make_mlp([6, 16, 16, 6], generator=data)
    x = torch.rand(20, 6, generator=data).requires_grad_()
    real = (torch.rand(20, 6, generator=data) < 0.7).float()
    scores = critic(x)
    exact = elementwise_zero_centred_penalty(scores, x, real)
    generator = torch.Generator().manual_seed(1)
    estimates = torch.stack(
        [
            projected_zero_centred_penalty(
                scores, x, real, torch.rand(20, 6, generator=generator)
            )
            for _ in range(4000)
        ]
    )
    assert torch.isclose(estimates.mean(), exact, rtol=0.03)
    assert estimates.std() > 0  # an estimate, not the exact value
    # Its gradient in the critic's weights is unbiased too.
    weight = critic[0].weight
    (exact_grad,) = torch.autograd.grad(exact, weight, retain_graph=True)
    (mean_grad,) = torch.autograd.grad(estimates.mean(), weight)
    assert torch.nn.functional.cosine_similarity(
        exact_grad.flatten(), mean_grad.flatten(), dim=0
    ) > 0.99


def _refuse(*args, **kwargs):
    raise AssertionError("this penalty should not be used here")


@pytest.mark.parametrize("wide", [False, True])
def test_exact_penalty_on_narrow_data_projected_on_wide(monkeypatch, wide):
    n_features = EXACT_PENALTY_MAX_OUTPUTS + 6 if wide else 5
    unused = "elementwise" if wide else "projected"
    monkeypatch.setattr(hexagan_module, f"{unused}_zero_centred_penalty", _refuse)
    X = np.random.RandomState(0).rand(40, n_features)
    X[X < 0.2] = np.nan
    imputer = HexaGANImputer(max_iter=2, random_state=0).fit(X)
    assert np.isfinite(imputer.transform(X)).all()


def test_fan_in_param_groups_scale_wide_layers_only():
    net = make_mlp([400, 32, 2], generator=torch.Generator().manual_seed(0))
    groups = hexagan_module.fan_in_param_groups(net, 0.01, max_fan_in=64)
    assert [g["lr"] for g in groups] == pytest.approx([0.01 * 64 / 400, 0.01])
    assert [len(g["params"]) for g in groups] == [2, 2]  # weight and bias
    (single,) = hexagan_module.fan_in_param_groups(net, 0.01)
    assert single["lr"] == 0.01 and len(single["params"]) == 4
    # Every parameter is optimised, also those outside linear layers.
    normed = make_mlp(
        [400, 32, 2], generator=torch.Generator().manual_seed(0), batch_norm=True
    )
    groups = hexagan_module.fan_in_param_groups(normed, 0.01, max_fan_in=64)
    assert sum(len(g["params"]) for g in groups) == len(list(normed.parameters()))
    assert groups[-1]["lr"] == 0.01


def _wide_classification(n_samples=300, n_features=400, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(size=(n_samples, n_features))
    y = (X[:, :10].sum(axis=1) > 5).astype(int)
    X[rng.uniform(size=X.shape) < 0.1] = np.nan
    return X, y


@pytest.mark.parametrize("max_fan_in", [64, None])
def test_classifier_survives_its_first_steps_on_wide_data(max_fan_in):
    # With a full RMSProp step for every one of 400 weights per unit (all
    # inputs in [0, 1], so the moves add up), C's first epoch blew up (mean
    # loss about 90) and on 500 features every hidden unit died: constant
    # predictions. Scaled steps keep the first epoch's loss small.
    X, y = _wide_classification()
    clf = HexaGANClassifier(max_iter=1, random_state=0, device="cpu")
    clf._classifier_max_fan_in = max_fan_in
    first_epoch_loss = clf.fit(X, y).history_["classifier"][0]
    if max_fan_in is None:
        assert first_epoch_loss > 50
    else:
        assert first_epoch_loss < 15


class _SeededRand:
    """Stand-in for the runtime's ``rand`` (for the projected penalty) and
    ``layout`` (of a numeric table of ``n_features`` columns)."""

    def __init__(self, seed=0, n_features=1):
        self.generator = torch.Generator().manual_seed(seed)
        self.layout = EncodedLayout.numeric(n_features)

    def rand(self, *shape):
        return torch.rand(*shape, generator=self.generator)


def _critic_mi_setup(n_features, n_classes=3, n_rows=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    critic = make_mlp([n_features + n_classes, 8, n_features + 1], generator=g)
    x_hat = torch.rand(n_rows, n_features, generator=g)
    labels = torch.nn.functional.one_hot(
        torch.randint(n_classes, (n_rows,), generator=g), n_classes
    ).float()
    real = (torch.rand(n_rows, n_features + 1, generator=g) < 0.7).float()
    return {"discriminator_mi": critic}, x_hat, labels, real


@pytest.mark.parametrize("label_penalty", [False, True])
def test_critic_mi_penalty_is_eq6(label_penalty):
    # L_GP_MI (eq. 6) penalises the gradient in x^ of the d feature outputs
    # on their real rows: not the label output, not the label inputs'
    # gradient. label_penalty=True (n_features=None) extends it to every
    # output's gradient in the whole input [x^, y].
    d = 5
    networks, x_hat, labels, real = _critic_mi_setup(d)
    clf = HexaGANClassifier(gradient_penalty=1.0)
    inputs = torch.cat([x_hat, labels], dim=1)
    n_features = None if label_penalty else d
    loss = clf._critic_mi_loss(_SeededRand(n_features=d), networks, inputs, real, n_features)
    critic = networks["discriminator_mi"]
    wasserstein = elementwise_critic_loss(critic(inputs), real)
    outputs = d + 1 if label_penalty else d
    columns = inputs.shape[1] if label_penalty else d
    squared = torch.stack(
        [
            torch.autograd.functional.jacobian(critic, row)[:outputs, :columns]
            .pow(2)
            .sum(dim=1)
            for row in inputs
        ]
    )  # (n_rows, outputs): squared norms of the penalised gradients
    mask = real[:, :outputs]
    per_output = (squared * mask).sum(dim=0) / mask.sum(dim=0)
    assert torch.isclose(loss - wasserstein, per_output.mean(), rtol=1e-4)


@pytest.mark.parametrize("n_features", [5, EXACT_PENALTY_MAX_OUTPUTS + 6])
def test_critic_mi_penalty_ignores_label_inputs(n_features):
    # With all-zero label inputs the weights on them do not change D_MI's
    # scores, only its gradient in the labels: the loss must not move (the
    # exact penalty on narrow data, its projected estimate on wide data).
    networks, x_hat, _, real = _critic_mi_setup(n_features)
    clf = HexaGANClassifier(gradient_penalty=10.0)
    inputs = torch.cat([x_hat, torch.zeros(len(x_hat), 3)], dim=1)

    def loss():
        return clf._critic_mi_loss(
            _SeededRand(n_features=n_features), networks, inputs, real, n_features=n_features
        )

    before = loss()
    with torch.no_grad():
        networks["discriminator_mi"][0].weight[:, n_features:] = 50.0
    assert torch.isclose(loss(), before, rtol=1e-5)


def test_generator_cg_alpha_2_term_ignores_label_output(fitted):
    # alpha_2 L_G_MI(x^_c) (eqs. 3, 12) is minus the mean of D_MI's d feature
    # outputs; the label output d + 1 is C's adversary and stays out of it.
    networks = copy.deepcopy(fitted.networks_)
    rt = _SeededRand(n_features=networks["discriminator_mi"][-1].out_features - 1)
    g = torch.Generator().manual_seed(0)
    h_c = torch.rand(10, fitted.hidden_size_, generator=g)
    y_c = torch.arange(10) % len(fitted.classes_)
    with torch.no_grad():
        before = fitted._generator_cg_loss(rt, networks, h_c, y_c)
        bias = networks["discriminator_mi"][-1].bias
        bias[-1] += 100.0  # the label output
        assert torch.isclose(
            fitted._generator_cg_loss(rt, networks, h_c, y_c), before, atol=1e-5
        )
        bias[:-1] += 1.0  # every feature output
        after = fitted._generator_cg_loss(rt, networks, h_c, y_c)
    assert torch.isclose(
        before - after, torch.tensor(fitted.cg_adversarial_weight), atol=1e-5
    )


@pytest.mark.parametrize("label_penalty", [True, False])
def test_label_penalty_selects_the_penalised_columns(
    dirty_data, monkeypatch, label_penalty
):
    # label_penalty=False is eq. 6: the penalty covers the d features only.
    _, X_missing, _, y_partial = dirty_data
    seen = set()
    loss = HexaGANClassifier._critic_mi_loss

    def recording(self, rt, networks, inputs, real_mask, n_features=None):
        seen.add(n_features)
        return loss(self, rt, networks, inputs, real_mask, n_features)

    monkeypatch.setattr(HexaGANClassifier, "_critic_mi_loss", recording)
    params = {**FAST_CLASSIFIER, "max_iter": 1}
    HexaGANClassifier(label_penalty=label_penalty, random_state=0, **params).fit(
        X_missing, y_partial
    )
    assert seen == ({None} if label_penalty else {X_missing.shape[1]})
