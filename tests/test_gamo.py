"""Tests of GAMOResampler and GAMOClassifier."""

import pickle
import resource
import warnings
from collections import Counter

import numpy as np
import pytest
import torch
from imblearn.pipeline import make_pipeline
from imblearn.utils.estimator_checks import (
    parametrize_with_checks as imblearn_parametrize_with_checks,
)
from scipy import sparse
from scipy.optimize import nnls
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgan import GAMOClassifier, GAMOResampler
from skgan.over_sampling._gamo import (
    ConvexGenerator,
    ProbabilityAverage,
    _neighbourhoods,
    _snapshot_epochs,
)

# Tiny networks and epoch counts: the checks fit each estimator dozens of times.
FAST = dict(hidden_size=16, latent_dim=8, max_iter=2, device="cpu")
FAST_CLASSIFIER = dict(
    hidden_size=32, latent_dim=8, max_iter=15, learning_rate=3e-3, device="cpu"
)


def resampler(**params):
    return GAMOResampler(**{**FAST, "random_state": 0, **params})


def imbalanced(n_samples=150, n_features=5, weights=(0.6, 0.3, 0.1), seed=0):
    return make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=3,
        n_redundant=1,
        n_classes=len(weights),
        weights=list(weights),
        n_clusters_per_class=1,
        random_state=seed,
    )


def _expected_failed_checks(estimator):
    if isinstance(estimator, GAMOResampler):
        return {
            "check_samplers_pandas_sparse": "sparse input is not supported (the "
            "convex generator works on dense rows); it raises a TypeError",
        }
    return {}


