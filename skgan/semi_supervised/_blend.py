"""Blending HexaGAN's classifier with scikit-learn's classifiers.

Stacked generalisation (Wolpert, 1992; Breiman, 1996). The scikit-learn
classifiers named in ``blend_with`` (the members) are weighed among
themselves on out-of-fold probabilities for the labeled training rows: among
their average, each member alone and their non-negative least-squares
combination, the one of the highest macro-F1. Labeled rows held out of
training then weigh the networks' classifier ``C`` against that combination:
the non-negative least-squares fit of the two to the one-hot labels (a Brier
score in which every class weighs alike), scaled to sum to 1. The members of
non-zero weight are refitted on every row before the networks train, so that
the networks train while they improve the blend; the networks are not
refitted."""

import warnings

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import SelfTrainingClassifier

from ..impute._blend import MAX_PREDICTORS, member_threads, nnls_weights

BLEND_MEMBERS = ("gradient_boosting", "logistic")
#: Folds of the out-of-fold probabilities that weigh the members.
MEMBER_FOLDS = 5


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


def _fitted(name, X01, codes, seed, *, imputed=False):
    """Member ``name`` fitted on ``X01`` (NaN where missing) and the class
    codes ``codes`` (-1: unlabeled). ``imputed``: ``X01`` is already the
    output of the "logistic" member's imputer, and only the steps after it
    are fitted."""
    member = make_member(name, X01.shape[1], seed)
    if imputed:
        member = member[1:]
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


def out_of_fold_probabilities(members, X01, codes, n_classes, *, seed):
    """Each member's probabilities for every labeled row of ``X01`` from
    fits without that row's fold (``MEMBER_FOLDS`` stratified folds, fewer
    when a class has fewer labeled rows; None below 2). ``members`` are the
    members fitted on ``X01``: the "logistic" one's imputer, which sees no
    label, is reused, and only its later steps are refitted per fold."""
    labeled = np.flatnonzero(codes >= 0)
    n_splits = min(MEMBER_FOLDS, np.bincount(codes[labeled]).min())
    if n_splits < 2:
        return None
    inputs = {
        name: member[0].transform(X01) if name == "logistic" else X01
        for name, member in members.items()
    }
    oof = {name: np.zeros((len(labeled), n_classes)) for name in members}
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
    for _, fold in folds.split(labeled, codes[labeled]):
        keep = np.ones(len(codes), dtype=bool)
        keep[labeled[fold]] = False
        for name, X_in in inputs.items():
            member = _fitted(
                name, X_in[keep], codes[keep], seed, imputed=name == "logistic"
            )
            oof[name][fold] = _probabilities(member, X_in[labeled[fold]], n_classes)
    return oof, codes[labeled]


def choose_member_weights(oof, labels):
    """Weights (summing to 1) of the members whose out-of-fold class
    probabilities for the labeled rows are ``oof`` (a dict by name): among
    their average, each member alone and their non-negative least-squares
    combination (balanced Brier score), the candidate of the highest
    macro-F1 against ``labels`` (ties to the average, then to the first)."""
    names = list(oof)
    stacked = np.stack([oof[k] for k in names])
    candidates = {
        "average": dict.fromkeys(names, 1 / len(names)),
        **{k: {j: float(j == k) for j in names} for k in names},
        "least_squares": dict(zip(names, map(float, brier_weights(stacked, labels)))),
    }

    def oof_macro_f1(weights):
        proba = np.tensordot([weights[k] for k in names], stacked, axes=1)
        return f1_score(labels, proba.argmax(axis=1), average="macro")

    scores = {key: oof_macro_f1(w) for key, w in candidates.items()}
    best = max(scores, key=lambda key: (scores[key], key == "average"))
    return candidates[best]


def member_weights(members, X01, codes, n_classes, *, seed):
    """Weights of the fitted ``members`` (see :func:`choose_member_weights`;
    equal ones with a single member or too few labeled rows, none without
    members)."""
    if not members:
        return {}
    found = None
    if len(members) > 1:
        found = out_of_fold_probabilities(members, X01, codes, n_classes, seed=seed)
    if found is None:
        return dict.fromkeys(members, 1 / len(members))
    return choose_member_weights(*found)


def fit_members(names, X01, codes, held, n_classes, *, seed):
    """The members ``names``, their weights (see :func:`member_weights`,
    from the rows not ``held``), the members of non-zero weight refitted on
    every row, and their probabilities for the ``held`` rows (indices) when
    fitted without them."""
    keep = np.ones(len(codes), dtype=bool)
    keep[held] = False
    members, predictions = {}, {}
    with member_threads(X01.shape):
        fitted = {name: _fitted(name, X01[keep], codes[keep], seed) for name in names}
        weights = member_weights(fitted, X01[keep], codes[keep], n_classes, seed=seed)
        for name in names:
            if not weights[name]:
                continue
            if len(held):
                predictions[name] = _probabilities(fitted[name], X01[held], n_classes)
                members[name] = _fitted(name, X01, codes, seed)
            else:
                members[name] = fitted[name]
    return members, predictions, weights


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


def brier_weights(probas, codes):
    """Non-negative weights, summing to 1, of the candidates' class
    probabilities ``probas`` (shape ``(n_candidates, n_rows, n_classes)``)
    that minimise the squared error against the one-hot ``codes``, every
    class weighing alike (a balanced Brier score)."""
    n_candidates, _, n_classes = probas.shape
    row_weight = np.sqrt(balanced_weights(codes, n_classes))[:, None]
    stacked = np.column_stack([(row_weight * p).ravel() for p in probas])
    target = (row_weight * np.eye(n_classes)[codes]).ravel()
    weights = nnls_weights(stacked, target, n_candidates)
    return weights / weights.sum()


def fit_blend(network_proba, members, member_predictions, codes, member_weights=None):
    """The blend of the networks and the fitted ``members`` from their
    probabilities for the held-out rows, whose class codes are ``codes``:
    ``C`` weighed against the members combined with ``member_weights``
    (equal weights by default; members left out of ``members`` weigh 0)."""
    n_classes = network_proba.shape[1]
    if member_weights is None:
        member_weights = dict.fromkeys(members, 1 / len(members)) if members else {}
    if not members or not len(codes):
        network = 1 / (1 + len(members))
    else:
        combined = sum(
            w * member_predictions[k] for k, w in member_weights.items() if w
        )
        network = brier_weights(np.stack([network_proba, combined]), codes)[0]
    weights_ = {
        "network": float(network),
        **{k: float((1 - network) * w) for k, w in member_weights.items()},
    }
    blend = ClassifierBlend(weights_, np.nan, members, n_classes)
    if len(codes):
        proba = network * network_proba + sum(
            weights_[k] * member_predictions[k] for k in members
        )
        blend.heldout_log_loss_ = log_loss(
            proba, codes, balanced_weights(codes, n_classes)
        )
    return blend
