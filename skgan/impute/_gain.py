"""GAIN imputer (Yoon, Jordon and van der Schaar, ICML 2018)."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions
from torch.nn import functional as F

from .._nn import apply_gradients, fill_missing, make_mlp
from ._base import BaseGANImputer, shared_docs


@shared_docs
class GAINImputer(BaseGANImputer):
    """Impute missing values with GAIN (Generative Adversarial Imputation Nets).

    The generator ``G`` sees a row with its missing entries replaced by
    noise, ``x~ = m * x + (1 - m) * z``, and its mask ``m``, and proposes a
    complete row; the imputed row keeps the observed entries,
    ``x^ = m * x + (1 - m) * G(x~, m)``. The discriminator ``D`` sees ``x^``
    and a hint ``h = m * b``, ``b ~ Bernoulli(hint_rate)``, and predicts for
    every entry whether it was observed. Both are trained with element-wise
    cross-entropy (paper, eqs. 4-6 and Algorithm 1):

    .. math::

        L_D &= -E[m^T \\log D(x^, h) + (1 - m)^T \\log(1 - D(x^, h))] \\\\
        L_G &= -E[(1 - m)^T \\log D(x^, h)]
               + \\alpha \\, E[\\| m \\odot (x - G(x~, m)) \\|^2] / E[m]

    Each training step makes one update of ``D``, then one of ``G`` on the
    same mini-batch, with Adam. On a mixed table ``D`` scores each column
    once (a categorical entry is one element, however many one-hot columns
    encode it).

    By default the networks are blended with scikit-learn imputers fitted on
    the same table (``blend_with``), as in :class:`MisGANImputer` and
    :class:`HexaGANImputer`, and early stopping waits 10 epochs. The
    paper's GAIN, the papers' common baseline, is ``blend_with=None,
    n_iter_no_change=50``: the networks alone (the paper trains a fixed
    number of steps; early stopping is skgan's, with the longer patience
    the networks alone need).

    Parameters
    ----------
    missing_values : float or None, default=np.nan
        The placeholder for missing values.
    %(categorical_features)s
    add_indicator : bool, default=False
        If True, append a :class:`~sklearn.impute.MissingIndicator` output.
    keep_empty_features : bool, default=False
        If True, features with only missing values at fit are kept and
        imputed with 0, as in :class:`~sklearn.impute.SimpleImputer`;
        otherwise they are dropped with a ``UserWarning``. An ``X`` without
        any observed entry is a ``ValueError``.
    hidden_size : int or "auto", default="auto"
        Width of the two hidden layers of both networks; "auto" uses the
        number of features, as the paper, with a floor of 8.
    alpha : float, default=100.0
        Weight of the reconstruction loss on observed entries.
    hint_rate : float, default=0.9
        Probability that the hint reveals an entry's mask to ``D``.
    noise_scale : float, default=0.01
        Missing entries of ``G``'s input are drawn from
        ``U(0, noise_scale)`` (in the [0, 1] scale), as in the authors' code.
    learning_rate : float, default=1e-3
        Adam step size of both networks.
    blend_with : "auto", tuple of str or None, default="auto"
        %(blend_with)s
    max_iter : int or "auto", default="auto"
        Maximum number of epochs; "auto" targets about 4000 updates of each
        network, between 5 and 2000 epochs.
    batch_size : int or "auto", default=128
        Mini-batch size (capped by ``n_samples``); "auto" is
        ``n_samples // 64`` within [64, 256].
    %(heldout_parameters)s
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs (50 in the paper setting: the
        networks alone need the longer wait).
    transform_draws : int, default=1
        Number of generator draws averaged by :meth:`transform`. GAIN's
        noise is small (``noise_scale``), so one draw is close to their
        mean.
    device : str, default="auto"
        Torch device: "cpu", "cuda", "cuda:1", ... or "auto": a visible GPU
        when one mini-batch update is large enough to gain from it (tables
        of about 10000 x 100 and up), else the CPU.
    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the noise, the hints and the batches.
    verbose : int, default=0
        Show a progress bar with the current losses when positive.

    Attributes
    ----------
    networks_ : dict of str to torch.nn.Module
        ``generator`` and ``discriminator``.
    history_ : dict of str to list of float
        Per-epoch mean loss of both networks, and ``validation``, the
        networks' RMSE on the held-out entries, when early stopping is on.
    %(heldout_attributes)s
    n_iter_ : int
        Number of epochs run.
    best_iteration_ : int
        Epoch whose networks were kept.
    device_ : torch.device
        Device the networks were trained on.
    scaling_ : object
        Per-feature minimum and range used for the internal [0, 1] scaling.
    noise_bank_ : ndarray of shape (transform_draws, n_features)
        Noise fixed at fit time that makes :meth:`transform` deterministic.
    indicator_ : MissingIndicator or None
        Indicator used when ``add_indicator=True``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, for DataFrame input.

    See Also
    --------
    MisGANImputer : Imputation by learning the mask and data distributions.
    HexaGANImputer : The imputation part of HexaGAN.
    sklearn.impute.IterativeImputer : Multivariate round-robin imputation.

    Notes
    -----
    As in the authors' code, the hint is ``h = m * b`` (entries not revealed
    read as missing) and ``D`` outputs logits, so the cross-entropies are
    computed stably. :meth:`multiple_imputations` draws fresh noise, but
    with GAIN's small noise the draws differ little: GAIN is close to a
    deterministic imputer.

    References
    ----------
    .. [1] J. Yoon, J. Jordon and M. van der Schaar, "GAIN: Missing Data
       Imputation using Generative Adversarial Nets", ICML 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan import GAINImputer
    >>> X = np.array([[1.0, 2.0], [np.nan, 3.0], [7.0, 6.0], [4.0, np.nan]] * 10)
    >>> imputer = GAINImputer(max_iter=5, random_state=0).fit(X)
    >>> imputer.transform(X).shape
    (40, 2)
    """

    _parameter_constraints = {
        **BaseGANImputer._parameter_constraints,
        "hidden_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "hint_rate": [Interval(Real, 0, 1, closed="both")],
        "noise_scale": [Interval(Real, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
    }

    #: ``max_iter="auto"``: GAIN's steps are cheap (no gradient penalty, one
    #: critic update), so it gets twice the common budget of updates.
    _auto_steps = 4000

    def __init__(
        self,
        *,
        missing_values=np.nan,
        categorical_features="from_dtype",
        add_indicator=False,
        keep_empty_features=False,
        hidden_size="auto",
        alpha=100.0,
        hint_rate=0.9,
        noise_scale=0.01,
        learning_rate=1e-3,
        blend_with="auto",
        max_iter="auto",
        batch_size=128,
        early_stopping="auto",
        validation_fraction=0.1,
        n_iter_no_change=10,
        transform_draws=1,
        device="auto",
        random_state=None,
        verbose=0,
    ):
        self.missing_values = missing_values
        self.categorical_features = categorical_features
        self.add_indicator = add_indicator
        self.keep_empty_features = keep_empty_features
        self.hidden_size = hidden_size
        self.alpha = alpha
        self.hint_rate = hint_rate
        self.noise_scale = noise_scale
        self.learning_rate = learning_rate
        self.blend_with = blend_with
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.transform_draws = transform_draws
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # -- networks ----------------------------------------------------------
    def _build_networks(self, rt):
        d = rt.data["x"].shape[1]
        h = max(d, 8) if self.hidden_size == "auto" else self.hidden_size
        g = rt.cpu_generator
        return {
            "generator": make_mlp(
                [2 * d, h, h, d], output=rt.layout.output_head(), generator=g
            ),
            # Logits: the sigmoid is folded into the cross-entropies. One per
            # table column: a categorical entry is one element to tell.
            "discriminator": make_mlp([2 * d, h, h, rt.layout.n_columns], generator=g),
        }

    def _build_optimizers(self, networks):
        return {
            name: torch.optim.Adam(net.parameters(), lr=self.learning_rate, fused=True)
            for name, net in networks.items()
        }

    def _generate(self, networks, x, m, noise):
        """``G(x~, m)`` with ``x~ = m * x + (1 - m) * noise_scale * noise``."""
        x_tilde = fill_missing(x, m, self.noise_scale * noise)
        return networks["generator"](torch.cat([x_tilde, m], dim=1))

    def _impute_tensor(self, networks, x, m, noise):
        """``x^ = m * x + (1 - m) * G(x~, m)``: observed entries kept outside."""
        return fill_missing(x, m, self._generate(networks, x, m, noise))

    # -- one step of Algorithm 1 -------------------------------------------
    def _train_step(self, rt, networks, optimizers, batch, step):
        x, m = batch["x"], batch["m"]
        hint = m * (rt.column_rand(*m.shape) < self.hint_rate)
        generated = self._generate(networks, x, m, rt.rand(*x.shape))
        x_hat = fill_missing(x, m, generated)

        # D: tell observed from imputed entries, given the hint.
        observed = rt.layout.per_column(m)
        logits = networks["discriminator"](torch.cat([x_hat.detach(), hint], dim=1))
        loss_d = F.binary_cross_entropy_with_logits(logits, observed)
        apply_gradients(loss_d, networks, {"discriminator": optimizers["discriminator"]})

        # G: fool the updated D on the missing entries, reconstruct the
        # observed ones. -log D = softplus(-logit).
        logits = networks["discriminator"](torch.cat([x_hat, hint], dim=1))
        adversarial = (F.softplus(-logits) * (1 - observed)).mean()
        if rt.layout.mixed:
            reconstruction = rt.layout.reconstruction_loss(generated, x, m)
        else:
            reconstruction = ((m * (x - generated)) ** 2).mean() / m.mean().clamp_min(1e-8)
        loss_g = adversarial + self.alpha * reconstruction
        apply_gradients(loss_g, networks, {"generator": optimizers["generator"]})
        return {"discriminator": loss_d.detach(), "generator": loss_g.detach()}