# -- estimator checks --------------------------------------------------------
@parametrize_with_checks(
    [
        GAMOResampler(**FAST, random_state=42),
        GAMOClassifier(**FAST_CLASSIFIER, random_state=0),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@imblearn_parametrize_with_checks(
    [
        GAMOResampler(**FAST, random_state=42),
        GAMOClassifier(**FAST_CLASSIFIER, random_state=0),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_imblearn_compatible_estimator(estimator, check):
    check(estimator)


# -- the resampling contract -------------------------------------------------
def test_originals_first_and_unchanged():
    X, y = imbalanced()
    X_before, y_before = X.copy(), y.copy()
    X_res, y_res = resampler().fit_resample(X, y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(X_res[: len(X)], X_before)
    np.testing.assert_array_equal(y_res[: len(y)], y_before)
    assert np.isfinite(X_res).all()
    # Generated rows come in class blocks, in sampling_strategy_ order.
    labels = [
        k for k, n in resampler().fit(X, y).sampling_strategy_.items() for _ in range(n)
    ]
    np.testing.assert_array_equal(y_res[len(y) :], labels)


def _binary():
    return imbalanced(weights=(0.8, 0.2))


@pytest.mark.parametrize(
    "sampling_strategy, data, expected",
    [
        (0.5, _binary, lambda c: {0: c[0], 1: c[0] // 2}),
        ("minority", imbalanced, lambda c: {0: c[0], 1: c[1], 2: c[0]}),
        ("not minority", imbalanced, lambda c: {0: c[0], 1: c[0], 2: c[2]}),
        ("not majority", imbalanced, lambda c: {0: c[0], 1: c[0], 2: c[0]}),
        ("all", imbalanced, lambda c: {0: c[0], 1: c[0], 2: c[0]}),
        ("auto", imbalanced, lambda c: {0: c[0], 1: c[0], 2: c[0]}),
        ({1: 70, 2: 40}, imbalanced, lambda c: {0: c[0], 1: 70, 2: 40}),
        (
            lambda y: {2: int(np.sum(y == 1))},
            imbalanced,
            lambda c: {0: c[0], 1: c[1], 2: c[1]},
        ),
    ],
    ids=[
        "float",
        "minority",
        "not-minority",
        "not-majority",
        "all",
        "auto",
        "dict",
        "callable",
    ],
)
def test_class_counts_follow_sampling_strategy(sampling_strategy, data, expected):
    X, y = data()
    counts = Counter(y)
    assert counts[0] == max(counts.values())
    _, y_res = resampler(sampling_strategy=sampling_strategy).fit_resample(X, y)
    assert dict(Counter(y_res)) == expected(counts)


@pytest.mark.parametrize("k_neighbors", [None, 3])
def test_generated_rows_are_convex_combinations_of_their_class(monkeypatch, k_neighbors):
    X, y = imbalanced()
    sampler = resampler(max_iter=3, k_neighbors=k_neighbors)
    weights = []
    original = GAMOResampler._convex_weights

    def spy(self, rt, k, noise):
        w = original(self, rt, k, noise)
        weights.append((k, w))
        return w

    monkeypatch.setattr(GAMOResampler, "_convex_weights", spy)
    X_res, y_res = sampler.fit_resample(X, y)
    start = len(X)
    for k, w in weights:
        c = int(sampler.generated_classes_[k])
        anchors = X[sampler.anchor_indices_[c]]
        assert (y[sampler.anchor_indices_[c]] == c).all()
        assert (w >= 0).all()
        np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        if k_neighbors is not None:
            # Each row combines one seed anchor and its k nearest anchors.
            assert ((w > 0).sum(axis=1) <= k_neighbors + 1).all()
            scaled = sampler.scaler_.transform(anchors)
            for row in w[:20]:
                used = np.flatnonzero(row > 0)
                assert _is_a_neighbourhood(scaled, used, k_neighbors)
        block = X_res[start : start + len(w)]
        np.testing.assert_allclose(block, w @ anchors, rtol=0, atol=1e-12)
        assert (y_res[start : start + len(w)] == c).all()
        start += len(w)
    assert start == len(X_res)


@pytest.mark.parametrize("local", [False, True])
def test_generator_batch_is_each_class_igu_over_its_anchors(local):
    # All classes go through one stacked layer: each row must still be the
    # softmax of its own class's IGU, over its seed's neighbourhood (a
    # 2-row class has a shorter one, padded), times that class's anchors;
    # and the gradient reaches only the blocks of the classes in the batch.
    g = torch.Generator().manual_seed(0)
    anchors = [torch.randn(n, 3, generator=g) for n in (7, 2, 5)]
    neighbours = [_neighbourhoods(a, 3) for a in anchors] if local else None
    G = ConvexGenerator(anchors, latent_dim=4, hidden_size=16, generator=g, neighbours=neighbours)
    G.eval()
    labels = torch.tensor([0, 0, 0, 1, 1])
    counts = [3, 2, 0]
    z = torch.randn(5, 4, generator=g)
    seeds = torch.tensor([6, 0, 3, 1, 0]) if local else None
    rows = G(z, labels, counts, seeds)
    t = G.transient_code(z, labels)
    o = G.offsets.tolist()
    for i, k in enumerate(labels.tolist()):
        logits = t[i] @ G.igu_weight[o[k] : o[k + 1]].T + G.igu_bias[o[k] : o[k + 1]]
        used = neighbours[k][seeds[i]] if local else torch.arange(len(anchors[k]))
        expected = torch.softmax(logits[used], dim=0) @ anchors[k][used]
        torch.testing.assert_close(rows[i], expected)
    rows.sum().backward()
    assert G.igu_weight.grad[: o[2]].abs().sum() > 0
    assert (G.igu_weight.grad[o[2] :] == 0).all()


def _is_a_neighbourhood(points, used, k):
    """Whether ``used`` is some point together with points among its ``k``
    nearest (the softmax may leave a weight at exactly 0 in float64)."""
    for seed in used:
        distance = np.linalg.norm(points - points[seed], axis=1)
        radius = np.sort(distance)[min(k, len(points) - 1)]
        if (distance[used] <= radius + 1e-9).all():
            return True
    return False


def test_neighbourhoods_are_the_nearest_anchors():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(30, 4))
    index = _neighbourhoods(torch.as_tensor(points), 5).numpy()
    assert index.shape == (30, 6)
    distances = np.linalg.norm(points[:, None] - points[None], axis=2)
    for j, row in enumerate(index):
        assert row[0] == j
        np.testing.assert_array_equal(np.sort(row[1:]), np.sort(np.argsort(distances[j])[1:6]))
    # A class smaller than the neighbourhood combines all its rows; duplicates
    # keep the seed first and once.
    small = _neighbourhoods(torch.as_tensor(np.zeros((3, 2))), 5).numpy()
    assert [sorted(row) for row in small] == [[0, 1, 2]] * 3
    assert list(small[:, 0]) == [0, 1, 2]


def test_misclassification_target_does_not_saturate():
    """G's loss through M: the paper's complement target has no gradient
    when M is sure of the row's class; -log(1 - M_k) keeps one."""
    code = torch.tensor([[1.0, 0.0, 0.0]])
    classes = torch.tensor([0, 1, 2])
    gradients = {}
    for target in ("complement", "misclassify"):
        logits = torch.tensor([[12.0, 0.0, 0.0]], requires_grad=True)
        loss = resampler(generator_target=target)._generator_class_loss(
            logits, code, classes
        )
        (gradient,) = torch.autograd.grad(loss, logits)
        gradients[target] = gradient.abs().max().item()
        if target == "misclassify":
            p = torch.softmax(logits.detach(), dim=1)[0, 0]
            assert loss.item() == pytest.approx(-torch.log1p(-p).item(), rel=1e-4)
    assert gradients["complement"] < 1e-3
    assert gradients["misclassify"] > 0.5


def _convex_residual(point, rows):
    """Distance from ``point`` to the convex hull of ``rows`` (NNLS with a
    heavily weighted sum-to-one row)."""
    penalty = 1e3
    A = np.vstack([rows.T, penalty * np.ones(len(rows))])
    b = np.concatenate([point, [penalty]])
    w, _ = nnls(A, b)
    return np.linalg.norm(rows.T @ w - point), abs(w.sum() - 1)


def test_generated_rows_lie_in_class_hull_independently_of_internals():
    X, y = imbalanced(n_features=4)
    X_res, y_res = resampler().fit_resample(X, y)
    for i in range(len(X), len(X_res), 7):
        rows = X[y == y_res[i]]
        distance, mass = _convex_residual(X_res[i], rows)
        assert distance < 1e-6 and mass < 1e-6
        # ... hence also inside the class's bounding box.
        lo, hi = rows.min(axis=0), rows.max(axis=0)
        assert ((X_res[i] >= lo - 1e-12) & (X_res[i] <= hi + 1e-12)).all()


def test_max_anchors_caps_the_convex_generator():
    X, y = imbalanced(n_samples=300, weights=(0.7, 0.3))
    sampler = resampler(max_anchors=10)
    X_res, y_res = sampler.fit_resample(X, y)
    anchors = sampler.anchor_indices_[1]
    assert len(anchors) == 10 and (y[anchors] == 1).all()
    assert sampler.networks_["generator"].n_anchors(0) == 10
    for i in range(len(X), len(X_res), 11):
        distance, mass = _convex_residual(X_res[i], X[anchors])
        assert distance < 1e-6 and mass < 1e-6


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


@pytest.mark.skipif(not hasattr(resource, "getrusage"), reason="needs getrusage")
def test_large_minority_class_memory_is_bounded():
    rng = np.random.RandomState(0)
    X = rng.randn(50_000, 32).astype(np.float32)
    y = np.r_[np.zeros(30_000, int), np.ones(20_000, int)]
    before = _rss_bytes()
    sampler = GAMOResampler(max_iter=1, batch_size=1000, device="cpu", random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert peak - before < 3 * 2**30
    assert X_res.shape == (60_000, 32) and X_res.dtype == np.float32
    assert len(sampler.anchor_indices_[1]) == sampler.max_anchors


def test_dtype_is_kept():
    X, y = imbalanced()
    X_res, _ = resampler().fit_resample(X.astype(np.float32), y)
    assert X_res.dtype == np.float32
    X_int = np.round(X * 10).astype(np.int64)
    X_res, _ = resampler().fit_resample(X_int, y)
    assert X_res.dtype == np.float64
    np.testing.assert_array_equal(X_res[: len(X)], X_int)


@pytest.fixture
def float64_default_dtype():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


@pytest.mark.usefixtures("float64_default_dtype")
def test_float64_default_torch_dtype():
    X, y = imbalanced()
    X_res, y_res = resampler().fit_resample(X, y)
    assert np.isfinite(X_res).all() and len(X_res) > len(X)
    clf = GAMOClassifier(**FAST, random_state=0).fit(X, y)
    assert set(clf.predict(X)) <= set(clf.classes_)
    assert all(
        p.dtype == torch.float32
        for net in clf.networks_.values()
        for p in net.parameters()
    )
    assert torch.get_default_dtype() == torch.float64


def test_huge_finite_values_are_scaled():
    X, y = imbalanced(n_samples=200, weights=(0.7, 0.3))
    X_big = X * 1e200
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = GAMOClassifier(**FAST_CLASSIFIER, random_state=0).fit(X_big, y)
        y_pred = clf.predict(X_big)
        X_res, _ = resampler().fit_resample(X_big, y)
    small = GAMOClassifier(**FAST_CLASSIFIER, random_state=0).fit(X, y)
    scaled = clf.scaler_.transform(X_big)
    assert np.isfinite(scaled).all()
    np.testing.assert_allclose(scaled, small.scaler_.transform(X), atol=1e-12)
    assert len(np.unique(y_pred)) == 2
    # Not equal: X * 1e200 is not X times a power of two, so the scaled data
    # differ in their last bits and training takes another path on some CPUs.
    assert np.mean(y_pred == small.predict(X)) > 0.9
    assert np.isfinite(X_res).all()
    np.testing.assert_array_equal(X_res[: len(X)], X_big)


@pytest.mark.parametrize("method", ["minmax", "standard"])
def test_feature_scaler_at_the_float64_limits(method):
    from skgan.over_sampling._gamo import _FeatureScaler

    top = np.finfo(np.float64).max
    X = np.array([[top, 1e-300, 0.0], [top / 2, -1e-300, 0.0], [-top, 0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaled = _FeatureScaler(X, method).transform(X)
    assert np.isfinite(scaled).all()
    if method == "standard":
        np.testing.assert_allclose(scaled.mean(axis=0), 0.0, atol=1e-12)
        np.testing.assert_allclose(scaled.std(axis=0), [1.0, 1.0, 0.0], atol=1e-12)
    else:
        # Each feature onto [-1, 1]; a constant one onto 0.
        np.testing.assert_allclose(scaled.min(axis=0), [-1.0, -1.0, 0.0], atol=1e-12)
        np.testing.assert_allclose(scaled.max(axis=0), [1.0, 1.0, 0.0], atol=1e-12)


@pytest.mark.parametrize("method", ["minmax", "standard"])
def test_scaling_parameter_sets_the_networks_inputs(method):
    X, y = imbalanced()
    X = X * [1.0, 10.0, 100.0, 1e-3, 5.0] + 7.0
    sampler = resampler(scaling=method)
    sampler.fit_resample(X, y)
    scaled = sampler.scaler_.transform(X)
    if method == "minmax":
        np.testing.assert_allclose(scaled.min(axis=0), -1.0, atol=1e-9)
        np.testing.assert_allclose(scaled.max(axis=0), 1.0, atol=1e-9)
    else:
        np.testing.assert_allclose(scaled.mean(axis=0), 0.0, atol=1e-9)
        np.testing.assert_allclose(scaled.std(axis=0), 1.0, atol=1e-9)


@pytest.mark.parametrize("beta_1", [0.9, 0.5, 0.0])
def test_adam_beta_1_of_the_players(beta_1):
    networks = {
        name: torch.nn.Linear(2, 2)
        for name in ("classifier", "discriminator", "generator")
    }
    optimizers = GAMOClassifier(classifier_beta_1=beta_1)._build_optimizers(networks)
    betas = {name: opt.param_groups[0]["betas"] for name, opt in optimizers.items()}
    # classifier_beta_1 is M's alone; D and G keep the authors' 0.5.
    assert betas == {
        "classifier": (beta_1, 0.999),
        "discriminator": (0.5, 0.999),
        "generator": (0.5, 0.999),
    }


def test_deterministic_for_a_fixed_random_state():
    X, y = imbalanced()
    first = resampler(random_state=3).fit_resample(X, y)
    second = resampler(random_state=3).fit_resample(X, y)
    other = resampler(random_state=4).fit_resample(X, y)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], other[0])


def test_global_torch_state_untouched():
    X, y = imbalanced()
    torch.manual_seed(123)
    rng_state = torch.get_rng_state()
    threads = torch.get_num_threads()
    dtype = torch.get_default_dtype()
    resampler().fit_resample(X, y)
    GAMOClassifier(**FAST, random_state=0).fit(X, y).predict(X)
    assert torch.equal(torch.get_rng_state(), rng_state)
    assert torch.get_num_threads() == threads
    assert torch.get_default_dtype() == dtype
    assert torch.is_grad_enabled()


def test_ablation_and_losses():
    X, y = imbalanced()
    no_d = resampler(discriminator=False).fit(X, y)
    no_d.fit_resample(X, y)
    assert set(no_d.networks_) == {"classifier", "generator"}
    assert set(no_d.history_) == {"classifier", "generator"}
    ce = resampler(loss="cross_entropy")
    X_res, _ = ce.fit_resample(X, y)
    assert set(ce.history_) == {"classifier", "discriminator", "generator"}
    assert all(
        np.isfinite(v).all() and len(v) == ce.n_iter_ for v in ce.history_.values()
    )
    assert np.isfinite(X_res).all()


def test_nothing_to_generate_returns_input():
    X, y = imbalanced(weights=(0.5, 0.5))
    y = np.arange(len(y)) % 2
    sampler = resampler()
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)
    np.testing.assert_array_equal(y_res, y)
    assert sampler.n_iter_ == 0


@pytest.mark.parametrize(
    "sampling_strategy", ["auto", "all", {0: 75, 1: 75}], ids=["auto", "all", "dict"]
)
def test_nothing_to_generate_returns_copies(sampling_strategy):
    X, _ = imbalanced(weights=(0.5, 0.5))
    y = np.arange(len(X)) % 2
    X_res, y_res = resampler(sampling_strategy=sampling_strategy).fit_resample(X, y)
    # As RandomOverSampler: the caller's arrays are never returned.
    assert X_res is not X and not np.shares_memory(X_res, X)
    assert y_res is not y and not np.shares_memory(y_res, y)
    np.testing.assert_array_equal(X_res, X)
    np.testing.assert_array_equal(y_res, y)


def test_max_iter_auto_adapts_to_data_size():
    sampler = GAMOResampler()
    small, large = (
        sampler._effective_max_iter(400),
        sampler._effective_max_iter(200_000),
    )
    assert small > large >= 1
    # About 1000 updates of 128 rows on small data (the digits: 250 epochs).
    assert sampler._effective_batch_size(400) == 128
    assert small * np.ceil(400 / 128) == 1000
    # n_samples // 32 rows from 4096 rows on, at most 256.
    assert sampler._effective_batch_size(6400) == 200
    assert sampler._effective_batch_size(9000) == 256
    assert sampler._effective_batch_size(100) == 100
    assert GAMOClassifier(batch_size=32)._effective_batch_size(400) == 32


def test_resampler_has_no_transform():
    assert not hasattr(GAMOResampler(), "transform")


# -- integration -------------------------------------------------------------
def test_imblearn_pipeline_under_cross_validate_with_two_jobs():
    X, y = imbalanced(n_samples=180)
    pipe = make_pipeline(resampler(), LogisticRegression())
    result = cross_validate(pipe, X, y, cv=3, n_jobs=2, scoring="balanced_accuracy")
    assert np.isfinite(result["test_score"]).all()
    assert result["test_score"].mean() > 0.5


def test_pandas_in_pandas_out():
    pd = pytest.importorskip("pandas")
    X, y = imbalanced()
    X_df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    y_s = pd.Series(y, name="target")
    sampler = resampler()
    X_res, y_res = sampler.fit_resample(X_df, y_s)
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert list(X_res.columns) == list(X_df.columns) and y_res.name == "target"
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X_df)
    np.testing.assert_array_equal(sampler.feature_names_in_, X_df.columns)


# -- bad input ---------------------------------------------------------------
def test_nan_asks_to_impute_first():
    X, y = imbalanced()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="impute them first"):
        resampler().fit_resample(X, y)
    with pytest.raises(ValueError, match="impute them first"):
        GAMOClassifier(**FAST).fit(X, y)


def test_infinity_is_rejected():
    X, y = imbalanced()
    X[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        resampler().fit_resample(X, y)


def test_one_class_is_rejected():
    X, y = imbalanced()
    with pytest.raises(ValueError, match="more than 1 class"):
        resampler().fit_resample(X, np.zeros_like(y))
    with pytest.raises(ValueError, match="more than 1 class"):
        GAMOClassifier(**FAST).fit(X, np.zeros_like(y))


def test_continuous_target_is_rejected():
    X, _ = imbalanced()
    with pytest.raises(ValueError, match="Unknown label type"):
        resampler().fit_resample(X, np.linspace(0, 1, len(X)))


def test_class_with_a_single_row_is_duplicated():
    X, y = imbalanced(n_samples=60, weights=(0.7, 0.3))
    y = y.copy()
    y[0] = 2  # a class with one row
    X_res, y_res = resampler().fit_resample(X, y)
    np.testing.assert_array_equal(
        X_res[y_res == 2], np.repeat(X[:1], Counter(y_res)[2], 0)
    )


def test_sparse_and_string_features_are_rejected():
    X, y = imbalanced()
    with pytest.raises(TypeError, match="[Ss]parse"):
        resampler().fit_resample(sparse.csr_matrix(X), y)
    with pytest.raises(ValueError):
        resampler().fit_resample(np.array([["a", "b"]] * len(y), dtype=object), y)


def test_invalid_parameters():
    X, y = imbalanced()
    with pytest.raises(ValueError, match="loss"):
        resampler(loss="hinge").fit_resample(X, y)
    with pytest.raises(ValueError, match="max_anchors"):
        resampler(max_anchors=0).fit_resample(X, y)
    with pytest.raises(ValueError, match="k_neighbors"):
        resampler(k_neighbors=0).fit_resample(X, y)
    with pytest.raises(ValueError, match="generator_target"):
        resampler(generator_target="fool").fit_resample(X, y)
    with pytest.raises(ValueError, match="classifier_loss"):
        GAMOClassifier(classifier_loss="hinge").fit(X, y)
    with pytest.raises(ValueError, match="scaling"):
        resampler(scaling="robust").fit_resample(X, y)
    with pytest.raises(ValueError, match="classifier_beta_1"):
        GAMOClassifier(classifier_beta_1=1.0).fit(X, y)
    with pytest.raises(ValueError, match="n_snapshots"):
        GAMOClassifier(n_snapshots=0).fit(X, y)


def test_classifier_log_loss_is_the_categorical_log_loss():
    # float64: the two formulas differ only by round-off, far below rel=1e-6.
    logits = torch.tensor([[2.0, -1.0, 0.5], [0.0, 3.0, -2.0]], dtype=torch.float64)
    code = torch.tensor([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]], dtype=torch.float64)
    loss = resampler(classifier_loss="log_loss")._classifier_loss(logits, code)
    expected = torch.nn.functional.cross_entropy(logits, torch.tensor([2, 1]))
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)
    # "game": the squared errors of the softmax outputs (eq. 4).
    game = resampler(classifier_loss="game")._classifier_loss(logits, code)
    squared = ((torch.softmax(logits, dim=1) - code) ** 2).sum(dim=1).mean()
    assert game.item() == pytest.approx(squared.item(), rel=1e-6)


# -- the classifier ----------------------------------------------------------
def test_classifier_predict_proba_and_pickling():
    X, y = imbalanced(n_samples=200)
    labels = np.array(["cat", "dog", "eel"])[y]
    clf = GAMOClassifier(**{**FAST_CLASSIFIER, "max_iter": 60}, random_state=0).fit(
        X, labels
    )
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert set(clf.predict(X)) <= set(clf.classes_)
    assert clf.score(X, labels) > 0.8
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), proba)
    assert all(
        p.device.type == "cpu" for p in restored.networks_["classifier"].parameters()
    )


def test_classifier_is_deterministic_and_clonable():
    X, y = imbalanced()
    clf = GAMOClassifier(**FAST, random_state=1)
    a = clone(clf).fit(X, y).predict_proba(X)
    b = clone(clf).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_snapshot_epochs_span_the_second_half():
    # 28 epochs (Fashion-MNIST's default budget): the last, then every 3.5th
    # (rounded half to even, as Python rounds).
    assert _snapshot_epochs(28, 5) == {27, 23, 20, 17, 13}
    assert _snapshot_epochs(28, 1) == {27}
    assert _snapshot_epochs(250, 2) == {249, 124}
    # Fewer epochs in the second half than snapshots: each epoch once.
    assert _snapshot_epochs(4, 5) == {3, 2, 1}
    assert _snapshot_epochs(1, 5) == {0}


def test_classifier_averages_its_snapshots():
    X, y = imbalanced()
    params = {**FAST_CLASSIFIER, "max_iter": 10, "random_state": 0}
    single = GAMOClassifier(**params, n_snapshots=1).fit(X, y)
    ensemble = GAMOClassifier(**params, n_snapshots=3).fit(X, y)
    M = single.networks_["classifier"]
    members = ensemble.networks_["classifier"]
    assert isinstance(M, torch.nn.Sequential)
    assert isinstance(members, ProbabilityAverage)
    # Epochs 4, 7 and 9 (the end): keeping copies does not change training,
    # so the last member is the single fit's M, weight for weight.
    assert len(members.members) == 3
    for a, b in zip(members.members[-1].parameters(), M.parameters()):
        assert torch.equal(a, b)
    assert not all(
        torch.equal(a, b)
        for a, b in zip(members.members[0].parameters(), M.parameters())
    )
    x = torch.as_tensor(ensemble.scaler_.transform(X), dtype=torch.float32)
    with torch.no_grad():
        mean = torch.stack(
            [torch.softmax(m(x), dim=1) for m in members.members]
        ).mean(dim=0)
    np.testing.assert_allclose(ensemble.predict_proba(X), mean.numpy(), atol=1e-6)
    np.testing.assert_allclose(single.predict_proba(X), torch.softmax(
        M(x), dim=1).detach().numpy(), atol=1e-6)


def test_resampler_pickles_after_fit():
    X, y = imbalanced()
    sampler = resampler()
    sampler.fit_resample(X, y)
    restored = pickle.loads(pickle.dumps(sampler))
    assert restored.history_ == sampler.history_
    assert restored.get_params() == sampler.get_params()

