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

from .._base import auto_hidden_width
from .._nn import (
    apply_gradients,
    elementwise_critic_loss,
    elementwise_generator_loss,
    elementwise_zero_centred_penalty,
    projected_zero_centred_penalty,
    fill_missing,
    make_mlp,
)
from ._base import BaseGANImputer, hide_observed, hide_rate, shared_docs

#: D_MI's element-wise penalty is computed exactly up to this many outputs
#: and estimated without bias above (see ``projected_zero_centred_penalty``).
EXACT_PENALTY_MAX_OUTPUTS = 64


def hidden_width(n_features, hidden_size):
    """Width of the hidden layers and of the hidden space ``h``.

    ``"auto"`` is ``2 d`` within [64, 256]. The paper's ``d / 2`` (supplement
    B.3; 15 units on breast cancer, 6 on wine) underfits: with it
    :class:`~skgan.HexaGANClassifier` scored macro-F1 0.9658 / 0.8711 on
    validation rows of breast cancer / wine against 0.9749 / 0.9555 at the
    default width (``benchmarks/results/hexagan_departures.md``); pass
    ``hidden_size=n_features // 2`` for the paper's networks.
    """
    if hidden_size != "auto":
        return int(hidden_size)
    return auto_hidden_width(n_features)


def fan_in_param_groups(network, lr, max_fan_in=None):
    """Optimiser parameter groups whose step size shrinks with fan-in.

    An adaptive optimiser moves every weight by about its step size, so one
    step moves a unit's pre-activation by about ``lr * fan_in`` times the
    inputs' size; RMSProp's first steps are ten times ``lr`` (its square
    average starts at zero). With inputs in [0, 1] -- all of one sign --
    those moves add up: on 500 features a first step of ``C`` (step size
    1e-2) shifts every hidden unit by about 25 and leaves them all dead, a
    classifier with constant output. Scaling each linear layer's step size
    by ``min(1, max_fan_in / fan_in)`` bounds that shift whatever the width
    (as the maximal-update parametrisation prescribes for Adam-like
    optimisers; Yang et al., 2021) and leaves narrower layers untouched.
    Without ``max_fan_in`` every parameter gets ``lr``; so do parameters
    outside linear layers with it.
    """
    if max_fan_in is None:
        return [{"params": list(network.parameters()), "lr": lr}]
    groups, scaled = [], set()
    for layer in network.modules():
        if isinstance(layer, torch.nn.Linear):
            scale = min(1.0, max_fan_in / layer.in_features)
            groups.append({"params": list(layer.parameters()), "lr": lr * scale})
            scaled.update(map(id, layer.parameters()))
    # Parameters outside linear layers (none in make_mlp's networks without
    # batch normalisation) keep ``lr`` rather than go untrained.
    others = [p for p in network.parameters() if id(p) not in scaled]
    return groups + ([{"params": others, "lr": lr}] if others else [])


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
        self, generator, n_features, n_label_inputs=0, n_label_outputs=0, *, layout
    ):
        """``E: [x~, m] -> h``, ``G_MI: h -> x-bar``, ``D_MI: [x^, y] -> scores``.

        Layer sizes follow the supplement (B.3) and the authors' code:
        ``E`` is (3d) -> w -> w with ReLU output (the hidden space), ``G_MI``
        w -> w -> d with sigmoid output, ``D_MI`` one hidden layer and raw
        (Wasserstein) scores. ``E``'s input is eq. 1's ``x~`` split into
        channels (see :meth:`_encode`).
        """
        d, w = n_features, hidden_width(n_features, self.hidden_size)
        self.hidden_size_ = w
        return {
            "encoder": make_mlp([3 * d, w, w], output="relu", generator=generator),
            "generator_mi": make_mlp(
                [w, w, d], output=layout.output_head(), generator=generator
            ),
            # One score per table column: a categorical entry is one element.
            "discriminator_mi": make_mlp(
                [d + n_label_inputs, w, layout.n_columns + n_label_outputs],
                generator=generator,
            ),
        }

    @staticmethod
    def _rmsprop(networks, names, lr, weight_decay=0.0, max_fan_in=None):
        """RMSProp (the supplement, C.1, found it more stable than Adam).

        With ``max_fan_in``, a linear layer with more inputs than that gets
        its step size scaled by ``max_fan_in / fan_in`` (see
        :func:`fan_in_param_groups`).
        """
        return {
            name: torch.optim.RMSprop(
                fan_in_param_groups(networks[name], lr, max_fan_in),
                lr=lr,
                weight_decay=weight_decay,
                foreach=True,
            )
            for name in names
        }

    # -- eqs. 1-2 ----------------------------------------------------------
    @staticmethod
    def _encode(networks, x, m, noise):
        """``h = E(x~, m)`` with ``x~ = m * x + (1 - m) * z`` (eq. 1).

        ``x~`` enters as two channels, ``m * x`` and ``(1 - m) * z``, beside
        ``m``: the same information as the paper's ``[x~, m]`` (``x~`` is
        their sum), a reparametrisation of E's first layer under which the
        network need not learn to tell data from noise in one channel --
        with the summed form it learns that slowly.
        """
        inputs = torch.cat([x * m, noise * (1 - m), m], dim=1)
        return networks["encoder"](inputs)

    def _impute_rows(self, networks, x, m, noise):
        """``(x^, x-bar, h)``: ``x^ = m * x + (1 - m) * G_MI(E(x~, m))`` (eq. 2)."""
        h = self._encode(networks, x, m, noise)
        x_bar = networks["generator_mi"](h)
        return fill_missing(x, m, x_bar), x_bar, h

    def _impute_tensor(self, networks, x, m, noise):
        return self._impute_rows(networks, x, m, noise)[0]

    # -- D_MI update (eqs. 4, 6, 14) ----------------------------------------
    def _critic_mi_update(
        self, rt, networks, optimizers, inputs, real_mask, n_features=None
    ):
        """One step on ``L_D_MI + lambda_1 * L_GP_MI``; returns the loss.

        ``inputs`` is D_MI's input: the imputed rows ``x^``, then the labels
        for the classifier; ``real_mask`` says which output columns are real
        (one per table column, see :meth:`EncodedLayout.per_column
        <skgan._schema.EncodedLayout.per_column>`, then the label's). One
        forward pass serves the Wasserstein loss and the penalty, which is
        taken at the same points. The penalty covers the gradient in the
        first ``n_features`` input columns of the table columns' outputs
        (eq. 6 with ``n_features = d``); ``None`` (default) covers every
        input and output.
        """
        loss = self._critic_mi_loss(rt, networks, inputs, real_mask, n_features)
        apply_gradients(
            loss, networks, {"discriminator_mi": optimizers["discriminator_mi"]}
        )
        return loss.detach()

    def _critic_mi_loss(self, rt, networks, inputs, real_mask, n_features=None):
        """``L_D_MI + lambda_1 * L_GP_MI`` of D_MI on ``inputs`` (eqs. 4, 6)."""
        d = inputs.shape[1] if n_features is None else n_features
        x_hat = inputs[:, :d].detach().requires_grad_(self.gradient_penalty > 0)
        critic_input = x_hat
        if n_features is not None:  # labels follow; no gradient taken in them
            critic_input = torch.cat([x_hat, inputs[:, d:].detach()], dim=1)
        scores = networks["discriminator_mi"](critic_input)
        loss = elementwise_critic_loss(scores, real_mask)
        if self.gradient_penalty > 0:
            outputs = slice(None) if n_features is None else slice(rt.layout.n_columns)
            penalty = self._critic_mi_penalty(
                rt, scores[:, outputs], x_hat, real_mask[:, outputs]
            )
            loss = loss + self.gradient_penalty * penalty
        return loss

    @staticmethod
    def _critic_mi_penalty(rt, scores, inputs, real_mask):
        """``L_GP_MI`` (eq. 6): the gradient in ``inputs`` of each output
        column ``D_MI(.)_i`` of ``scores``, penalised on the rows where
        element ``i`` is real.

        Exact up to ``EXACT_PENALTY_MAX_OUTPUTS`` outputs and an unbiased
        one-backward estimate above (its cost grows with the square of the
        number of features otherwise).
        """
        if scores.shape[1] <= EXACT_PENALTY_MAX_OUTPUTS:
            return elementwise_zero_centred_penalty(scores, inputs, real_mask)
        return projected_zero_centred_penalty(
            scores, inputs, real_mask, rt.rand(*scores.shape)
        )

    # -- E and G_MI update (eqs. 3, 5) ---------------------------------------
    def _imputation_loss(self, rt, x, m, x_bar, feature_scores):
        """``L_G_MI + alpha_1 * L_recon`` from D_MI's feature scores."""
        adversarial = elementwise_generator_loss(feature_scores, rt.layout.per_column(m))
        reconstruction = rt.layout.reconstruction_loss(x_bar, x, m)
        return adversarial + self.alpha * reconstruction

    def _hidden_reconstruction(self, rt, networks, x, m):
        """``L_recon`` on hidden entries: hide a share of the observed entries
        (the data's missing rate, within [0.1, 0.5]), impute the rows from the
        rest and return the mean squared error on the hidden ones."""
        hidden = hide_observed(rt, m, hide_rate(m))
        kept = m - hidden
        x_bar = networks["generator_mi"](
            self._encode(networks, x * kept, kept, rt.rand(*x.shape))
        )
        return rt.layout.reconstruction_loss(x_bar, x, hidden)

    def _reconstruction_update(self, rt, networks, optimizers, x, m):
        """One step of E and G_MI on the reconstruction terms alone, without
        D_MI (``adversarial=False``); returns the loss."""
        _, x_bar, _ = self._impute_rows(networks, x, m, rt.rand(*x.shape))
        return self._step_encoder_generator(
            rt,
            networks,
            optimizers,
            self.alpha * rt.layout.reconstruction_loss(x_bar, x, m),
            x,
            m,
        )

    def _step_encoder_generator(self, rt, networks, optimizers, loss, x, m):
        """Add the hidden entries' reconstruction term to ``loss`` and step
        E and G_MI on it (one backward pass for both); returns the loss."""
        if self.hidden_weight > 0:
            loss = loss + self.hidden_weight * self._hidden_reconstruction(
                rt, networks, x, m
            )
        apply_gradients(
            loss,
            networks,
            {name: optimizers[name] for name in ("encoder", "generator_mi")},
        )
        return loss.detach()

    def _imputer_mi_update(
        self, rt, networks, optimizers, x, m, noise, critic_input=None
    ):
        """One step of E and G_MI (one backward pass for both); returns the
        loss and the imputed rows. ``critic_input(x_hat)`` builds D_MI's input
        (the classifier appends labels)."""
        x_hat, x_bar, _ = self._impute_rows(networks, x, m, noise)
        inputs = x_hat if critic_input is None else critic_input(x_hat)
        scores = networks["discriminator_mi"](inputs)[:, : rt.layout.n_columns]
        loss = self._imputation_loss(rt, x, m, x_bar, scores)
        loss = self._step_encoder_generator(rt, networks, optimizers, loss, x, m)
        return loss, x_hat.detach()


