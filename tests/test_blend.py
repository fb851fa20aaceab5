"""The GAN imputers' held-out entries and their blend with scikit-learn's
imputers (``blend_with``, ``heldout_rmse_``, ``blend_weights_``), and the
``adversarial=False`` ablation."""

import numpy as np
import pytest

from skgan import GAINImputer, HexaGANClassifier, HexaGANImputer, MisGANImputer
from skgan.impute import _blend

FAST = {"max_iter": 3, "random_state": 0, "device": "cpu"}
BLENDED = [MisGANImputer, HexaGANImputer]


def _linear(n_samples=200, seed=0, missing_rate=0.2):
    """Five features that are exact linear functions of two."""
    rng = np.random.RandomState(seed)
    z = rng.normal(size=(n_samples, 2))
    X = np.column_stack([z[:, 0], z[:, 1], z.sum(1), z[:, 0] - 2 * z[:, 1], 3 * z[:, 1]])
    X_missing = X.copy()
    removed = rng.uniform(size=X.shape) < missing_rate
    X_missing[removed] = np.nan
    return X, X_missing, removed


def _scaled_rmse(X, X_imputed, removed):
    span = X.max(axis=0) - X.min(axis=0)
    return np.sqrt(np.mean((((X_imputed - X) / span)[removed]) ** 2))


@pytest.mark.parametrize("Imputer", BLENDED, ids=lambda c: c.__name__)
def test_blend_leans_on_the_member_that_restores_held_out_entries(Imputer):
    # On exactly linear data IterativeImputer is nearly exact and a network
    # trained for three epochs is not: the held-out entries must say so.
    X, X_missing, removed = _linear()
    blended = Imputer(**FAST).fit(X_missing)
    alone = Imputer(blend_with=None, **FAST).fit(X_missing)
    weights = blended.blend_weights_
    assert set(weights) == {"network", "iterative", "knn", "forest"}
    assert weights["iterative"] == max(weights.values())
    assert alone.blend_weights_ == {"network": 1.0}
    assert blended.heldout_rmse_ < alone.heldout_rmse_ / 3
    assert _scaled_rmse(X, blended.transform(X_missing), removed) < (
        _scaled_rmse(X, alone.transform(X_missing), removed) / 3
    )


@pytest.mark.parametrize("Imputer", BLENDED, ids=lambda c: c.__name__)
def test_heldout_rmse_estimates_the_error_on_missing_entries(Imputer):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(400, 6)) @ rng.normal(size=(6, 6)) + rng.normal(size=(400, 6))
    X_missing = X.copy()
    removed = rng.uniform(size=X.shape) < 0.2
    X_missing[removed] = np.nan
    imputer = Imputer(**FAST).fit(X_missing)
    error = _scaled_rmse(X, imputer.transform(X_missing), removed)
    assert error / 1.5 < imputer.heldout_rmse_ < error * 1.5


def test_gain_blends_by_default_and_not_in_the_paper_setting():
    X = _linear()[1]
    imputer = GAINImputer(**FAST).fit(X)
    assert set(imputer.blend_weights_) == {"network", *_blend.BLEND_MEMBERS}
    assert imputer.blend_.members_
    paper = GAINImputer(**FAST, blend_with=None, n_iter_no_change=50).fit(X)
    assert paper.blend_weights_ == {"network": 1.0}
    assert not paper.blend_.members_


@pytest.mark.parametrize(
    "blend_with", [("iterative", "mice"), ("knn", "knn")], ids=["unknown", "repeated"]
)
def test_bad_blend_members_are_rejected(blend_with):
    imputer = MisGANImputer(blend_with=blend_with, **FAST)
    with pytest.raises(ValueError, match="blend_with"):
        imputer.fit(_linear()[1])
    assert not hasattr(imputer, "networks_")


