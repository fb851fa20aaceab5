"""Blending a GAN imputer with scikit-learn's imputers.

The weights are non-negative least squares on observed entries held out of
training: every member -- the networks, and each scikit-learn imputer named
in ``blend_with`` -- imputes them from the rest, and the weights are those
whose combination best restores them (Breiman's stacked regression, 1996,
with the non-negativity that keeps it stable). The members are fitted before
the networks, so that the networks train while they improve the blend; those
the blend of the members alone hardly uses are dropped, and the others are
refitted on every observed entry; the networks are not refitted (they are
the expensive part).
"""

import warnings
from contextlib import contextmanager

import numpy as np
from scipy.optimize import nnls
from sklearn.base import clone
from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

#: The round-robin members model each feature from at most this many
#: others: their cost grows with the square of the number of features
#: otherwise.
MAX_PREDICTORS = 50
#: KNNImputer's donors are at most this many rows, drawn at random: its cost
#: grows with the number of rows imputed times the number of donors.
KNN_MAX_DONORS = 5000
#: Size of the "forest" member: trees per feature and round-robin rounds,
#: with fewer trees on wide tables so that one fit grows at most
#: ``FOREST_MAX_TREES`` (a 500-feature table would otherwise take an hour).
#: On development masks 50 trees and 3 rounds beat 30 and 4 on wine,
#: spambase and letter at about the same cost
#: (``benchmarks/results/study_cost.md``, "The forest's size").
FOREST_TREES, FOREST_ROUNDS = 50, 3
FOREST_MAX_TREES = 9000
#: The forest's regression trees draw the square root of their predictors
#: at each split, so up to this many features every other one is a
#: predictor (``MAX_PREDICTORS`` above it): on spambase's 57 columns the
#: 50 nearest ones cost as much and imputed worse.
FOREST_ALL_PREDICTORS = 100
#: Rows each tree of the "forest" member learns from, at most (a bootstrap
#: sample of that size on larger tables): its cost grows with the rows.
FOREST_MAX_ROWS = 20000
#: Trees per feature of the "forest" member fitted with the held-out entries
#: hidden, whose imputations of them give its weight; the member kept is
#: refitted on every observed entry with ``FOREST_TREES``.
HELDOUT_FOREST_TREES = 10
#: Rows per leaf of the "forest" member's regression trees, at least, on a
#: numeric table: 2, or 1 (scikit-learn's default) on tables of at least
#: ``FINE_LEAF_ROWS`` rows. On development masks leaves of one row took
#: letter (20000 rows) from 0.0637 to 0.0607 RMSE at 3% more fit time, but
#: moved the smaller tables by 0.0003 at most either way while the forest,
#: most of a fit there, took 16% longer on breast cancer
#: (``benchmarks/results/study_cost.md``).
FOREST_LEAF, FINE_FOREST_LEAF, FINE_LEAF_ROWS = 2, 1, 10000
#: The same on a mixed table, where the trees see the categorical columns as
#: ordinal codes (MissForest's randomForest stops its regression trees at 5
#: rows a node). On the mixed tables' development masks the larger leaves
#: were better on credit_data and births14 and cost less
#: (``benchmarks/results/mixed/search.md``).
ORDINAL_FOREST_LEAF = 5
#: Trees per feature and rounds of the forest on a mixed table, chosen with
#: it on the mixed tables' development masks.
ORDINAL_FOREST_TREES, ORDINAL_FOREST_ROUNDS = 30, 4
#: A member whose weight in the blend of the members alone stays below this
#: on every column is dropped before the networks train: it is neither
#: refitted nor run by ``transform`` (KNN's imputation of 20000 rows takes
#: seconds where its weight was 0.004). The networks are left out of the
#: final blend below the same weight.
MIN_MEMBER_WEIGHT = 0.05

#: Members of a blend are fitted on one BLAS and OpenMP thread on tables of
#: fewer entries (rows x features) than this: there, a second thread slowed
#: every member measured on the 2-core development machine
#: (``benchmarks/results/study_member_threads.md``; HexaGANClassifier's
#: default fit on breast cancer took 9.9 s with two threads, 7.0 s with one).
SINGLE_THREAD_ENTRIES = 1 << 20

