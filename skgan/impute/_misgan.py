"""MisGAN imputer (Li, Jiang and Marlin, ICLR 2019)."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from .._base import auto_hidden_width, draw_seed, to_numpy
from .._nn import (
    StackedMLP,
    apply_gradients,
    fill_missing,
    make_mlp,
    mask_data,
    scale_grad,
    wgan_gp_critic_losses,
)
from ._base import BaseGANImputer, hide_observed, hide_rate, shared_docs


#: History names of the three critics, members of one StackedMLP in this order.
CRITICS = ("mask_critic", "data_critic", "imputer_critic")


@shared_docs
class MisGANImputer(BaseGANImputer):
    """Impute missing values with MisGAN.

    MisGAN learns the distribution of incomplete data with two generator /
    critic pairs, one for the missingness masks and one for the complete
    data, and trains an imputer against a third critic. With ``f_tau(x, m) =
    m * x + (1 - m) * tau`` the masking operator, the Wasserstein losses are

    .. math::

        L_m &= E[D_m(m)] - E[D_m(G_m(\\varepsilon))] \\\\
        L_x &= E[D_x(f_\\tau(x, m))] - E[D_x(f_\\tau(G_x(z), G_m(\\varepsilon)))] \\\\
        L_i &= E[D_i(G_x(z))] - E[D_i(G_i(x, m, \\omega))]

    and the players optimise (paper, eqs. 9-10)

    .. math::

        \\min_{G_i} \\max_{D_i} L_i, \\quad
        \\min_{G_x} \\max_{D_x} L_x + \\beta L_i, \\quad
        \\min_{G_m} \\max_{D_m} L_m + \\alpha L_x.

    The imputer is ``G_i(x, m, w) = x * m + Ĝ_i(x * m + w * (1 - m)) * (1 - m)``
    (eq. 12). The mask generator ends in a temperature sigmoid
    ``1 / (1 + exp(-t / temperature))``. Critics are kept 1-Lipschitz by the
    WGAN-GP penalty; each training step makes ``n_critic`` updates of the three
    critics, then one of the three generators. As in eq. 10 and unlike the
    authors' code, the ``beta`` term reaches the data generator through
    ``D_i(G_x(z))`` (``beta=0`` gives the authors' code; on development masks
    the two measured alike, ``benchmarks/results/misgan_departures.md``).

    Read more in the :ref:`User Guide <misgan>`.

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
    latent_dim : int or "auto", default="auto"
        Size of the generators' noise vectors; "auto" uses the width of the
        hidden layers.
    hidden_size : int or "auto", default="auto"
        Width of every hidden layer; "auto" uses ``clip(2 * n_features, 64, 256)``.
    alpha : float, default=0.2
        Weight of ``L_x`` in the mask generator's objective.
    beta : float, default=0.1
        Weight of ``L_i`` in the data generator's objective.
    tau : float, default=0.0
        Value the masking operator puts in missing entries (in [0, 1] scale).
    temperature : float, default=0.66
        Temperature of the mask generator's sigmoid.
    n_critic : int, default=1
        Critic updates per generator update.
    gradient_penalty : float, default=10.0
        Weight of the WGAN-GP penalty.
    learning_rate : float, default=1e-3
        Adam step size of the generators and critics; the imputer uses twice
        that, as in the authors' code. The authors' code uses 1e-4: within
        the then default budget of about 2000 generator updates that gave RMSE
        0.094 on breast cancer and 0.163 on wine against 0.066 and 0.148 at
        1e-3 (3 development masks each,
        ``benchmarks/results/misgan_departures.md``).
    reconstruction_weight : float, default=100.0
        Weight of a self-supervised term added to the imputer's loss (not in
        the paper): in each mini-batch some observed entries are hidden (at
        the data's own missing rate, kept within [0.1, 0.5]), imputed, and
        their mean squared error is penalised. They are hidden in every
        imputation of training, so that the adversarial and the
        self-supervised terms train the imputer on the same inputs. 0 gives
        the paper's loss, which on development masks gave RMSE 0.126 on
        breast cancer and 0.252 on wine against 0.066 and 0.148 with the
        default, no better than the mean (``misgan_departures.md``).
    adversarial : bool, default=True
        Train the three generator / critic pairs. False trains the imputer on
        the self-supervised term alone (requires ``reconstruction_weight >
        0``): a masked denoising network without any GAN, the ablation that
        shows what the adversarial terms add; :meth:`sample` then has no
        generators to draw from.
    blend_with : "auto", tuple of str or None, default="auto"
        %(blend_with)s
    max_iter : int or "auto", default="auto"
        Maximum number of epochs (passes of generator updates over the data);
        "auto" targets about 1000 generator updates (2000 before the blend;
        the blend leans on the networks too little for the other half to
        pay for itself in time), between 5 and 2000
        epochs, so small data train longer per row than large data.
    batch_size : int or "auto", default="auto"
        Mini-batch size; "auto" is ``n_samples // 64`` within [64, 256],
        capped by ``n_samples``.
    %(heldout_parameters)s
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs (50 before the networks
        stopped on the blend's RMSE; on the development masks of
        ``benchmarks/results/study_cost.md`` both gave the same RMSE, the
        networks' weight being 0, at a third less fit time).
    transform_draws : int, default=16
        Number of imputer draws averaged by :meth:`transform`.
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
        ``mask_generator``, ``data_generator``, ``imputer`` and ``critics``:
        the mask, data and imputer critics, stacked so that one batched pass
        evaluates all three.
    history_ : dict of str to list of float
        Per-epoch mean loss of every network (critic losses include the
        penalty), and ``validation``, the networks' RMSE on the held-out
        entries, when early stopping is on.
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
    sklearn.impute.IterativeImputer : Multivariate round-robin imputation.
    sklearn.impute.KNNImputer : Nearest-neighbour imputation.
    HexaGANImputer : The imputation part of HexaGAN.

    Notes
    -----
    The imputer kept after fitting holds an exponential moving average of its
    weights over the training steps (a window of about 200 steps; Yazici et
    al., ICLR 2019), which smooths the noise of the adversarial updates. On
    development masks (seeds other than the benchmark's, 3 each) it lowered
    RMSE from 0.0692 to 0.0660 on breast cancer and from 0.1525 to 0.1481 on
    wine (``benchmarks/results/misgan_departures.md``).

    The paper's method, as far as parameters reach it
    (``blend_with=None``, ``n_critic=5``, ``reconstruction_weight=0``,
    ``learning_rate=1e-4``, ``early_stopping=False``), trains too slowly for
    the default budget: on the benchmark's 20%% MCAR masks it scored RMSE
    0.169 on breast cancer and 0.284 on wine, worse than the mean (0.144
    and 0.210), against 0.049 and 0.146 with the defaults; with the adversarial terms off
    (``adversarial=False``) the defaults score the same, so on these tables
    the accuracy comes from the blend
    (``benchmarks/results/blended/imputation_tables.md``).

    :meth:`transform` returns the average of ``transform_draws`` imputations,
    an estimate of ``E[x_mis | x_obs]`` that minimises squared error;
    :meth:`multiple_imputations` returns single draws for users who want the
    spread.

    References
    ----------
    .. [1] S. C.-X. Li, B. Jiang and B. M. Marlin, "MisGAN: Learning from
       Incomplete Data with Generative Adversarial Networks", ICLR 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan import MisGANImputer
    >>> X = np.array([[1.0, 2.0], [np.nan, 3.0], [7.0, 6.0], [4.0, np.nan]] * 10)
    >>> imputer = MisGANImputer(max_iter=5, random_state=0).fit(X)
    >>> imputer.transform(X).shape
    (40, 2)
    """

    _parameter_constraints = {
        **BaseGANImputer._parameter_constraints,
        "latent_dim": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "hidden_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "beta": [Interval(Real, 0, None, closed="left")],
        "tau": [Interval(Real, None, None, closed="neither")],
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "n_critic": [Interval(Integral, 1, None, closed="left")],
        "gradient_penalty": [Interval(Real, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "reconstruction_weight": [Interval(Real, 0, None, closed="left")],
        "adversarial": ["boolean"],
    }

    def __init__(
        self,
        *,
        missing_values=np.nan,
        categorical_features="from_dtype",
        add_indicator=False,
        keep_empty_features=False,
        latent_dim="auto",
        hidden_size="auto",
        alpha=0.2,
        beta=0.1,
        tau=0.0,
        temperature=0.66,
        n_critic=1,
        gradient_penalty=10.0,
        learning_rate=1e-3,
        reconstruction_weight=100.0,
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
        self.latent_dim = latent_dim
        self.hidden_size = hidden_size
        self.alpha = alpha
        self.beta = beta
        self.tau = tau
        self.temperature = temperature
        self.n_critic = n_critic
        self.gradient_penalty = gradient_penalty
        self.learning_rate = learning_rate
        self.reconstruction_weight = reconstruction_weight
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

    _averaged_networks = ("imputer",)
    _auto_steps = 1000

    # -- networks ----------------------------------------------------------
    def _sizes(self, n_features):
        width = auto_hidden_width(n_features) if self.hidden_size == "auto" else self.hidden_size
        latent = width if self.latent_dim == "auto" else self.latent_dim
        return width, latent

    def _build_networks(self, rt):
        d = rt.data["x"].shape[1]
        h, z = self._sizes(d)
        g = rt.cpu_generator
        self.latent_dim_ = z
        imputer = make_mlp([3 * d, h, h, d], output=rt.layout.output_head(), generator=g)
        if not (self.adversarial or self.reconstruction_weight > 0):
            raise ValueError(
                "adversarial=False with reconstruction_weight=0 leaves the imputer "
                "no loss to learn from."
            )
        if not self.adversarial:
            return {"imputer": imputer}
        return {
            # One mask entry per table column (a categorical entry is
            # missing whole), spread over the encoded columns in _generate.
            "mask_generator": make_mlp([z, h, h, rt.layout.n_columns], generator=g),
            "data_generator": make_mlp(
                [z, h, h, d], output=rt.layout.output_head(), generator=g
            ),
            "imputer": imputer,
            # D_m, D_x and D_i, members 0, 1, 2 of one stack (see CRITICS).
            "critics": StackedMLP(len(CRITICS), [d, h, h, 1], generator=g),
        }

    def _build_optimizers(self, networks):
        def adam(name, lr):
            return torch.optim.Adam(
                networks[name].parameters(), lr=lr, betas=(0.5, 0.9), fused=True
            )

        lr = self.learning_rate
        return {name: adam(name, 2 * lr if name == "imputer" else lr) for name in networks}

    # -- the three players -------------------------------------------------
    def _generate(self, networks, rt, n):
        """Complete rows ``G_x(z)`` and relaxed masks ``G_m(eps)``."""
        x = networks["data_generator"](rt.randn(n, self.latent_dim_))
        logits = networks["mask_generator"](rt.randn(n, self.latent_dim_))
        return x, rt.layout.expand(torch.sigmoid(logits / self.temperature))

    def _impute_tensor(self, networks, x, m, noise):
        """``G_i(x, m, w)`` of eq. 12: observed entries are kept outside the net.

        The network sees ``x * m``, ``w * (1 - m)`` and ``m`` as separate
        channels, where eq. 12 gives it their sum alone: with the channels it
        need not learn to tell data from noise. On development masks eq. 12's
        input gave RMSE 0.080 on breast cancer and 0.146 on wine against
        0.066 and 0.148 (``benchmarks/results/misgan_departures.md``).
        """
        inputs = torch.cat([x * m, noise * (1 - m), m], dim=1)
        return fill_missing(x, m, networks["imputer"](inputs))

    def _training_mask(self, rt, m):
        """The mask of every imputation made in training.

        With the self-supervised term on, a share of the observed entries
        (``hide_rate``) is hidden from the imputer in all of them, the
        adversarial ones included, and scored. Hidden for that term alone,
        they gave the imputer two regimes it could tell apart by the number
        of missing entries in a row: on a 500-feature table it learned
        conditional means where more entries were missing and draws that
        pleased the critic at the data's own rate (transform RMSE 0.250
        against the mean's 0.138; 0.138 once every imputation is made so).
        """
        if self.reconstruction_weight == 0:
            return m
        return m - hide_observed(rt, m, hide_rate(m))

    # -- one step of the algorithm ----------------------------------------
    def _critic_step(self, rt, networks, optimizers, batch):
        """One update of D_m, D_x and D_i on a mini-batch (maximise eqs. 4, 5, 9)."""
        x, m = batch["x"], batch["m"]
        with torch.no_grad():
            x_gen, m_gen = self._generate(networks, rt, len(x))
            kept = self._training_mask(rt, m)
            x_imp = self._impute_tensor(networks, x, kept, rt.rand(*x.shape))
        # Real and fake inputs of D_m, D_x and D_i, in the order of CRITICS.
        real = torch.stack([m, mask_data(x, m, self.tau), x_gen])
        fake = torch.stack([m_gen, mask_data(x_gen, m_gen, self.tau), x_imp])
        losses = wgan_gp_critic_losses(
            networks["critics"], real, fake, rt.rand, self.gradient_penalty
        )
        apply_gradients(losses.sum(), networks, {"critics": optimizers["critics"]})
        return dict(zip(CRITICS, losses.detach()))

    def _generator_step(self, rt, networks, optimizers, batch):
        """One update of G_m, G_x and G_i (minimise eqs. 9-10)."""
        x, m = batch["x"], batch["m"]
        x_gen, m_gen = self._generate(networks, rt, len(x))
        kept = self._training_mask(rt, m)
        x_imp = self._impute_tensor(networks, x, kept, rt.rand(*x.shape))
        critic = networks["critics"].member
        mask_critic, data_critic, imputer_critic = range(len(CRITICS))
        adv_mask = -critic(mask_critic, m_gen).mean()
        # L_x reaches G_x with weight 1 and G_m with weight alpha (eqs. 6-7).
        masked_gen = mask_data(x_gen, scale_grad(m_gen, self.alpha), self.tau)
        adv_data = -critic(data_critic, masked_gen).mean()
        # G_x's share of beta * L_i: its samples are the imputer critic's "real".
        imputer_real = critic(imputer_critic, scale_grad(x_gen, self.beta)).mean()
        adv_imputer = -critic(imputer_critic, x_imp).mean()
        if self.reconstruction_weight > 0:
            adv_imputer = adv_imputer + self.reconstruction_weight * (
                rt.layout.reconstruction_loss(x_imp, x, m - kept)
            )
        generators = ("mask_generator", "data_generator", "imputer")
        apply_gradients(
            adv_mask + adv_data + imputer_real + adv_imputer,
            networks,
            {name: optimizers[name] for name in generators},
        )
        return {
            "mask_generator": (adv_mask + self.alpha * adv_data).detach(),
            "data_generator": (adv_data + self.beta * imputer_real).detach(),
            "imputer": adv_imputer.detach(),
        }

    def _reconstruction_step(self, rt, networks, optimizers, batch):
        """One update of G_i on the self-supervised term alone
        (``adversarial=False``: no critic, no generator)."""
        x, m = batch["x"], batch["m"]
        kept = self._training_mask(rt, m)
        x_imp = self._impute_tensor(networks, x, kept, rt.rand(*x.shape))
        loss = self.reconstruction_weight * rt.layout.reconstruction_loss(
            x_imp, x, m - kept
        )
        apply_gradients(loss, networks, {"imputer": optimizers["imputer"]})
        return {"imputer": loss.detach()}

    def _train_step(self, rt, networks, optimizers, batch, step):
        if not self.adversarial:
            return self._reconstruction_step(rt, networks, optimizers, batch)
        batch_size = len(batch["x"])
        for _ in range(self.n_critic):
            losses = self._critic_step(rt, networks, optimizers, _random_batch(rt, batch_size))
        losses.update(self._generator_step(rt, networks, optimizers, batch))
        return losses

    # -- generation --------------------------------------------------------
    def sample(self, n_samples=1, *, random_state=None):
        """Generate complete rows and missingness masks.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to generate.
        random_state : int, RandomState instance or None, default=None
            Seed of the generators' noise.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Rows from the data generator, in the input's scale (features
            that were empty at fit are left out). On a mixed table, each
            categorical entry is its column's most probable category, in an
            object array (a DataFrame with the training dtypes under
            ``set_output(transform="pandas")``).
        missing : ndarray of bool of shape (n_samples, n_features)
            Masks from the mask generator, True where an entry would be
            missing.
        """
        check_is_fitted(self)
        if "data_generator" not in self.networks_:
            raise ValueError(
                "sample needs the generators, which adversarial=False does not train."
            )
        if not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
        device = self._inference_device()
        generator = torch.Generator(device=device).manual_seed(draw_seed(random_state))

        def noise():
            return torch.randn(
                n_samples,
                self.latent_dim_,
                generator=generator,
                device=device,
                dtype=torch.float32,
            )

        with torch.no_grad():
            x = self.networks_["data_generator"](noise())
            observed = torch.sigmoid(self.networks_["mask_generator"](noise()) / self.temperature)
        X = self.scaling_.unscale(to_numpy(x))
        if self._schema is not None:
            X = self._decoded_rows(X)
        return X, to_numpy(observed) < 0.5

    def _decoded_rows(self, X):
        """Generated encoded rows of a mixed table, decoded (the columns
        that were empty at fit left out)."""
        encoded = np.zeros((len(X), len(self._valid_features)))
        encoded[:, self._valid_features] = X
        kept = ~self._empty_columns
        columns = [c for c, k in zip(self._schema.decode(encoded), kept) if k]
        names = _check_feature_names_in(self)[kept]
        return self._table_container(None, columns, names)


def _random_batch(rt, batch_size):
    n = len(rt.data["x"])
    idx = rt.randint(n, batch_size)
    return {key: value[idx] for key, value in rt.data.items()}