def test_members_see_the_networks_scale():
    # The members work on the [0, 1]-scaled table, so that KNN's distances
    # weigh the features alike: rescaling a feature changes nothing for them.
    X_missing = _linear()[1]
    rescaled = X_missing * np.array([1, 1e6, 1, 1e-6, 1])
    plain = MisGANImputer(blend_with=("knn",), **FAST).fit(X_missing)
    scaled = MisGANImputer(blend_with=("knn",), **FAST).fit(rescaled)
    donors = plain.blend_.members_["knn"]._fit_X
    assert np.nanmin(donors) == 0 and np.nanmax(donors) == 1
    np.testing.assert_allclose(
        scaled.blend_.members_["knn"]._fit_X, donors, rtol=0, atol=1e-9
    )


def test_knn_donors_are_capped(monkeypatch):
    monkeypatch.setattr(_blend, "KNN_MAX_DONORS", 50)
    imputer = MisGANImputer(blend_with=("knn",), **FAST).fit(_linear()[1])
    assert imputer.blend_.members_["knn"]._fit_X.shape[0] == 50
    assert np.isfinite(imputer.transform(_linear()[1])).all()


def test_members_are_refitted_on_every_observed_entry():
    X_missing = _linear()[1]
    imputer = MisGANImputer(blend_with=("knn",), validation_fraction=0.3, **FAST)
    donors = imputer.fit(X_missing).blend_.members_["knn"]._fit_X
    np.testing.assert_array_equal(np.isnan(donors), np.isnan(X_missing))


def test_members_impute_held_out_entries_hidden_then_are_refitted(monkeypatch):
    # Each member imputes the held-out entries from a fit with them hidden
    # (the forest with fewer trees: its weight needs no more); the members
    # kept are then refitted on every observed entry.
    monkeypatch.setattr(_blend, "FOREST_TREES", 4)
    monkeypatch.setattr(_blend, "HELDOUT_FOREST_TREES", 2)
    monkeypatch.setattr(_blend, "MIN_MEMBER_WEIGHT", 0.0)
    X_missing = _linear()[1]
    fits = []
    heldout, refit = _blend.MemberFits._heldout_predictions, _blend.MemberFits.refit

    def trees(name, member):
        return member.estimator.n_estimators if name == "forest" else None

    def record_heldout(self, name, member, X_fit, held):
        fits.append((name, int(np.isnan(X_fit).sum()), trees(name, member)))
        return heldout(self, name, member, X_fit, held)

    def record_refit(self):
        fitted = refit(self)
        fits.extend(
            (name, int(np.isnan(self._X01).sum()), trees(name, member))
            for name, member in fitted.items()
        )
        return fitted

    monkeypatch.setattr(_blend.MemberFits, "_heldout_predictions", record_heldout)
    monkeypatch.setattr(_blend.MemberFits, "refit", record_refit)
    imputer = MisGANImputer(validation_fraction=0.3, **FAST).fit(X_missing)
    missing = int(np.isnan(X_missing).sum())
    held_hidden = fits[0][1]
    assert held_hidden > missing
    assert fits == [
        ("iterative", held_hidden, None),
        ("knn", held_hidden, None),
        ("forest", held_hidden, 2),
        ("iterative", missing, None),
        ("knn", missing, None),
        ("forest", missing, 4),
    ]
    assert imputer.blend_.members_["forest"].estimator.n_estimators == 4


@pytest.mark.parametrize("name", _blend.BLEND_MEMBERS)
def test_held_out_predictions_are_the_members_imputations(name):
    # The held-out entries are imputed without a second pass over the table
    # (fit_transform; KNN on the rows holding them): the same values as the
    # member fitted on the table with them hidden, then imputing it.
    X01 = _linear()[1]
    X01 = (X01 - np.nanmin(X01, axis=0)) / np.ptp(np.nan_to_num(X01), axis=0)
    held = ~np.isnan(X01) & (np.random.default_rng(0).random(X01.shape) < 0.1)
    X_fit = np.where(held, np.nan, X01)
    fits = _blend.MemberFits((name,), X01, held, seed=0)
    member = _blend.make_member(name, X01.shape, 0, trees=_blend.HELDOUT_FOREST_TREES)
    expected = member.fit(X_fit).transform(X_fit)[held]
    np.testing.assert_allclose(fits.predictions[name], expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "n_samples, leaf", [(500, _blend.FOREST_LEAF), (_blend.FINE_LEAF_ROWS, 1)]
)
def test_forest_leaves_shrink_to_one_row_on_tables_with_many_rows(n_samples, leaf):
    member = _blend.make_member("forest", (n_samples, 8), 0)
    assert member.estimator.min_samples_leaf == leaf
    assert _blend.make_member("forest", (n_samples, 8), 0, min_samples_leaf=5).estimator.min_samples_leaf == 5