BLEND_MEMBERS = ("iterative", "knn", "forest")
#: The members of ``blend_with="auto"`` on a mixed table. KNN is left out:
#: on the mixed tables' development masks the blend without it imputed the
#: same to the fourth decimal (its weight mostly below ``MIN_MEMBER_WEIGHT``)
#: and its held-out imputation cost 16-19% of a fit on credit_data and SLID
#: (``benchmarks/results/mixed/search.md``).
MIXED_BLEND_MEMBERS = ("iterative", "forest")
#: On a mixed table, the candidate that fills a categorical column with its
#: most frequent category (its training frequencies as probabilities).
MOST_FREQUENT = "most_frequent"


def forest_leaf(n_samples):
    """Rows per leaf of the numeric "forest" member's trees on a table of
    ``n_samples`` rows."""
    return FINE_FOREST_LEAF if n_samples >= FINE_LEAF_ROWS else FOREST_LEAF


def make_member(
    name, shape, seed, *, trees=None, rounds=None, skip_complete=False,
    min_samples_leaf=None,
):
    """The scikit-learn imputer blended under ``name`` for a table of
    ``shape`` (the "forest" with at most ``trees`` trees per feature,
    default ``FOREST_TREES``, ``rounds`` rounds, default ``FOREST_ROUNDS``,
    and leaves of ``min_samples_leaf`` rows, default :func:`forest_leaf`;
    ``skip_complete`` as IterativeImputer's)."""
    trees = min(trees or FOREST_TREES, FOREST_TREES)
    rounds = rounds or FOREST_ROUNDS
    n_samples, n_features = shape
    predictors = None if n_features <= MAX_PREDICTORS else MAX_PREDICTORS
    if name == "iterative":
        return IterativeImputer(
            n_nearest_features=predictors,
            keep_empty_features=True,
            skip_complete=skip_complete,
            random_state=seed,
        )
    if name == "forest":
        # MissForest (Stekhoven and Buehlmann, 2012) kept small: 50 trees and
        # 3 rounds instead of 100 and 10 (more rounds measured no better on
        # development masks: benchmarks/results/study_cost.md).
        if n_features <= FOREST_ALL_PREDICTORS:
            predictors = None
        trees = ExtraTreesRegressor(
            n_estimators=int(np.clip(FOREST_MAX_TREES // (rounds * n_features), 1, trees)),
            max_features="sqrt",
            min_samples_leaf=min_samples_leaf or forest_leaf(n_samples),
            # Large tables: each tree learns from a bootstrap sample of
            # FOREST_MAX_ROWS rows, not from every row.
            bootstrap=n_samples > FOREST_MAX_ROWS,
            max_samples=FOREST_MAX_ROWS if n_samples > FOREST_MAX_ROWS else None,
            random_state=seed,
        )
        return IterativeImputer(
            trees,
            max_iter=rounds,
            n_nearest_features=predictors,
            keep_empty_features=True,
            skip_complete=skip_complete,
            random_state=seed,
        )
    return KNNImputer(keep_empty_features=True)


def check_members(names, known=BLEND_MEMBERS):
    """``blend_with`` as a tuple of distinct names among ``known``."""
    names = tuple(names or ())
    unknown = [name for name in names if name not in known]
    if unknown or len(set(names)) != len(names):
        raise ValueError(
            f"blend_with must hold distinct names among {known}, got {names!r}."
        )
    return names


def _fitted(name, member, X01, rng):
    """``member`` fitted on ``X01`` (KNN on at most ``KNN_MAX_DONORS`` rows)."""
    if name == "knn" and len(X01) > KNN_MAX_DONORS:
        X01 = X01[np.sort(rng.choice(len(X01), KNN_MAX_DONORS, replace=False))]
    return member.fit(X01)


class Blend:
    """Weights of the networks and of the fitted scikit-learn imputers.

    Every member works in the networks' [0, 1] scale, so that KNN's
    distances weigh the features alike and no member sees the raw range.

    Attributes
    ----------
    weights_ : dict of str to float, or ndarray of shape (n_columns, n_keys)
        ``"network"`` and one entry per member; on a mixed table, the
        weights of every (encoded) column, in the order of ``keys_``.
    heldout_rmse_ : float
        RMSE of the blend on the held-out entries, in the [0, 1] scale
        (NaN when no entry was held out).
    members_ : dict of str to estimator
        The fitted scikit-learn imputers.
    """

    def __init__(self, weights, heldout_rmse, members, keys=None, frequencies=None):
        self.weights_ = weights
        self.heldout_rmse_ = heldout_rmse
        self.members_ = members
        self.keys_ = keys
        self.frequencies_ = frequencies

    def weight(self, name):
        """The weight of ``name``: a float, or one per column on a mixed
        table (0 for a name the blend left out)."""
        if self.keys_ is None:
            return self.weights_.get(name, 0.0)
        if name not in self.keys_:
            return np.zeros(len(self.weights_))
        return self.weights_[:, self.keys_.index(name)]

    def uses(self, name):
        """Whether ``name`` has a weight anywhere."""
        return bool(np.any(self.weight(name)))

    def combine(self, network01, X01):
        """The blended imputation of ``X01`` (scaled, NaN where missing)
        from the networks' imputation ``network01``."""
        out = self.weight("network") * network01
        if np.isnan(X01).any():
            for name, member in self.members_.items():
                # Members with no weight are not run (KNN's transform is
                # the costly part of a transform on large tables).
                if self.uses(name):
                    out = out + self.weight(name) * member.transform(X01)
        if self.keys_ is not None:
            out = out + self.weight(MOST_FREQUENT) * self.frequencies_
        return out


class MixedMember:
    """A member on a mixed table.

    The scikit-learn imputer models the numeric columns alone, so that its
    cost grows with them, not with the one-hot columns: each categorical
    column reaches it either as its one-hot block filled with the observed
    frequencies of its categories (``ordinal=False``) or, for trees, as one
    ordinal code, ``-1`` where missing (``ordinal=True``: a table with
    factors as MissForest sees it, where a split draws among the table's
    columns, not among one-hot columns). With a ``classifier``, each
    categorical column is then predicted from the other columns of the
    imputed table by a clone of it, whose class probabilities fill the
    column's one-hot block where it is missing: MissForest's treatment of
    categories for the "forest" member (trees), its linear counterpart for
    the "iterative" one.

    Parameters
    ----------
    member : estimator
        The scikit-learn imputer.
    groups : list of (int, int)
        The one-hot blocks, as ``(start, stop)`` column ranges.
    classifier : classifier or None
        Unfitted classifier of each categorical column (None: none, the
        column keeps its frequencies).
    ordinal : bool
        Whether ``member`` and ``classifier`` see a categorical column as
        one ordinal code instead of its one-hot block.
    """

    def __init__(self, member, groups, classifier=None, *, ordinal=False):
        self.member = member
        self.groups = groups
        self.classifier = classifier
        self.ordinal = ordinal

    def _member_input(self, X01):
        """``X01`` as ``member`` sees it."""
        filled = np.where(np.isnan(X01), self.fill_, X01)
        if not self.ordinal:
            return filled
        codes = [
            np.where(np.isnan(X01[:, start]), -1.0, np.argmax(filled[:, start:stop], axis=1))
            for start, stop in self.groups
        ]
        return np.column_stack([X01[:, self.numeric_], *codes])

    def _encoded(self, completed, X01):
        """``member``'s imputation ``completed`` in the columns of ``X01``
        (the one-hot blocks hold the frequencies where missing)."""
        if not self.ordinal:
            return completed
        out = np.where(np.isnan(X01), self.fill_, X01)
        out[:, self.numeric_] = completed[:, : len(self.numeric_)]
        return out

    def _predictors(self, completed, group):
        """The columns of ``completed`` that predict categorical column
        ``group``: all but its own."""
        if self.ordinal:
            return np.delete(completed, len(self.numeric_) + group, axis=1)
        return np.delete(completed, np.s_[slice(*self.groups[group])], axis=1)

    def fit(self, X01):
        if self.classifier is None:
            self._fit_encoding(X01)
            self.member.fit(self._member_input(X01))
        else:
            self._fit_completed(X01)
        return self

    def fit_transform(self, X01):
        """``fit(X01).transform(X01)``, without imputing ``X01`` twice (the
        member's ``fit_transform`` imputes it as its ``transform`` would)."""
        return self._completed_output(self._fit_completed(X01), X01)

    def _fit_encoding(self, X01):
        one_hot = np.zeros(X01.shape[1], dtype=bool)
        for start, stop in self.groups:
            one_hot[start:stop] = True
        self.numeric_ = np.flatnonzero(~one_hot)
        self.fill_ = np.full(X01.shape[1], np.nan)
        self.fill_[one_hot] = np.nan_to_num(np.nanmean(X01[:, one_hot], axis=0))
        self.classifiers_ = []

    def _fit_completed(self, X01):
        """Fit the member and the classifiers; returns the member's
        imputation of ``X01``."""
        self._fit_encoding(X01)
        completed = self.member.fit_transform(self._member_input(X01))
        if self.classifier is None:
            return completed
        for group, (start, stop) in enumerate(self.groups):
            observed = ~np.isnan(X01[:, start])
            codes = np.argmax(X01[observed, start:stop], axis=1)
            if len(np.unique(codes)) < 2:
                self.classifiers_.append(None)
                continue
            others = self._predictors(completed[observed], group)
            self.classifiers_.append(clone(self.classifier).fit(others, codes))
        return completed

    def transform(self, X01):
        return self._completed_output(self.member.transform(self._member_input(X01)), X01)

    def _completed_output(self, completed, X01):
        """The member's imputation ``completed`` of ``X01`` in the columns of
        ``X01``, the categorical columns' probabilities where missing."""
        out = self._encoded(completed, X01)
        for group, ((start, stop), classifier) in enumerate(zip(self.groups, self.classifiers_)):
            missing = np.isnan(X01[:, start])
            if classifier is not None and missing.any():
                block = np.zeros((missing.sum(), stop - start))
                block[:, classifier.classes_] = classifier.predict_proba(
                    self._predictors(completed[missing], group)
                )
                out[missing, start:stop] = block
        return out


def member_classifier(name, trees, seed):
    """The classifier of the categorical columns of member ``name`` on a
    mixed table (None for "knn", whose neighbours' frequencies would add
    little to the forest's)."""
    if name == "forest":
        return ExtraTreesClassifier(
            n_estimators=trees, max_features="sqrt", min_samples_leaf=2, random_state=seed
        )
    if name == "iterative":
        return LogisticRegression(max_iter=1000)
    return None


class MemberFits:
    """The members ``names`` of a blend on the table ``X01``.

    On creation, each member imputes the ``held`` entries with those
    entries hidden (``predictions``; the "forest" then with
    ``HELDOUT_FOREST_TREES`` trees per feature: its refit is the costly part
    of a fit on small tables). :meth:`prune` drops the members the blend
    hardly uses; :meth:`refit` then fits the others on every observed entry
    (``fitted``), once the networks have trained.

    ``X01`` holds the non-empty features scaled to [0, 1], NaN where
    missing. ``groups``, the one-hot blocks of a mixed table, makes each
    member a :class:`MixedMember`. The members' ``ConvergenceWarning`` is
    silenced by :func:`quiet_members`, around their whole lifetime.
    """

    def __init__(self, names, X01, held, *, seed, groups=None):
        self._X01, self._seed, self._groups = X01, seed, groups
        self._rng = np.random.default_rng(seed)
        self.fitted = None
        self.predictions = {}
        X_fit = np.where(held, np.nan, X01)
        with member_threads(X01.shape):
            for name in names:
                if not held.any():
                    self.predictions[name] = np.empty(0)
                    continue
                heldout = self._member(name, trees=HELDOUT_FOREST_TREES)
                self.predictions[name] = self._heldout_predictions(
                    name, heldout, X_fit, held
                )

    def _heldout_predictions(self, name, member, X_fit, held):
        """``member``, fitted on ``X_fit``, imputing its ``held`` entries.

        The round-robin members impute the table they learn from in
        ``fit_transform`` as their ``transform`` would, so the held-out
        entries cost no second pass; KNN (its ``fit`` stores the donors)
        imputes only the rows that hold a held-out entry.
        """
        if name != "knn":
            return member.fit_transform(X_fit)[held]
        rows = held.any(axis=1)
        fitted = _fitted(name, member, X_fit, self._rng)
        return fitted.transform(X_fit[rows])[held[rows]]

    def _member(self, name, trees=None):
        shape, seed = self._X01.shape, self._seed
        if self._groups is None:
            return make_member(name, shape, seed, trees=trees)
        # Trees take a categorical column as one ordinal code, so they see
        # the table's columns (see MixedMember); the "iterative" member's
        # linear models and KNN's distances take its one-hot block.
        ordinal = name == "forest"
        if ordinal:
            shape = (shape[0], shape[1] - sum(stop - start - 1 for start, stop in self._groups))
        trees = min(trees or ORDINAL_FOREST_TREES, ORDINAL_FOREST_TREES)
        imputer = make_member(
            name, shape, seed, trees=trees, skip_complete=True,
            **(
                dict(rounds=ORDINAL_FOREST_ROUNDS, min_samples_leaf=ORDINAL_FOREST_LEAF)
                if ordinal else {}
            ),
        )
        classifier = member_classifier(name, trees, seed)
        return MixedMember(imputer, self._groups, classifier, ordinal=ordinal)

    def prune(self, target, mixed=None):
        """Keep the members whose largest weight in the blend of the members
        alone (see :func:`fit_blend`; ``target``: the held-out entries' true
        values) is at least ``MIN_MEMBER_WEIGHT``, and the heaviest one at
        least. Returns the names dropped."""
        if len(self.predictions) < 2 or not len(target):
            return []
        blend = fit_blend(None, self.predictions, target, mixed)
        largest = {name: float(np.max(blend.weight(name))) for name in self.predictions}
        heaviest = max(largest, key=largest.get)
        dropped = [
            name
            for name, weight in largest.items()
            if weight < MIN_MEMBER_WEIGHT and name != heaviest
        ]
        for name in dropped:
            del self.predictions[name]
        return dropped

    def refit(self):
        """Fit the members kept on every observed entry: ``fitted``."""
        with member_threads(self._X01.shape):
            self.fitted = {
                name: _fitted(name, self._member(name), self._X01, self._rng)
                for name in self.predictions
            }
        return self.fitted


@contextmanager
def member_threads(shape):
    """One BLAS and OpenMP thread for the block on a table of ``shape``
    with fewer than ``SINGLE_THREAD_ENTRIES`` entries (the caller's
    setting, restored after, otherwise)."""
    if shape[0] * shape[1] < SINGLE_THREAD_ENTRIES:
        with threadpool_limits(limits=1):
            yield
    else:
        yield


@contextmanager
def quiet_members():
    """Silence the members' ``ConvergenceWarning`` (IterativeImputer's
    stopping criterion, the logistic member's iterations: details of one
    member) while the block runs. Only warnings issued from scikit-learn's
    modules are silenced: skgan's own (a diverging network) go through.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ConvergenceWarning, module=r"sklearn\.")
        yield


def nnls_weights(predictions, target, n_weights):
    """Non-negative least-squares weights, equal ones when NNLS gives none."""
    if len(target):
        weights, _ = nnls(predictions, target)
        if weights.any():
            return weights
    return np.ones(n_weights) / n_weights


def fit_blend(network_predictions, member_predictions, target, mixed=None, *, members=None):
    """The blend of the networks and the members from their imputations of
    the held-out entries, whose true values are ``target``:
    ``network_predictions`` (None: the blend of the members alone) and
    ``member_predictions``, a dict by member name. ``members``, the fitted
    members, are those :meth:`Blend.combine` runs.

    Non-negative least squares gives one weight per member for the whole
    table (weights per feature, pulled toward the table's, measured no
    better on development masks: ``benchmarks/results/study_blended.md``).
    With no member the networks get weight 1, and with no held-out entry
    every one gets the same weight.

    On a mixed table, ``mixed`` = ``(held, groups, frequencies)``: the mask
    of the held-out entries, the one-hot blocks and the frequencies of the
    categories in training (one per one-hot column). Numeric entries get the
    weights above, fitted on them alone: the squared error of a one-hot
    entry and that of a scaled number are not on the same footing. Each
    categorical column gets, among the networks alone, each member alone,
    its most frequent category (so that no column is filled worse than
    :class:`~sklearn.impute.SimpleImputer` would fill it on held-out
    entries) and the least-squares blend of all categorical entries, the
    one that restores most of its held-out categories (accuracy, the
    measure that matters for a category; ties to the most frequent
    category, then to the blend): on development masks the
    least-squares blend, which minimises the Brier score, restored fewer
    categories than the best member alone.
    """
    columns = {} if network_predictions is None else {"network": network_predictions}
    columns.update(member_predictions)
    keys = tuple(columns)
    predictions = np.column_stack(list(columns.values()))
    members = {} if members is None else members

    def weights_of(rows):
        if len(keys) == 1:
            return np.ones(1)
        return nnls_weights(predictions[rows], target[rows], len(keys))

    if mixed is None:
        weights = weights_of(slice(None))
        fitted = predictions @ weights
        return Blend(dict(zip(keys, map(float, weights))), _rmse(fitted, target), members)
    held, groups, frequencies = mixed
    categorical = np.zeros(held.shape[1], dtype=bool)
    for start, stop in groups:
        categorical[start:stop] = True
    entry_is_categorical = np.broadcast_to(categorical, held.shape)[held]
    numeric_weights = np.append(weights_of(~entry_is_categorical), 0.0)
    blend_weights = np.append(weights_of(entry_is_categorical), 0.0)
    keys = (*keys, MOST_FREQUENT)
    column_weights = np.where(categorical[:, None], blend_weights, numeric_weights)
    stacked = np.zeros((*held.shape, len(keys)))
    stacked[held] = np.column_stack(
        [predictions, np.broadcast_to(frequencies, held.shape)[held]]
    )
    truth = np.zeros(held.shape)
    truth[held] = target
    # Ties go to the most frequent category, the simplest candidate.
    candidates = [np.eye(len(keys))[-1], blend_weights, *np.eye(len(keys))[:-1]]
    for start, stop in groups:
        rows = held[:, start]
        if rows.any():
            block, true = stacked[rows, start:stop], truth[rows, start:stop].argmax(axis=1)
            accuracy = [np.mean((block @ w).argmax(axis=1) == true) for w in candidates]
            column_weights[start:stop] = candidates[int(np.argmax(accuracy))]
    fitted = (stacked * column_weights).sum(axis=2)[held]
    return Blend(column_weights, _rmse(fitted, target), members, keys, frequencies)


def final_blend(network_predictions, fits, target, mixed=None):
    """The blend :meth:`Blend.combine` uses: that of the networks and the
    members kept by ``fits`` (a :class:`MemberFits` after its refit), fitted
    as :func:`fit_blend` does, but without the networks where their weight
    stays below ``MIN_MEMBER_WEIGHT`` on every column: they are the costly
    part of a ``transform`` and would hardly change it."""
    blend = fit_blend(network_predictions, fits.predictions, target, mixed, members=fits.fitted)
    light = np.max(blend.weight("network")) < MIN_MEMBER_WEIGHT
    if fits.predictions and light and np.any(blend.weight("network")):
        blend = fit_blend(None, fits.predictions, target, mixed, members=fits.fitted)
    return blend


def _rmse(fitted, target):
    return float(np.sqrt(np.mean((fitted - target) ** 2))) if len(target) else np.nan
