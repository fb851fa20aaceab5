"""HexaGAN's missing-data imputation (Hwang, Jung and Yoon, ICML 2019).

This module holds the imputation part of HexaGAN -- the encoder ``E``, the
imputation generator ``G_MI`` and the element-wise discriminator ``D_MI``
with their losses (paper, section 3.1 and Algorithm 1) -- as
:class:`HexaGANImputationMixin`, shared by :class:`HexaGANImputer` here and
by :class:`~skgan.HexaGANClassifier`, which adds the other three networks.
"""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions

from .._nn import (
    apply_gradients,
    elementwise_critic_loss,
    elementwise_generator_loss,
    elementwise_zero_centred_penalty,
    fill_missing,
    make_mlp,
)
from ._base import BaseGANImputer


def hidden_width(n_features, hidden_size):
    """Width of the hidden layers and of the hidden space ``h``.

    ``"auto"`` follows the paper's ``d / 2`` (supplement B.3), with a floor
    so that very narrow data still get a usable network.
    """
    if hidden_size != "auto":
        return int(hidden_size)
    return max(n_features // 2, 8)


def random_rows(rt, batch_size):
    """A mini-batch of ``rt.data`` drawn with replacement (critic updates)."""
    n = len(next(iter(rt.data.values())))
    idx = rt.randint(n, batch_size)
    return {key: value[idx] for key, value in rt.data.items()}


class HexaGANImputationMixin:
    """E, G_MI and D_MI: the networks and updates of HexaGAN's Algorithm 1.

    The host estimator provides ``hidden_size``, ``alpha`` (``alpha_1``, the
    weight of the reconstruction loss), ``gradient_penalty`` (``lambda_1``)
    and ``learning_rate``. ``D_MI`` scores every column of its input's
    targets separately: its ``real_mask`` has one column per output (the
    features, plus the label for the classifier).
    """

    def _imputation_networks(
        self, generator, n_features, n_label_inputs=0, n_label_outputs=0
    ):
        """``E: [x~, m] -> h``, ``G_MI: h -> x-bar``, ``D_MI: [x^, y] -> scores``.

        Layer sizes follow the supplement (B.3) and the authors' code:
        ``E`` is 2d -> w -> w with ReLU output (the hidden space), ``G_MI``
        w -> w -> d with sigmoid output, ``D_MI`` one hidden layer and raw
        (Wasserstein) scores.
        """
        d, w = n_features, hidden_width(n_features, self.hidden_size)
        self.hidden_size_ = w
        return {
            "encoder": make_mlp([2 * d, w, w], output="relu", generator=generator),
            "generator_mi": make_mlp([w, w, d], output="sigmoid", generator=generator),
            "discriminator_mi": make_mlp(
                [d + n_label_inputs, w, d + n_label_outputs], generator=generator
            ),
        }

    @staticmethod
    def _rmsprop(networks, names, lr):
        """RMSProp (the supplement, C.1, found it more stable than Adam)."""
        return {
            name: torch.optim.RMSprop(networks[name].parameters(), lr=lr, foreach=True)
            for name in names
        }

    # -- eqs. 1-2 ----------------------------------------------------------
    @staticmethod
    def _encode(networks, x, m, noise):
        """``h = E(x~, m)`` with ``x~ = m * x + (1 - m) * z`` (eq. 1)."""
        return networks["encoder"](torch.cat([fill_missing(x, m, noise), m], dim=1))

    def _impute_rows(self, networks, x, m, noise):
        """``(x^, x-bar, h)``: ``x^ = m * x + (1 - m) * G_MI(E(x~, m))`` (eq. 2)."""
        h = self._encode(networks, x, m, noise)
        x_bar = networks["generator_mi"](h)
        return fill_missing(x, m, x_bar), x_bar, h

    def _impute_tensor(self, networks, x, m, noise):
        return self._impute_rows(networks, x, m, noise)[0]

    # -- D_MI update (eqs. 4, 6, 14) ----------------------------------------
    def _critic_mi_update(self, networks, optimizers, inputs, real_mask):
        """One step on ``L_D_MI + lambda_1 * L_GP_MI``; returns the loss.

        ``inputs`` is D_MI's input (imputed rows, with labels for the
        classifier) and ``real_mask`` says which output columns are real.
        One forward pass serves the Wasserstein loss and the element-wise
        penalty, which is taken at the same points, on real entries only.
        """
        inputs = inputs.detach().requires_grad_(self.gradient_penalty > 0)
        scores = networks["discriminator_mi"](inputs)
        loss = elementwise_critic_loss(scores, real_mask)
        if self.gradient_penalty > 0:
            penalty = elementwise_zero_centred_penalty(scores, inputs, real_mask)
            loss = loss + self.gradient_penalty * penalty
        apply_gradients(
            loss, networks, {"discriminator_mi": optimizers["discriminator_mi"]}
        )
        return loss.detach()

    # -- E and G_MI update (eqs. 3, 5) ---------------------------------------
    def _imputation_loss(self, x, m, x_bar, feature_scores):
        """``L_G_MI + alpha_1 * L_recon`` from D_MI's feature scores."""
        adversarial = elementwise_generator_loss(feature_scores, m)
        reconstruction = ((x_bar - x) ** 2 * m).sum() / m.sum().clamp_min(1.0)
        return adversarial + self.alpha * reconstruction

    def _imputer_mi_update(self, networks, optimizers, x, m, noise, critic_input=None):
        """One step of E and G_MI (one backward pass for both); returns the
        loss and the imputed rows. ``critic_input(x_hat)`` builds D_MI's input
        (the classifier appends labels)."""
        x_hat, x_bar, _ = self._impute_rows(networks, x, m, noise)
        inputs = x_hat if critic_input is None else critic_input(x_hat)
        scores = networks["discriminator_mi"](inputs)[:, : x.shape[1]]
        loss = self._imputation_loss(x, m, x_bar, scores)
        apply_gradients(
            loss,
            networks,
            {name: optimizers[name] for name in ("encoder", "generator_mi")},
        )
        return loss.detach(), x_hat.detach()


class HexaGANImputer(HexaGANImputationMixin, BaseGANImputer):
    """Impute missing values with HexaGAN's imputation networks.

    The imputation part of HexaGAN [1]_ (section 3.1, Algorithm 1). Missing
    entries are first filled with uniform noise ``z ~ U(0, 1)``, an encoder
    maps the row and its mask to a hidden vector and a generator maps it
    back; only the missing entries are taken from the generator:

    .. math::

        \\tilde x = m \\odot x + (1 - m) \\odot z, \\quad
        \\bar x = G_{MI}(E(\\tilde x, m)), \\quad
        \\hat x = m \\odot x + (1 - m) \\odot \\bar x .

    The discriminator ``D_MI`` outputs one score per *element* and learns to
    tell observed elements (``m_i = 1``) from imputed ones, with the
    element-wise Wasserstein losses (eqs. 3-4)

    .. math::

        L_{D_{MI}} = \\sum_i E[(1 - m_i) D_{MI}(\\hat x)_i] - E[m_i D_{MI}(\\hat x)_i],
        \\quad L_{G_{MI}} = -\\sum_i E[(1 - m_i) D_{MI}(\\hat x)_i],

    the reconstruction loss on observed entries (eq. 5)
    ``L_recon = E[sum_i m_i (x_i - x̄_i)^2]`` and the element-wise
    zero-centred gradient penalty at real elements (eq. 6)

    .. math::

        L_{GP_{MI}} = \\sum_i E_{\\hat x: m_i = 1}
        \\| \\nabla_{\\hat x} D_{MI}(\\hat x)_i \\|_2^2 .

    Each training step makes ``n_critic`` updates of ``D_MI`` on
    ``L_D_MI + lambda_1 L_GP_MI``, then one update of ``E`` and ``G_MI`` on
    ``L_G_MI + alpha_1 L_recon``. Expectations are per-column means over the
    real (or fake) elements of a mini-batch and the sums over elements are
    averaged, as in the authors' code; the penalty's per-element gradients
    come from one vectorised backward pass.

    Read more in the :ref:`User Guide <hexagan>`.

    Parameters
    ----------
    missing_values : float or None, default=np.nan
        The placeholder for missing values.
    add_indicator : bool, default=False
        If True, append a :class:`~sklearn.impute.MissingIndicator` output.
    keep_empty_features : bool, default=False
        If True, features with only missing values at fit are kept and
        imputed with 0, as in :class:`~sklearn.impute.SimpleImputer`;
        otherwise they are dropped.
    hidden_size : int or "auto", default="auto"
        Width of the hidden layers and of the hidden space; "auto" is the
        paper's ``d / 2`` (at least 8).
    alpha : float, default=10.0
        ``alpha_1``, weight of the reconstruction loss.
    gradient_penalty : float, default=10.0
        ``lambda_1``, weight of the element-wise zero-centred penalty.
    n_critic : int, default=5
        Updates of ``D_MI`` per update of ``E`` and ``G_MI``.
    learning_rate : float, default=1e-3
        RMSProp step size of the three networks.
    max_iter : int or "auto", default="auto"
        Maximum number of epochs; "auto" targets about 3000 generator
        updates, between 20 and 2000 epochs.
    batch_size : int or "auto", default="auto"
        Mini-batch size; "auto" is ``min(64, n_samples)`` (the paper's 64).
    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the rows, hide some of their
        observed entries and stop when the imputation error on them has not
        improved for ``n_iter_no_change`` epochs; the best networks are kept.
    validation_fraction : float, default=0.1
        Fraction of rows held out for early stopping.
    n_iter_no_change : int, default=50
        Patience of early stopping, in epochs.
    transform_draws : int, default=16
        Number of noise draws averaged by :meth:`transform`.
    device : str, default="auto"
        Torch device: "cpu", "cuda", "cuda:1", ... or "auto".
    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the noise and the batches.
    verbose : int, default=0
        Show a progress bar with the current losses when positive.

    Attributes
    ----------
    networks_ : dict of str to torch.nn.Module
        ``encoder``, ``generator_mi`` and ``discriminator_mi``.
    hidden_size_ : int
        Width actually used.
    history_ : dict of str to list of float
        Per-epoch mean loss of every network (the discriminator's includes
        the penalty) and ``validation`` RMSE when early stopping is on.
    n_iter_ : int
        Number of epochs run.
    best_iteration_ : int
        Epoch whose networks were kept.
    device_ : torch.device
        Device the networks were trained on.
    scaling_ : object
        Per-feature minimum and range of the internal [0, 1] scaling.
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
    HexaGANClassifier : The whole HexaGAN, with imputation, conditional
        generation and semi-supervised classification.
    MisGANImputer : Imputation with MisGAN.
    sklearn.impute.KNNImputer : Nearest-neighbour imputation.

    Notes
    -----
    :meth:`transform` returns the average of ``transform_draws`` imputations
    (an estimate of the conditional mean); :meth:`multiple_imputations`
    returns single draws.

    References
    ----------
    .. [1] U. Hwang, D. Jung and S. Yoon, "HexaGAN: Generative Adversarial
       Nets for Real World Classification", ICML 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan import HexaGANImputer
    >>> X = np.array([[1.0, 2.0], [np.nan, 3.0], [7.0, 6.0], [4.0, np.nan]] * 10)
    >>> imputer = HexaGANImputer(max_iter=5, random_state=0).fit(X)
    >>> imputer.transform(X).shape
    (40, 2)
    """

    _parameter_constraints = {
        **BaseGANImputer._parameter_constraints,
        "hidden_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "gradient_penalty": [Interval(Real, 0, None, closed="left")],
        "n_critic": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        *,
        missing_values=np.nan,
        add_indicator=False,
        keep_empty_features=False,
        hidden_size="auto",
        alpha=10.0,
        gradient_penalty=10.0,
        n_critic=5,
        learning_rate=1e-3,
        max_iter="auto",
        batch_size="auto",
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=50,
        transform_draws=16,
        device="auto",
        random_state=None,
        verbose=0,
    ):
        self.missing_values = missing_values
        self.add_indicator = add_indicator
        self.keep_empty_features = keep_empty_features
        self.hidden_size = hidden_size
        self.alpha = alpha
        self.gradient_penalty = gradient_penalty
        self.n_critic = n_critic
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.transform_draws = transform_draws
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _build_networks(self, rt):
        return self._imputation_networks(rt.cpu_generator, rt.data["x"].shape[1])

    def _build_optimizers(self, networks):
        return self._rmsprop(networks, networks, self.learning_rate)

    def _train_step(self, rt, networks, optimizers, batch, step):
        """Algorithm 1: ``n_critic`` D_MI updates, then one of E and G_MI."""
        x, m = batch["x"], batch["m"]
        for _ in range(self.n_critic):
            rows = random_rows(rt, len(x))
            with torch.no_grad():
                x_hat = self._impute_tensor(
                    networks, rows["x"], rows["m"], rt.rand(*rows["x"].shape)
                )
            critic = self._critic_mi_update(networks, optimizers, x_hat, rows["m"])
        imputer, _ = self._imputer_mi_update(
            networks, optimizers, x, m, rt.rand(*x.shape)
        )
        return {"discriminator_mi": critic, "encoder_generator_mi": imputer}