def test_forest_takes_every_feature_as_predictor_up_to_a_hundred():
    # Its trees draw sqrt(predictors) a split, so only the linear member
    # keeps to the MAX_PREDICTORS nearest features on a 60-feature table.
    shape = (100, 60)
    assert _blend.make_member("forest", shape, 0).n_nearest_features is None
    assert _blend.make_member("iterative", shape, 0).n_nearest_features == _blend.MAX_PREDICTORS
    wide = _blend.make_member("forest", (100, _blend.FOREST_ALL_PREDICTORS + 1), 0)
    assert wide.n_nearest_features == _blend.MAX_PREDICTORS
    assert wide.max_iter == _blend.FOREST_ROUNDS
    assert _blend.make_member("forest", shape, 0, rounds=7).max_iter == 7


def test_members_the_blend_hardly_uses_are_dropped(monkeypatch):
    # On exactly linear data IterativeImputer takes nearly all the weight of
    # the members' blend: the others are neither refitted nor run, and
    # weigh 0.
    X_missing = _linear()[1]
    refitted = []
    fitted = _blend._fitted

    def record(name, member, X01, rng):
        refitted.append(name)
        return fitted(name, member, X01, rng)

    monkeypatch.setattr(_blend, "MIN_MEMBER_WEIGHT", 0.5)
    fits = []
    original_refit = _blend.MemberFits.refit

    def refit(self):
        monkeypatch.setattr(_blend, "_fitted", record)
        fits.append(dict(self.predictions))
        return original_refit(self)

    monkeypatch.setattr(_blend.MemberFits, "refit", refit)
    imputer = MisGANImputer(**FAST).fit(X_missing)
    assert refitted == ["iterative"]
    assert set(imputer.blend_.members_) == {"iterative"}
    weights = imputer.blend_weights_
    assert list(weights) == ["network", "iterative", "knn", "forest"]
    assert weights["knn"] == weights["forest"] == 0.0
    assert weights["iterative"] > 0.5
    observed = ~np.isnan(X_missing)
    out = imputer.transform(X_missing)
    np.testing.assert_array_equal(out[observed], X_missing[observed])
    assert np.isfinite(out).all()


def test_prune_keeps_what_restores_the_held_out_entries():
    rng = np.random.default_rng(0)
    target = rng.uniform(size=400)
    fits = _blend.MemberFits.__new__(_blend.MemberFits)
    fits.predictions = {
        "iterative": rng.uniform(size=400),  # noise: no weight
        # Two members with independent errors of one size: half each.
        "knn": target + 0.1 * rng.normal(size=400),
        "forest": target + 0.1 * rng.normal(size=400),
    }
    assert fits.prune(target) == ["iterative"]
    assert list(fits.predictions) == ["knn", "forest"]
    # Nothing is dropped without held-out entries, and the heaviest member
    # always stays.
    assert fits.prune(np.empty(0)) == []
    fits.predictions = {"knn": target, "forest": target}
    assert len(fits.predictions) - len(fits.prune(target)) >= 1


