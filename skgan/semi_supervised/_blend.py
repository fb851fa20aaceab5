"""Blending HexaGAN's classifier with scikit-learn's classifiers.

Stacked generalisation (Wolpert, 1992; Breiman, 1996) on labeled rows held
out of training: the networks' classifier ``C`` and each scikit-learn
classifier named in ``blend_with`` give class probabilities for them; the
members are averaged, and the non-negative least-squares fit of ``C`` and
that average to the one-hot labels (a Brier score in which every class
weighs alike) gives their two weights, scaled to sum to 1. The members are
fitted, and refitted on every row, before the networks train, so that the
networks train while they improve the blend; the networks are not refitted.
"""

import warnings

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import SelfTrainingClassifier

from ..impute._blend import MAX_PREDICTORS, member_threads, nnls_weights

BLEND_MEMBERS = ("gradient_boosting", "logistic")


def make_member(name, n_features, seed):
    """The scikit-learn classifier blended under ``name``."""
    if name == "gradient_boosting":
        # Native missing-value support; learns from the labeled rows only.
        return HistGradientBoostingClassifier(class_weight="balanced", random_state=seed)
    predictors = None if n_features <= MAX_PREDICTORS else MAX_PREDICTORS
    # The cascade users build by hand: IterativeImputer on every row, then
    # logistic regression self-trained on the unlabeled ones.
    return make_pipeline(
        IterativeImputer(
            n_nearest_features=predictors, keep_empty_features=True, random_state=seed
        ),
        StandardScaler(),
        SelfTrainingClassifier(
            LogisticRegression(class_weight="balanced", max_iter=1000)
        ),
    )


def _fitted(name, X01, codes, seed):
    """Member ``name`` fitted on ``X01`` (NaN where missing) and the class
    codes ``codes`` (-1: unlabeled)."""
    member = make_member(name, X01.shape[1], seed)
    if name == "gradient_boosting":
        labeled = codes >= 0
        X01, codes = X01[labeled], codes[labeled]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # Self-training with every row labeled is plain logistic regression.
        warnings.filterwarnings("ignore", message="y contains no unlabeled samples")
        return member.fit(X01, codes)


def _probabilities(member, X01, n_classes):
    """``member``'s probabilities for every class code, 0 for a class it did
    not see in training."""
    proba = np.zeros((len(X01), n_classes))
    proba[:, member.classes_.astype(int)] = member.predict_proba(X01)
    return proba


def fit_members(names, X01, codes, held, n_classes, *, seed):
    """The members ``names`` refitted on every row, and their probabilities
    for the ``held`` rows (indices) when fitted without them."""
    keep = np.ones(len(codes), dtype=bool)
    keep[held] = False
    members, predictions = {}, {}
    with member_threads(X01.shape):
        for name in names:
            if len(held):
                member = _fitted(name, X01[keep], codes[keep], seed)
                predictions[name] = _probabilities(member, X01[held], n_classes)
            members[name] = _fitted(name, X01, codes, seed)
    return members, predictions


class ClassifierBlend:
    """Weights of the networks' classifier and of the fitted scikit-learn
    classifiers.

    Attributes
    ----------
    weights_ : dict of str to float
        ``"network"`` and one entry per member; they sum to 1.
    heldout_log_loss_ : float
        Log-loss of the blend on the held-out labeled rows (NaN when no row
        was held out).
    members_ : dict of str to estimator
        The fitted scikit-learn classifiers.
    """

    def __init__(self, weights, heldout_log_loss, members, n_classes):
        self.weights_ = weights
        self.heldout_log_loss_ = heldout_log_loss
        self.members_ = members
        self.n_classes = n_classes

    def combine(self, network_proba, X01):
        """The blended probabilities for ``X01`` (scaled, NaN where missing)
        from the networks' ``network_proba``."""
        out = self.weights_["network"] * network_proba
        for name, member in self.members_.items():
            # As the imputers' blend: members with no weight are not run.
            if self.weights_[name]:
                proba = _probabilities(member, X01, self.n_classes)
                out = out + self.weights_[name] * proba
        return out


def balanced_weights(codes, n_classes):
    """Row weights under which every class weighs alike (mean 1)."""
    counts = np.bincount(codes, minlength=n_classes)
    return len(codes) / (n_classes * counts[codes])


def log_loss(proba, codes, sample_weight):
    """Weighted mean negative log-probability of the true class codes."""
    picked = proba[np.arange(len(codes)), codes]
    losses = -np.log(np.clip(picked, 1e-12, None))
    return float(np.average(losses, weights=sample_weight))


def fit_blend(network_proba, members, member_predictions, codes):
    """The blend of the networks and the fitted ``members`` from their
    probabilities for the held-out rows, whose class codes are ``codes``."""
    n_classes = network_proba.shape[1]
    keys = ("network", *members)
    if not members or not len(codes):
        weights = np.ones(len(keys)) / len(keys)
    else:
        # The members are averaged: their weights fitted one by one on a few
        # dozen held-out rows did worse on validation rows
        # (benchmarks/results/study_classifier_blend.md). The held-out rows
        # only weigh C against that average, every class alike (balanced
        # class weights, as in C's training batches and in the members).
        average = np.mean([member_predictions[k] for k in members], axis=0)
        row_weight = np.sqrt(balanced_weights(codes, n_classes))[:, None]
        stacked = np.column_stack(
            [(row_weight * p).ravel() for p in (network_proba, average)]
        )
        target = (row_weight * np.eye(n_classes)[codes]).ravel()
        network, rest = nnls_weights(stacked, target, 2)
        total = network + rest
        weights = np.array([network, *[rest / len(members)] * len(members)]) / total
    weights_ = dict(zip(keys, map(float, weights)))
    blend = ClassifierBlend(weights_, np.nan, members, n_classes)
    if len(codes):
        proba = weights[0] * network_proba + sum(
            w * member_predictions[k] for w, k in zip(weights[1:], members)
        )
        blend.heldout_log_loss_ = log_loss(
            proba, codes, balanced_weights(codes, n_classes)
        )
    return blend