@shared_docs
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
    ``L_G_MI + alpha_1 L_recon + alpha_h L_recon^hidden``. Expectations are
    per-column means over the real (or fake) elements of a mini-batch and the
    sums over elements are averaged, as in the authors' code; the penalty's
    per-element gradients come from one vectorised backward pass.

    Two changes to the paper, both measured on breast cancer and wine with
    three development masks each (seeds 100-102, not the benchmark's;
    ``benchmarks/results/hexagan_departures.md``):

    * ``E`` sees ``x~`` as two channels, ``m * x`` and ``(1 - m) * z``, beside
      ``m``. This is a reparametrisation of the paper's input ``[x~, m]``
      (``x~`` is the sum of the two channels, so the information is the
      same); with the summed form the network learns only slowly to tell
      data from noise: eq. 1's input gave RMSE 0.0830 on breast cancer and
      0.1459 on wine, against 0.0695 and 0.1443.
    * ``L_recon`` is also computed on *hidden* entries: in every step a share
      of the observed entries (the data's missing rate, within [0.1, 0.5])
      is hidden from ``E``, the rows are imputed and the squared error on
      the hidden entries is added with weight ``hidden_weight``
      (``alpha_h``). The paper's ``L_recon`` on entries the encoder sees
      teaches nothing about missing ones; this term does. ``hidden_weight=0``
      (the paper's loss) gave RMSE 0.0696 on breast cancer and 0.1957 on
      wine, against 0.0695 and 0.1443.

    The ``E`` and ``G_MI`` kept after fitting hold an exponential moving
    average of their weights over the training steps (a window of about 200
    steps; Yazici et al., ICLR 2019), which smooths the adversarial
    updates' noise: on wine with three development masks (seeds 100-102, not
    the benchmark's) RMSE 0.1443 against 0.1467 for the last iterate, lower
    on every mask (``benchmarks/results/hexagan_departures.md``).

    Read more in the :ref:`User Guide <hexagan>`.

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
        Width of the hidden layers and of the hidden space; "auto" is
        ``2 * n_features`` within [64, 256] (the paper's ``d / 2`` underfits;
        pass ``n_features // 2`` for it).
    alpha : float, default=10.0
        ``alpha_1``, weight of the reconstruction loss on observed entries.
    hidden_weight : float, default=100.0
        Weight of the reconstruction loss on observed entries hidden from the
        encoder (self-supervision; 0 gives the paper's loss).
    gradient_penalty : float, default=10.0
        ``lambda_1``, weight of the element-wise zero-centred penalty.
    n_critic : int, default=1
        Updates of ``D_MI`` per update of ``E`` and ``G_MI``.
    learning_rate : float, default=1e-3
        RMSProp step size of the three networks. The paper gives no value;
        the authors' code uses 2e-4 (with 10000 epochs on breast cancer).
        Within the then default budget of about 2000 updates, 2e-4 imputed worse
        on development masks (20%% MCAR, seeds 100-102, not the benchmark's):
        RMSE 0.0854 against 0.0695 on breast cancer and 0.1545 against
        0.1443 on wine, higher on every mask
        (``benchmarks/results/hexagan_departures.md``).
    adversarial : bool, default=True
        Train ``D_MI`` and use its adversarial loss. False trains ``E`` and
        ``G_MI`` on the reconstruction terms alone: a masked autoencoder
        without any GAN, the ablation that shows what the adversarial term
        adds.
    blend_with : "auto", tuple of str or None, default="auto"
        %(blend_with)s
    max_iter : int or "auto", default="auto"
        Maximum number of epochs; "auto" targets about 1000 updates of ``E``
        and ``G_MI``, between 5 and 2000 epochs.
    batch_size : int or "auto", default="auto"
        Mini-batch size; "auto" is ``n_samples // 64`` within [64, 256]
        (the paper's 64 on small data), capped by ``n_samples``.
    %(heldout_parameters)s
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs (50 before the networks
        stopped on the blend's RMSE; on the development masks of
        ``benchmarks/results/study_cost.md`` both gave the same RMSE, the
        networks' weight being 0, at a third less fit time).
    transform_draws : int, default=16
        Number of noise draws averaged by :meth:`transform`.
    device : str, default="auto"
        Torch device: "cpu", "cuda", "cuda:1", ... or "auto": a visible GPU
        when one mini-batch update is large enough to gain from it (tables
        of about 10000 x 100 and up), else the CPU.
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
        the penalty) and ``validation``, the networks' RMSE on the held-out
        entries, when early stopping is on.
    %(heldout_attributes)s
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

    _averaged_networks = ("encoder", "generator_mi")
    _auto_steps = 1000

    _parameter_constraints = {
        **BaseGANImputer._parameter_constraints,
        "hidden_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "hidden_weight": [Interval(Real, 0, None, closed="left")],
        "gradient_penalty": [Interval(Real, 0, None, closed="left")],
        "n_critic": [Interval(Integral, 1, None, closed="left")],
        "adversarial": ["boolean"],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        *,
        missing_values=np.nan,
        categorical_features="from_dtype",
        add_indicator=False,
        keep_empty_features=False,
        hidden_size="auto",
        alpha=10.0,
        hidden_weight=100.0,
        gradient_penalty=10.0,
        n_critic=1,
        learning_rate=1e-3,
        adversarial=True,
        blend_with="auto",
        max_iter="auto",
        batch_size="auto",
        early_stopping="auto",
        validation_fraction=0.1,
        n_iter_no_change=10,
        transform_draws=16,
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
        self.hidden_weight = hidden_weight
        self.gradient_penalty = gradient_penalty
        self.n_critic = n_critic
        self.learning_rate = learning_rate
        self.adversarial = adversarial
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

    def _build_networks(self, rt):
        networks = self._imputation_networks(
            rt.cpu_generator, rt.data["x"].shape[1], layout=rt.layout
        )
        if not self.adversarial:
            del networks["discriminator_mi"]
        return networks

    def _build_optimizers(self, networks):
        return self._rmsprop(networks, networks, self.learning_rate)

    def _train_step(self, rt, networks, optimizers, batch, step):
        """Algorithm 1: ``n_critic`` D_MI updates, then one of E and G_MI."""
        x, m = batch["x"], batch["m"]
        if not self.adversarial:
            loss = self._reconstruction_update(rt, networks, optimizers, x, m)
            return {"encoder_generator_mi": loss}
        for _ in range(self.n_critic):
            rows = random_rows(rt, len(x))
            with torch.no_grad():
                x_hat = self._impute_tensor(
                    networks, rows["x"], rows["m"], rt.rand(*rows["x"].shape)
                )
            critic = self._critic_mi_update(
                rt, networks, optimizers, x_hat, rt.layout.per_column(rows["m"])
            )
        imputer, _ = self._imputer_mi_update(
            rt, networks, optimizers, x, m, rt.rand(*x.shape)
        )
        return {"discriminator_mi": critic, "encoder_generator_mi": imputer}