def test_networks_of_little_weight_are_left_out_of_the_final_blend():
    from types import SimpleNamespace

    rng = np.random.default_rng(0)
    target = rng.uniform(size=400)
    good = target + 0.05 * rng.normal(size=400)
    fits = SimpleNamespace(predictions={"iterative": good}, fitted={"iterative": None})
    # A slightly informative network: a small positive weight, dropped.
    weak = target + 0.6 * rng.normal(size=400)
    blend = _blend.final_blend(weak, fits, target)
    assert "network" not in blend.weights_
    assert blend.weight("network") == 0.0 and not blend.uses("network")
    assert blend.weights_["iterative"] == pytest.approx(
        _blend.fit_blend(None, fits.predictions, target).weights_["iterative"]
    )
    assert 0 < _blend.fit_blend(weak, fits.predictions, target).weights_["network"] < 0.05
    # A network worth its weight stays.
    strong = target + 0.05 * rng.normal(size=400)
    assert _blend.final_blend(strong, fits, target).weights_["network"] > 0.3


def test_quiet_members_silences_scikit_learns_convergence_warnings_only():
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer

    X_missing = _linear()[1]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with _blend.quiet_members():
            IterativeImputer(max_iter=1, tol=0).fit(X_missing)
            warnings.warn("a network diverged", ConvergenceWarning)
        IterativeImputer(max_iter=1, tol=0).fit(X_missing)
    messages = [str(w.message) for w in seen if w.category is ConvergenceWarning]
    assert messages[0] == "a network diverged"
    assert len(messages) == 2 and "IterativeImputer" in messages[1]


def test_members_run_on_one_thread_on_small_tables():
    from threadpoolctl import threadpool_info

    def threads():
        return {info["num_threads"] for info in threadpool_info()}

    before = threads()
    with _blend.member_threads((100, 10)):
        assert threads() == {1}
    assert threads() == before
    with _blend.member_threads((_blend.SINGLE_THREAD_ENTRIES, 1)):
        assert threads() == before


@pytest.mark.parametrize("Imputer", BLENDED, ids=lambda c: c.__name__)
def test_networks_stop_on_the_blends_held_out_rmse(Imputer):
    # On exactly linear data the blend, led by IterativeImputer, restores the
    # held-out entries far better than the networks alone: the early-stopping
    # signal is the blend's RMSE when there is a blend.
    X_missing = _linear()[1]
    blended = Imputer(**FAST).fit(X_missing)
    alone = Imputer(blend_with=None, **FAST).fit(X_missing)
    assert max(blended.history_["validation"]) < min(alone.history_["validation"]) / 3
    assert min(blended.history_["validation"]) == pytest.approx(
        blended.heldout_rmse_, rel=0.5
    )


def test_transform_skips_what_has_no_weight(monkeypatch):
    X_missing = _linear()[1]
    imputer = MisGANImputer(**FAST).fit(X_missing)
    before = imputer.transform(X_missing)
    weights = imputer.blend_.weights_
    zeroed = [name for name, weight in weights.items() if weight == 0]

    class Unused:
        def transform(self, X):
            raise AssertionError("a member with no weight was run")

    members = imputer.blend_.members_
    for name in ["knn", "network"]:
        if name in members:
            members[name] = Unused()
        weights[name] = 0.0

    def unused(*args, **kwargs):
        raise AssertionError("networks with no weight were run")

    monkeypatch.setattr(imputer, "_network_output", unused)
    after = imputer.transform(X_missing)
    observed = ~np.isnan(X_missing)
    np.testing.assert_array_equal(after[observed], X_missing[observed])
    if {"knn", "network"} <= set(zeroed):
        np.testing.assert_array_equal(after, before)


def test_held_out_entries_are_hidden_from_training():
    X_missing = _linear()[1]
    imputer = MisGANImputer(validation_fraction=0.3, **FAST)
    seen = []
    fit_networks = imputer._fit_networks

    def record(rt, validation=None, **kwargs):
        seen.append(rt.data["m"].mean().item())
        return fit_networks(rt, validation, **kwargs)

    imputer._fit_networks = record
    imputer.fit(X_missing)
    observed = 1 - np.isnan(X_missing).mean()
    assert seen[0] == pytest.approx(observed * 0.7, abs=0.03)


