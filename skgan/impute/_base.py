"""Behaviour shared by skgan's GAN imputers.

``missing_values``, ``add_indicator`` and ``keep_empty_features`` follow
:class:`sklearn.impute.SimpleImputer`. Data are scaled to ``[0, 1]`` per
feature inside (the papers' protocol) and scaled back on output; observed
entries are copied from the input, never passed through a network, so they
come back bit-identical.
"""

import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import TransformerMixin, _fit_context
from sklearn.impute import MissingIndicator
from sklearn.utils._missing import is_scalar_nan
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils._set_output import _wrap_data_with_container
from sklearn.utils.validation import (
    FLOAT_DTYPES,
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from .._base import BaseTorchGAN, draw_seed, fit_method, to_numpy
from .._schema import CATEGORICAL_FEATURES_DOC, check_missing_values_for_schema
from ._blend import (
    BLEND_MEMBERS,
    MIXED_BLEND_MEMBERS,
    MemberFits,
    check_members,
    final_blend,
    fit_blend,
    quiet_members,
)

#: Noise draws averaged when scoring the early-stopping signal.
VALIDATION_DRAWS = 4

#: Rows imputed at once in ``transform`` (bounds memory on large inputs).
TRANSFORM_CHUNK = 65536


#: Parameter and attribute docs of every GAN imputer, put in place of
#: ``%(name)s`` in a class docstring by :func:`shared_docs`.
SHARED_DOCS = {
    "categorical_features": CATEGORICAL_FEATURES_DOC,
    "heldout_parameters": """early_stopping : "auto" or bool, default="auto"
        Stop when the RMSE on the held-out entries (see
        ``validation_fraction``) has not improved for ``n_iter_no_change``
        epochs, and keep the best networks: the RMSE of their blend (see
        ``blend_with``; the networks train while they improve it), or of the
        networks alone without one. "auto" and True do so; False trains for
        ``max_iter`` epochs (the entries are still held out, for
        ``heldout_rmse_`` and the blend).
    validation_fraction : float, default=0.1
        Fraction of the observed entries hidden from training, drawn at
        random over the whole table (every feature keeps one observed entry
        to train on). They give ``heldout_rmse_``, the early-stopping signal
        and the blend's weights.""",
    "blend_with": """scikit-learn imputers blended with the networks (not in the paper).
        "auto" blends "iterative", "knn" and "forest" on a numeric table and
        "iterative" and "forest" on a mixed one (see :ref:`mixed`: there the
        blend without KNN imputed the same on development masks, at 16-19% less
        fit time). "iterative" is :class:`~sklearn.impute.IterativeImputer`,
        "forest" the same with :class:`~sklearn.ensemble.ExtraTreesRegressor`
        (MissForest kept small: 3 rounds of 50 trees, fewer trees from 61
        features on, each tree on at most 20000 rows, leaves of 2 rows, of 1 on
        tables of 10000 rows or more; every other feature a predictor up to 100
        features, the 50 nearest above), the first with at most 50 predictors
        per feature, and "knn" :class:`~sklearn.impute.KNNImputer` (at most 5000
        donor rows), all in the networks' [0, 1] scale. Each imputes the
        held-out entries from the rest, as the networks do, and the weights
        ``w >= 0`` minimise the squared error of ``w_0 G + sum_k w_k I_k`` on them
        (stacked regression, Breiman, 1996; the forest imputing them has 10
        trees per feature). A member whose weight in the blend of the members
        alone is below 0.05 is dropped (weight 0, never run), and so are the
        networks below that weight in the final blend; the other members are
        refitted on every observed entry. On a mixed table the members model the
        numeric columns, and the forest (its trees see a categorical column as
        one ordinal code) and the iterative member classify the categorical ones
        (see :ref:`mixed`).
        None or ``()`` uses the networks alone, as the paper does.
        :meth:`multiple_imputations` draws from the networks alone.""",
    "heldout_attributes": """heldout_rmse_ : float
        RMSE of the imputation on the held-out observed entries, features
        min-max scaled to [0, 1] (the benchmarks' convention): the user's
        estimate of the error on entries missing completely at random.
        Slightly optimistic, as the same entries chose the epoch kept and
        the blend's weights. NaN when no entry could be held out.
    blend_weights_ : dict
        Weight of the networks (``"network"``) and of each member of
        ``blend_with`` in :meth:`transform`, a dict of str to float. On a
        mixed table, one such dict for the numeric columns (``"numeric"``)
        and one for each categorical column, under its name.
    blend_ : object
        The blend: ``weights_``, ``heldout_rmse_`` and ``members_``, the
        fitted scikit-learn imputers.""",
}


def blend_kinds(layout, held, x01, kept):
    """``mixed`` of :func:`~skgan.impute._blend.fit_blend` for the ``held``
    entries of a table with this layout, scaled ``x01`` whose ``kept``
    entries are trained on: None for a numeric table."""
    if not layout.mixed:
        return None
    counts = np.where(kept, x01, 0.0).sum(axis=0)
    frequencies = np.where(
        layout.categorical, counts / np.maximum(kept.sum(axis=0), 1), 0.0
    )
    return held, layout.groups, frequencies


def _missing_pattern(missing):
    """NaN where ``missing``, 0 elsewhere: what the indicator is fitted on."""
    return np.where(missing, np.nan, 0.0)


def shared_docs(cls):
    """Class decorator: fill ``%(name)s`` in the docstring from ``SHARED_DOCS``."""
    if cls.__doc__:
        cls.__doc__ = cls.__doc__ % SHARED_DOCS
    return cls


def missing_mask(X, missing_values):
    """Boolean array, True where ``X`` holds ``missing_values``."""
    if is_scalar_nan(missing_values):
        return np.isnan(X)
    return X == missing_values


def hide_rate(m):
    """Share of observed entries to hide for self-supervision: the data's own
    missing rate, kept within [0.1, 0.5]."""
    return float(np.clip(1.0 - m.mean().item(), 0.1, 0.5))


def hide_observed(rt, m, rate):
    """A float mask of observed entries (``m == 1``) hidden at ``rate``
    (a categorical entry whole, see :meth:`~skgan._base.TorchRuntime.column_rand`)."""
    return (rt.column_rand(*m.shape) < rate) * m


def observed_features(mask, *, warn=True):
    """Boolean array of the features with at least one observed entry.

    A table with no observed entry at all is a ``ValueError``: there is
    nothing to learn from. Features missing everywhere are left out of
    training; ``warn`` says so as :class:`~sklearn.impute.SimpleImputer` does.
    """
    valid = ~mask.all(axis=0)
    if not valid.any():
        raise ValueError(
            "Every entry of X is missing; there is nothing to learn from."
        )
    if warn and not valid.all():
        warnings.warn(
            "Skipping features without any observed values: "
            f"{np.flatnonzero(~valid).tolist()}. At least one non-missing value "
            "is needed to learn a feature.",
            UserWarning,
        )
    return valid


class MinMaxScaling:
    """Per-feature scaling to ``[0, 1]`` from observed entries.

    Works in float64 whatever the input dtype, and on halved values, so that
    no intermediate overflows: the range of float16 data can exceed float16's
    largest value, and that of float64 data near +-1e308 exceeds float64's.
    Constant features get a unit divisor on the way in and a zero range on
    the way out, so anything imputed in them comes back as the constant.
    """

    def __init__(self, X, mask):
        observed = np.where(mask, np.nan, np.asarray(X, dtype=np.float64))
        self.min_ = np.nanmin(observed, axis=0)
        self.half_range_ = np.nanmax(observed, axis=0) / 2 - self.min_ / 2

    def scale(self, X, mask):
        divisor = np.where(self.half_range_ > 0, self.half_range_, 0.5)
        X = np.asarray(X, dtype=np.float64)
        return np.where(mask, 0.0, (X / 2 - self.min_ / 2) / divisor)

    def unscale(self, X01):
        return (self.min_ / 2 + X01 * self.half_range_) * 2


class BaseGANImputer(TransformerMixin, BaseTorchGAN):
    """Base class for GAN imputers.

    A subclass implements the phases of :class:`~skgan._base.BaseTorchGAN`,
    training from ``rt.data`` (``"x"``: scaled data with missing entries set
    to 0, ``"m"``: the mask, 1 = observed), and
    ``_impute_tensor(networks, x, m, noise)``,
    one imputation of scaled rows for one draw of uniform noise of the
    shape of ``x``.
    """

    _parameter_constraints = {
        **BaseTorchGAN._parameter_constraints,
        "missing_values": [Real, None],
        "add_indicator": ["boolean"],
        "keep_empty_features": ["boolean"],
        "transform_draws": [Interval(Integral, 1, None, closed="left")],
        "blend_with": [StrOptions({"auto"}), tuple, list, None],
    }

    # -- fit ---------------------------------------------------------------
    @fit_method
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the imputer's networks on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data, with missing entries marked by ``missing_values``.
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : object
            Fitted imputer.
        """
        X, table = self._fit_input(X)
        mask = missing_mask(X, self.missing_values)
        self.indicator_ = (
            MissingIndicator(missing_values=self.missing_values, error_on_new=False).fit(
                X if table is None else _missing_pattern(table.missing)
            )
            if self.add_indicator
            else None
        )
        warn = not self.keep_empty_features
        if table is not None:
            self._empty_columns = ~observed_features(table.missing, warn=warn)
            warn = False
        self._valid_features = observed_features(mask, warn=warn)
        X, mask = X[:, self._valid_features], mask[:, self._valid_features]
        self.scaling_ = MinMaxScaling(X, mask)
        x01 = self.scaling_.scale(X, mask)
        rt = self._make_runtime(*X.shape)
        rt.layout = self._encoded_layout(X.shape[1])
        members = self._blend_members(rt.layout.mixed)
        held = self._hold_out_entries(rt, ~mask)
        kept = ~mask & ~held
        rt.data = {"x": rt.tensor(np.where(kept, x01, 0.0)), "m": rt.tensor(kept)}
        # Drawn only for members: a fit without any keeps its networks'
        # random stream.
        seed = int(rt.numpy_generator.integers(2**31 - 1)) if members else None
        kinds = blend_kinds(rt.layout, held, x01, kept)
        with quiet_members():
            fits = MemberFits(
                members,
                np.where(mask, np.nan, x01),
                held,
                seed=seed,
                groups=rt.layout.groups if rt.layout.mixed else None,
            )
            fits.prune(x01[held], kinds)
            score = self._heldout_score(rt, kept, held, x01, fits.predictions, kinds)
            self._fit_networks(rt, score if self._early_stopping_enabled(X.shape[0]) else None)
            fits.refit()
        self.noise_bank_ = to_numpy(rt.rand(self.transform_draws, X.shape[1]))
        self.blend_ = final_blend(
            self._network_output(X, mask | held)[held], fits, x01[held], kinds
        )
        self.blend_weights_ = self._named_blend_weights(rt.layout)
        self.heldout_rmse_ = self.blend_.heldout_rmse_
        return self

    def _named_blend_weights(self, layout):
        """``blend_weights_``: the blend's weights, on a mixed table those of
        the numeric columns and of each categorical column by its name."""
        # Members dropped before the networks trained weigh 0.
        every = dict.fromkeys(("network", *self._blend_members(layout.mixed)), 0.0)
        if not layout.mixed:
            return {**every, **self.blend_.weights_}

        def named(column):
            weights = zip(self.blend_.keys_, self.blend_.weights_[column])
            return {**every, **{key: float(w) for key, w in weights}}

        names = _check_feature_names_in(self)[self._schema.column_of[self._valid_features]]
        numeric = np.flatnonzero(~layout.categorical)
        weights = {"numeric": named(numeric[0])} if len(numeric) else {}
        weights.update((names[start], named(start)) for start, _ in layout.groups)
        return weights

    def _early_stopping_enabled(self, n_samples):
        return self.early_stopping in ("auto", True)

    def _blend_members(self, mixed):
        """Names of the scikit-learn imputers blended with the networks on a
        numeric table, or a ``mixed`` one."""
        if isinstance(self.blend_with, str):  # "auto"
            return MIXED_BLEND_MEMBERS if mixed else BLEND_MEMBERS
        return check_members(self.blend_with)

    def _fit_input(self, X):
        """The table to learn from at fit, as floats (a mixed table encoded,
        see ``categorical_features``), and the mixed table as given (None
        for a numeric one)."""
        if self._learn_schema(X) is None:
            return self._validate_input(X, reset=True), None
        check_missing_values_for_schema(self.missing_values)
        table = self._encode_table(X, reset=True)
        return table.encoded, table

    def _validate_input(self, X, *, reset):
        allow_nan = is_scalar_nan(self.missing_values)
        X = validate_data(
            self,
            X,
            reset=reset,
            dtype=FLOAT_DTYPES,
            ensure_all_finite="allow-nan" if allow_nan else True,
            ensure_min_samples=2 if reset else 1,
            copy=False,
        )
        return X

    # -- held-out observed entries ------------------------------------------
    def _hold_out_entries(self, rt, observed):
        """Boolean array of observed entries hidden from training.

        ``validation_fraction`` of the observed entries, drawn at random;
        a feature keeps at least one observed entry for training.
        """
        uniform = rt.numpy_generator.uniform(size=(len(observed), rt.layout.n_columns))
        held = observed & (rt.layout.expand_numpy(uniform) < self.validation_fraction)
        emptied = ~(observed & ~held).any(axis=0)
        held[:, emptied] = False
        return held

    def _heldout_score(self, rt, kept, held, x01, member_predictions, kinds):
        """RMSE on the held-out entries as a function of the networks: that
        of their blend with the members (whose imputations of those entries
        are ``member_predictions``, by name; ``kinds``: see :func:`blend_kinds`), so
        that the networks train while they improve the blend, or of the
        networks alone when there is no member.

        The training table is imputed with its held-out entries hidden, as
        it is seen in training, with ``VALIDATION_DRAWS`` noise rows; only
        rows holding a held-out entry are imputed.
        """
        if not held.any():
            return None
        rows = held.any(axis=1)
        x = rt.tensor(np.where(kept, x01, 0.0)[rows])
        m = rt.tensor(kept[rows])
        target = rt.tensor(np.where(held, x01, 0.0)[rows])
        weight = rt.tensor(held[rows])
        noise = rt.rand(VALIDATION_DRAWS, x.shape[1])

        def heldout_rmse(networks):
            imputed = self._mean_imputation(networks, x, m, noise)
            if member_predictions:
                network_predictions = to_numpy(imputed)[held[rows]].astype(np.float64)
                return fit_blend(
                    network_predictions, member_predictions, x01[held], kinds
                ).heldout_rmse_
            return torch.sqrt((((imputed - target) * weight) ** 2).sum() / weight.sum())

        return heldout_rmse

    # -- transform ---------------------------------------------------------
    def _mean_imputation(self, networks, x, m, noise_bank):
        """Average of the imputations for every noise row of ``noise_bank``:
        the deterministic (conditional-mean) estimate used by ``transform``."""
        total = torch.zeros_like(x)
        for noise in noise_bank:
            total += self._impute_tensor(networks, x, m, noise.expand_as(x))
        return total / len(noise_bank)

    def _network_output(self, X, mask, draw=None, *, X01=None):
        """The networks' imputation of the non-empty features of ``X``, in
        the [0, 1] scale; ``draw(x, m)`` imputes scaled rows (default: the
        deterministic mean over ``noise_bank_``). ``X01``: ``X`` already
        scaled, when the caller has it."""
        device = self._inference_device()
        if draw is None:
            bank = torch.as_tensor(self.noise_bank_, dtype=torch.float32, device=device)

            def draw(x, m):
                return self._mean_imputation(self.networks_, x, m, bank)

        if X01 is None:
            X01 = self.scaling_.scale(X, mask)
        out = np.empty_like(X01)
        with torch.no_grad():
            for start in range(0, X.shape[0], TRANSFORM_CHUNK):
                rows = slice(start, start + TRANSFORM_CHUNK)
                x = torch.as_tensor(X01[rows], dtype=torch.float32, device=device)
                m = torch.as_tensor(~mask[rows], dtype=torch.float32, device=device)
                out[rows] = to_numpy(draw(x, m))
        return out

    def _impute_valid(self, X, mask, draw=None):
        """Impute the non-empty features of ``X``: the networks' output,
        blended (see ``blend_with``) unless ``draw`` gives single draws."""
        X01 = self.scaling_.scale(X, mask)
        if draw is not None:
            imputed01 = self._network_output(X, mask, draw, X01=X01)
        else:
            # Networks with no weight in the blend are not run.
            network01 = (
                self._network_output(X, mask, X01=X01)
                if self.blend_.uses("network")
                else np.zeros_like(X01)
            )
            imputed01 = self.blend_.combine(network01, np.where(mask, np.nan, X01))
        return np.where(mask, self.scaling_.unscale(imputed01), X)

    def _assemble(self, X, mask, imputed_valid):
        """Observed entries from ``X``, imputed ones from the networks, empty
        features per ``keep_empty_features``, then the indicator."""
        out = X.copy()
        out[:, self._valid_features] = imputed_valid
        empty = ~self._valid_features
        if empty.any():
            if self.keep_empty_features:
                out[:, empty] = np.where(mask[:, empty], 0.0, X[:, empty])
            else:
                out = out[:, self._valid_features]
        if self.indicator_ is not None:
            out = np.hstack([out, self.indicator_.transform(X).astype(out.dtype)])
        return out

    def _assemble_table(self, table, imputed_valid, random_state=None):
        """The mixed table with its missing entries filled: a categorical one
        with the category of largest imputed value (drawn from those values
        when ``random_state`` is given), a numeric one with its imputed
        value; observed entries as given. Empty columns per
        ``keep_empty_features`` (a categorical one stays missing), then the
        indicator."""
        encoded = table.encoded.copy()
        encoded[:, self._valid_features] = imputed_valid
        columns = self._schema.fill(
            table.columns, table.missing, encoded, random_state=random_state
        )
        kept = []
        for values, empty, categorical in zip(
            columns, self._empty_columns, self._schema.is_categorical
        ):
            if not empty:
                kept.append(values)
            elif self.keep_empty_features:
                kept.append(values if categorical else np.nan_to_num(values))
        if self.indicator_ is not None:
            flags = self.indicator_.transform(_missing_pattern(table.missing))
            kept.extend(flags.T.astype(np.float64))
        return self._table_container(table.X, kept, self.get_feature_names_out())

    def _output(self, X, mask, imputed_valid, table, random_state=None):
        """The transformed table: numeric (:meth:`_assemble`) or mixed
        (:meth:`_assemble_table`)."""
        if table is None:
            return self._assemble(X, mask, imputed_valid)
        return self._assemble_table(table, imputed_valid, random_state)

    def _checked_transform_input(self, X):
        """The table to impute as floats (a mixed one encoded), its missing
        mask and the mixed table as given (None for a numeric one)."""
        check_is_fitted(self)
        if self._schema is None:
            X = self._validate_input(X, reset=False)
            return X, missing_mask(X, self.missing_values), None
        table = self._encode_table(X, reset=False)
        return table.encoded, np.isnan(table.encoded), table

    def transform(self, X):
        """Fill the missing entries of ``X``.

        Each missing entry gets the average of ``transform_draws`` imputations
        made with noise fixed at fit time, an estimate of its conditional
        mean; the result is therefore deterministic. Observed entries are
        returned unchanged.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data with missing entries.

        Returns
        -------
        X_imputed : ndarray of shape (n_samples, n_features_out)
            ``X`` with its missing entries filled.
        """
        X, mask, table = self._checked_transform_input(X)
        valid = self._valid_features
        imputed = self._impute_valid(X[:, valid], mask[:, valid])
        return self._output(X, mask, imputed, table)

    def multiple_imputations(self, X, n_imputations=5, *, random_state=None):
        """Draw several stochastic imputations of ``X`` (multiple imputation).

        Each imputation uses fresh noise, so the spread between them reflects
        the model's uncertainty about the missing entries. Observed entries
        are the same in all of them.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data with missing entries.
        n_imputations : int, default=5
            Number of imputations to draw.
        random_state : int, RandomState instance or None, default=None
            Seed of the noise; an int gives the same imputations every call.

        Returns
        -------
        imputations : list of ndarray of shape (n_samples, n_features_out)
            Containers follow :meth:`set_output`, as :meth:`transform`'s.
        """
        if not isinstance(n_imputations, Integral) or n_imputations < 1:
            raise ValueError(
                f"n_imputations must be a positive integer, got {n_imputations!r}."
            )
        X_in = X
        X, mask, table = self._checked_transform_input(X)
        device = self._inference_device()
        seed = draw_seed(random_state)
        generator = torch.Generator(device=device).manual_seed(seed)
        # Draws of the categories, from the imputed values as probabilities.
        choices = np.random.default_rng(seed)
        valid = self._valid_features

        def draw(x, m):
            noise = torch.rand(
                x.shape, generator=generator, device=device, dtype=torch.float32
            )
            return self._impute_tensor(self.networks_, x, m, noise)

        return [
            _wrap_data_with_container(
                "transform",
                self._output(
                    X,
                    mask,
                    self._impute_valid(X[:, valid], mask[:, valid], draw),
                    table,
                    choices,
                ),
                X_in,
                self,
            )
            for _ in range(n_imputations)
        ]

    def get_feature_names_out(self, input_features=None):
        """Output feature names.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; ``feature_names_in_`` when fitted on a
            DataFrame, else ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        input_features = _check_feature_names_in(self, input_features)
        names = input_features
        if not self.keep_empty_features:
            names = names[
                self._valid_features if self._schema is None else ~self._empty_columns
            ]
        if self.indicator_ is not None:
            names = np.concatenate(
                [names, self.indicator_.get_feature_names_out(input_features)]
            )
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