# -- adversarial=False: the ablation without any GAN ------------------------
def test_misgan_without_adversarial_terms_trains_the_imputer_alone():
    X_missing = _linear()[1]
    imputer = MisGANImputer(adversarial=False, **FAST).fit(X_missing)
    assert set(imputer.networks_) == {"imputer"}
    assert set(imputer.history_) == {"imputer", "validation"}
    assert np.isfinite(imputer.transform(X_missing)).all()
    with pytest.raises(ValueError, match="adversarial=False"):
        imputer.sample(3)


def test_misgan_without_any_loss_is_rejected():
    imputer = MisGANImputer(adversarial=False, reconstruction_weight=0, **FAST)
    with pytest.raises(ValueError, match="no loss"):
        imputer.fit(_linear()[1])
    assert not hasattr(imputer, "networks_")


def test_hexagan_without_adversarial_term_has_no_discriminator():
    X_missing = _linear()[1]
    imputer = HexaGANImputer(adversarial=False, **FAST).fit(X_missing)
    assert set(imputer.networks_) == {"encoder", "generator_mi"}
    assert set(imputer.history_) == {"encoder_generator_mi", "validation"}
    networks_only = {**FAST, "blend_with": None}
    without = HexaGANImputer(adversarial=False, **networks_only).fit(X_missing)
    adversarial = HexaGANImputer(**networks_only).fit(X_missing)
    assert not np.array_equal(
        without.transform(X_missing), adversarial.transform(X_missing)
    )


# -- HexaGANClassifier's blend ------------------------------------------------
CLASSIFIER = {"hidden_size": 16, "max_iter": 2, "inference_draws": 2, "device": "cpu"}


def _separable(n_samples=300, seed=0):
    """Two classes split by a hyperplane, 15% of entries and 20% of labels
    missing."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 4))
    y = (X @ np.array([1.0, -1.0, 0.5, 0.0]) > 0).astype(int)
    X[rng.uniform(size=X.shape) < 0.15] = np.nan
    y_train = y.copy()
    y_train[rng.uniform(size=n_samples) < 0.2] = -1
    return X, y, y_train


def test_classifier_blend_leans_on_the_members_when_c_is_untrained():
    X, y, y_train = _separable()
    blended = HexaGANClassifier(random_state=0, **CLASSIFIER).fit(X, y_train)
    alone = HexaGANClassifier(
        blend_with=None, early_stopping=True, random_state=0, **CLASSIFIER
    ).fit(X, y_train)
    weights = blended.blend_weights_
    assert set(weights) == {"network", "gradient_boosting", "logistic"}
    assert sum(weights.values()) == pytest.approx(1.0)
    # Two epochs leave C far behind both members on the held-out rows.
    assert weights["network"] < 0.5
    assert alone.blend_weights_ == {"network": 1.0}
    # The early-stopping signal is the blend's log-loss, far below C's alone
    # after two epochs.
    assert max(blended.history_["validation"]) < min(alone.history_["validation"])
    assert blended.score(X, y) > alone.score(X, y)
    proba = blended.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(blended.predict_proba(X), proba)


def test_classifier_blend_members_are_weighed_out_of_fold_then_refitted(monkeypatch):
    from skgan.semi_supervised import _blend as classifier_blend

    X, _, y_train = _separable()
    fits = []
    fitted = classifier_blend._fitted

    def record(name, X01, codes, seed, imputed=False):
        fits.append((name, len(codes), int((codes >= 0).sum()), imputed))
        return fitted(name, X01, codes, seed, imputed=imputed)

    monkeypatch.setattr(classifier_blend, "_fitted", record)
    clf = HexaGANClassifier(validation_fraction=0.2, random_state=0, **CLASSIFIER)
    clf.fit(X, y_train)
    labeled = int((y_train >= 0).sum())
    kept = fits[0][1]
    kept_labeled = kept - (len(X) - labeled)
    assert len(X) - kept == pytest.approx(0.2 * labeled, abs=2)
    # Fitted without the held-out rows, for their probabilities...
    assert fits[:2] == [
        ("gradient_boosting", kept, kept_labeled, False),
        ("logistic", kept, kept_labeled, False),
    ]
    # ...then 5 times each without a fifth of the labeled rows that are
    # left (the logistic member's imputer, which sees no label, reused)...
    folds = fits[2:12]
    assert [(name, imputed) for name, *_, imputed in folds] == [
        ("gradient_boosting", False), ("logistic", True)
    ] * 5
    assert sum(kept_labeled - n_labeled for _, _, n_labeled, _ in folds) == 2 * kept_labeled
    assert all(
        n_rows == kept - (kept_labeled - n_labeled) for _, n_rows, n_labeled, _ in folds
    )
    # ...and those of non-zero weight refitted on every row.
    weighted = [name for name in ("gradient_boosting", "logistic") if clf.blend_weights_[name]]
    assert fits[12:] == [(name, len(X), labeled, False) for name in weighted]
    assert list(clf.blend_.members_) == weighted


def test_classifier_member_weights_are_the_out_of_fold_choice():
    from skgan.semi_supervised._blend import choose_member_weights

    labels = np.array([0] * 20 + [1] * 20)
    right, wrong = np.eye(2)[labels] * 0.8 + 0.1, np.eye(2)[1 - labels] * 0.8 + 0.1
    # One member classifies every row, the other none: the first alone.
    assert choose_member_weights({"a": wrong, "b": right}, labels) == {"a": 0.0, "b": 1.0}
    # Alike: ties go to the average.
    assert choose_member_weights({"a": right, "b": right}, labels) == {"a": 0.5, "b": 0.5}
    # Each member right on its own half: only a combination classifies
    # every row; the average does, and ties go to it.
    half = np.where((np.arange(40) < 10) | (np.arange(40) >= 30), 1, 0).astype(bool)
    a = np.where(half[:, None], right, 0.5)
    b = np.where(half[:, None], 0.5, right)
    weights = choose_member_weights({"a": a, "b": b}, labels)
    assert weights == {"a": 0.5, "b": 0.5}


def test_classifier_member_weights_are_equal_without_enough_labeled_rows():
    from skgan.semi_supervised._blend import member_weights

    X = np.random.default_rng(0).uniform(size=(12, 3))
    codes = np.array([0] * 10 + [1, -1])
    assert member_weights({"a": None, "b": None}, X, codes, 2, seed=0) == {"a": 0.5, "b": 0.5}


@pytest.mark.parametrize("blend_with", [("forest",), ("logistic", "logistic")])
def test_classifier_bad_blend_members_are_rejected(blend_with):
    X, _, y_train = _separable(n_samples=60)
    with pytest.raises(ValueError, match="blend_with"):
        HexaGANClassifier(blend_with=blend_with, **CLASSIFIER).fit(X, y_train)


def test_classifier_without_blend_keeps_cs_probabilities():
    X, _, y_train = _separable(n_samples=120)
    clf = HexaGANClassifier(
        blend_with=None, early_stopping=False, random_state=0, **CLASSIFIER
    ).fit(X, y_train)
    assert not hasattr(clf, "history_") or "validation" not in clf.history_
    X01, observed = clf._scaled(X, np.isnan(X))
    network = clf._network_proba(X01, observed)
    np.testing.assert_allclose(
        clf.predict_proba(X), network / network.sum(axis=1, keepdims=True)
    )


def test_classifier_blend_weighs_c_against_the_members_average():
    from skgan.semi_supervised._blend import fit_blend

    codes = np.array([0] * 30 + [1] * 10)
    right = np.eye(2)[codes] * 0.8 + 0.1
    prior = np.tile([0.75, 0.25], (len(codes), 1))
    members = {"gradient_boosting": None, "logistic": None}
    informed = fit_blend(prior, members, dict.fromkeys(members, right), codes)
    assert informed.weights_ == pytest.approx(
        {"network": 0.0, "gradient_boosting": 0.5, "logistic": 0.5}
    )
    uninformed = fit_blend(right, members, dict.fromkeys(members, prior), codes)
    assert uninformed.weights_["network"] == pytest.approx(1.0)
    assert informed.heldout_log_loss_ == pytest.approx(-np.log(0.9))
