"""HexaGAN classifier (Hwang, Jung and Yoon, ICML 2019).

All six networks: the imputation part (E, G_MI, D_MI) comes from
:class:`~skgan.impute._hexagan.HexaGANImputationMixin`; this module adds the
hidden-space conditional generator and critic (G_CG, D_CG) and the classifier
C, with the update schedule of the supplement's Algorithm 2.
"""

import math
from numbers import Integral, Real

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils import assert_all_finite, check_consistent_length, column_or_1d
from sklearn.utils.validation import FLOAT_DTYPES, check_is_fitted, validate_data

from .._schema import CATEGORICAL_FEATURES_DOC
from .._base import BaseTorchGAN, draw_seed, fit_method, to_numpy
from .._nn import (
    apply_gradients,
    critic_loss,
    make_mlp,
    mlp_input_gradient,
)
from ..impute._base import TRANSFORM_CHUNK, MinMaxScaling, observed_features
from ..impute._blend import check_members
from ..impute._hexagan import HexaGANImputationMixin, random_rows
from ._blend import BLEND_MEMBERS, fit_blend, fit_members

#: Pseudo-label forms for unlabeled rows (see the class docstring).
PSEUDO_LABELS = ("soft", "gumbel", "hard")


def unlabeled_mask(y):
    """True where ``y`` marks a row as unlabeled: ``-1`` (or ``"-1"``)."""
    if y.dtype.kind in "US":
        return y == "-1"
    if y.dtype.kind == "O":
        return np.array([_is_minus_one(v) for v in y], dtype=bool)
    return y == -1


def _is_minus_one(value):
    if isinstance(value, str):
        return value == "-1"
    try:
        return bool(value == -1)
    except (TypeError, ValueError):
        return False


def gumbel_straight_through(logits, uniform):
    """One-hot sample of ``softmax(logits)`` with the soft sample's gradient.

    Gumbel-max with noise ``-log(-log(u))``: the forward value is the one-hot
    ``argmax(logits + g)`` (a draw from the classifier's distribution), the
    backward pass uses the gradient of ``softmax(logits + g)`` (Jang et al.,
    2017; straight-through estimator).
    """
    eps = torch.finfo(logits.dtype).tiny
    gumbel = -torch.log((-torch.log(uniform.clamp_min(eps))).clamp_min(eps))
    soft = torch.softmax(logits + gumbel, dim=1)
    hard = F.one_hot(soft.argmax(dim=1), logits.shape[1]).to(soft.dtype)
    return hard + soft - soft.detach()


class HexaGANClassifier(HexaGANImputationMixin, ClassifierMixin, BaseTorchGAN):
    """HexaGAN classifier for missing entries, imbalance and missing labels.

    HexaGAN [1]_ trains six networks jointly:

    * imputation (section 3.1): an encoder ``E`` and a generator ``G_MI``
      fill missing entries, ``x^ = m * x + (1 - m) * G_MI(E(x~, m))`` with
      ``x~ = m * x + (1 - m) * z``, ``z ~ U(0, 1)`` (eqs. 1-2); the
      discriminator ``D_MI(x^, y)`` has ``d + 1`` outputs, one real/fake score
      per element of the row and one for its label;
    * conditional generation (section 3.2): ``G_CG(y, z)`` generates hidden
      vectors ``h_c`` of a class, ``D_CG(h, y)`` tells them from encoded
      labeled rows ``h_l = E(x~_l, m_l)``, and ``G_MI(h_c)`` turns them into
      rows ``x^_c`` that top up every minority class in each mini-batch;
    * semi-supervised classification (section 3.3): the classifier ``C``
      labels unlabeled rows and ``D_MI``'s last output tells its
      pseudo-labels from real labels.

    The losses, with ``D_i`` the ``i``-th output of ``D_MI``, are

    .. math::

        L_{D_{MI}} &= \\sum_{i=1}^{d+1} E[(1 - m_i) D_i(\\hat x, y)]
                     - E[m_i D_i(\\hat x, y)]
                     \\quad (m_{d+1} = m_y, \\text{eqs. 4, 14}) \\\\
        L_{G_{MI}} &= -\\sum_{i=1}^{d} E[(1 - m_i) D_i(\\hat x, y)], \\quad
        L_{recon} = E[\\textstyle\\sum_i m_i (x_i - \\bar x_i)^2]
                     \\quad \\text{(eqs. 3, 5)} \\\\
        L_{GP_{MI}} &= \\sum_{i=1}^{d} E_{m_i = 1}
                     \\|\\nabla_{\\hat x} D_i(\\hat x, y)\\|^2,
        \\quad L_{GP_{CG}} = E \\|\\nabla_{h_l} D_{CG}(h_l, y_l)\\|^2
                     \\quad \\text{(eqs. 6, 9)} \\\\
        L_{D_{CG}} &= E[D_{CG}(h_c, y_c)] - E[D_{CG}(h_l, y_l)], \\quad
        L_{G_{CG}} = -E[D_{CG}(h_c, y_c)] \\quad \\text{(eqs. 7, 8)} \\\\
        L_C &= -E[D_{d+1}(\\hat x_u, y_u)], \\quad y_u \\sim C(\\hat x_u)
                     \\quad \\text{(eq. 13)}

    and the update schedule is the supplement's Algorithm 2: per mini-batch,
    ``n_critic`` steps of ``D_MI`` on ``L_D_MI + lambda_1 L_GP_MI`` (by
    default with the penalty extended to the label, see ``label_penalty``),
    one step of ``E`` and ``G_MI`` on ``L_G_MI + alpha_1 L_recon`` (plus
    the reconstruction of hidden observed entries, as in
    :class:`~skgan.HexaGANImputer`, whose encoder input this shares); then
    ``n_cg`` times (``n_critic`` steps of ``D_CG`` on
    ``L_D_CG + lambda_2 L_GP_CG``, one step of ``G_CG`` on
    ``L_G_CG + alpha_2 L_G_MI(x^_c) + alpha_3 CE(C(x^_c), y_c)``, eq. 12,
    where ``L_G_MI`` takes the ``d`` feature outputs only); finally one step
    of ``C`` on ``CE(x^_{l,c}, y_{l,c}) + alpha_4 L_C`` (eq. 15), where the
    generated rows bring every class of the batch up to the count of its
    largest class.
    Generated rows enter ``D_MI`` with an all-zero mask (every element fake).

    **Pseudo-labels.** The authors' code rounds ``C``'s probabilities, which
    has no gradient, so ``L_C`` never reaches ``C``. Here ``pseudo_label``
    chooses the form: ``"soft"`` (default) feeds ``C``'s probabilities to
    ``D_MI``, so ``L_C``'s gradient reaches ``C`` directly; ``"gumbel"``
    draws ``y_u ~ C(x^_u)`` as a one-hot vector with the straight-through
    Gumbel-softmax estimator (the sample the paper describes, with the
    relaxed sample's gradient); ``"hard"`` is the authors' rounded,
    non-differentiable one-hot ``argmax`` (kept for comparison). The default
    was chosen on validation rows carved from the training folds of breast
    cancer and wine (``benchmarks/bench_hexagan.py --only selection``):
    soft and Gumbel scored within noise of each other (soft marginally
    higher on average), and neither measurably above the rounded labels --
    on these data the gradient through the pseudo-label does not help.
    Soft pseudo-labels are probability vectors and real labels one-hot, so
    ``D_MI`` can tell them apart by their one-hotness alone and ``L_C``
    mostly rewards confident outputs (see the User Guide).

    Read more in the :ref:`User Guide <hexagan>`.

    Parameters
    ----------
    {categorical_features}
    hidden_size : int or "auto", default="auto"
        Width of the hidden layers and of the hidden space; "auto" is
        ``2 * n_features`` within [64, 256] (the paper's ``d / 2`` underfits:
        see Notes).
    alpha : float, default=10.0
        ``alpha_1``, weight of the reconstruction loss on observed entries.
    hidden_weight : float, default=100.0
        Weight of the reconstruction loss on observed entries hidden from the
        encoder (self-supervision; 0 gives the paper's loss).
    gradient_penalty : float, default=10.0
        ``lambda_1``, weight of the element-wise penalty of ``D_MI``.
    cg_gradient_penalty : float, default=10.0
        ``lambda_2``, weight of the zero-centred penalty of ``D_CG``.
    cg_adversarial_weight : float, default=1.0
        ``alpha_2``, weight of ``D_MI``'s verdict on generated rows in
        ``G_CG``'s loss.
    cg_classification_weight : float, default=0.01
        ``alpha_3``, weight of ``C``'s cross-entropy on generated rows in
        ``G_CG``'s loss.
    semi_supervised_weight : float, default=0.1
        ``alpha_4``, weight of ``L_C`` in the classifier's loss.
    n_critic : int, default=2
        Discriminator updates per generator update (``D_MI`` and ``D_CG``;
        the paper uses 5, see Notes).
    n_cg : int, default=1
        Rounds of conditional generation updates per update of the other
        networks (the paper uses 10; see Notes).
    pseudo_label : {"soft", "gumbel", "hard"}, default="soft"
        Form of the pseudo-labels of unlabeled rows (see above).
    conditional_generation : bool, default=True
        Train ``G_CG`` and ``D_CG`` and top up minority classes with
        generated rows. False gives the paper's "w/o G_CG" ablation.
    semi_supervised : bool, default=True
        Give ``D_MI`` its label output and train ``C`` with ``L_C`` on the
        unlabeled rows. False gives the paper's "w/o D_MI,d+1" ablation
        (unlabeled rows then still train the imputation).
    label_penalty : bool, default=True
        Extend ``D_MI``'s penalty ``L_GP_MI`` to the label: the gradient of
        every output, the label's included (on labeled rows), in the whole
        input ``[x^, y]``. False gives eq. 6, the gradient in ``x^`` of the
        ``d`` feature outputs only, under which ``C`` collapsed on breast
        cancer and wine (see Notes).
    learning_rate : float, default=1e-3
        RMSProp step size of ``E``, ``G_MI`` and ``D_MI``; ``G_CG`` and
        ``D_CG`` use a tenth of it and ``C`` ten times it, as in the authors'
        code; ``C``'s layers with more than 64 inputs take that step scaled
        by ``64 / fan_in`` (with a full step on 500 features all of ``C``'s
        hidden units died in the first updates, a constant classifier).
        The paper gives no value; the authors' code uses 2e-4 (with 10000
        epochs on breast cancer). Within the default budget of about 2000
        updates, 2e-4 scored lower on validation rows carved from the
        training folds: macro-F1 0.957 against 0.965 on average (breast
        cancer 0.978 against 0.975, wine 0.935 against 0.956; three splits,
        ``benchmarks/results/hexagan_departures.md``).
    max_iter : int or "auto", default="auto"
        Maximum number of epochs; "auto" targets about 2000 mini-batch
        updates, between 5 and 2000 epochs.
    batch_size : int or "auto", default="auto"
        Mini-batch size; "auto" is ``n_samples // 64`` within [64, 256]
        (the paper's 64 on small data), capped by ``n_samples``.
    early_stopping : "auto" or bool, default="auto"
        Hold out ``validation_fraction`` of the labeled rows (stratified) and
        stop when the log-loss on them has not improved for
        ``n_iter_no_change`` epochs: that of the blend (see ``blend_with``;
        the networks train while they improve it), or of ``C`` alone
        without one. The best networks are kept. "auto" enables it with a
        blend, and without one from 1000 samples on (False before the blend;
        the paper has no early stopping).
    validation_fraction : float, default=0.1
        Fraction of labeled rows held out for early stopping and the
        blend's weights.
    n_iter_no_change : int, default=20
        Patience of early stopping, in epochs.
    inference_draws : int, default=8
        Noise draws of the imputation averaged by :meth:`predict_proba` and
        :meth:`impute`.
    blend_with : tuple of str or None, default=("gradient_boosting", "logistic")
        scikit-learn classifiers blended with ``C`` (not in the paper):
        "gradient_boosting" is
        :class:`~sklearn.ensemble.HistGradientBoostingClassifier` (native
        missing values, labeled rows only, balanced class weights),
        "logistic" the cascade users
        build by hand, :class:`~sklearn.impute.IterativeImputer` on every
        row then :class:`~sklearn.linear_model.LogisticRegression`
        (``class_weight="balanced"``) self-trained on the unlabeled rows
        (:class:`~sklearn.semi_supervised.SelfTrainingClassifier`), both in
        the networks' [0, 1] scale. Each is fitted without the held-out
        labeled rows (see ``validation_fraction``) and gives their class
        probabilities ``P_k``, as ``C`` does. The blend is ``w C + (1 - w)
        sum_k a_k P_k``. The member weights ``a_k`` (summing to 1) are
        chosen on out-of-fold probabilities for the other labeled rows (5
        stratified folds; the logistic member's imputer, which sees no
        label, fitted once): among equal weights, each member alone and the
        non-negative least-squares weights, those of the highest macro-F1
        (ties to equal weights); on development splits of breast cancer /
        wine / credit_data this scored macro-F1 0.961 / 0.959 / 0.662
        against equal weights' 0.945 / 0.949 / 0.662
        (``benchmarks/results/study_classifier_blend.md``). ``w``
        minimises the squared error against the one-hot labels of the
        held-out rows, every class weighing alike (stacked generalisation on
        a balanced Brier score). The members of non-zero weight are then
        refitted on every row; the networks are not. None or ``()`` uses
        ``C`` alone, as the paper does.
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
    classes_ : ndarray of shape (n_classes,)
        Class labels (``-1``, the unlabeled marker, is not one).
    networks_ : dict of str to torch.nn.Module
        ``encoder``, ``generator_mi``, ``discriminator_mi``, ``classifier``
        and, with conditional generation, ``generator_cg`` and
        ``discriminator_cg``.
    hidden_size_ : int
        Width actually used.
    history_ : dict of str to list of float
        Per-epoch mean loss of every network (discriminators' include their
        penalty), and ``validation`` log-loss with early stopping.
    n_iter_ : int
        Number of epochs run.
    best_iteration_ : int
        Epoch whose networks were kept.
    blend_weights_ : dict of str to float
        Weight of ``C`` (``"network"``) and of each member of ``blend_with``
        in :meth:`predict_proba`; they sum to 1.
    blend_ : object
        The blend: ``weights_``, ``heldout_log_loss_`` (NaN when no row
        could be held out) and ``members_``, the fitted scikit-learn
        classifiers.
    device_ : torch.device
        Device the networks were trained on.
    scaling_ : object
        Per-feature minimum and range of the internal [0, 1] scaling.
    noise_bank_ : ndarray of shape (inference_draws, n_features)
        Noise fixed at fit time that makes predictions deterministic.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, for DataFrame input.

    See Also
    --------
    HexaGANImputer : The imputation part of HexaGAN alone.
    sklearn.semi_supervised.SelfTrainingClassifier : Semi-supervised
        wrapper of a supervised classifier (same ``-1`` convention).

    Notes
    -----
    Defaults that differ from the paper and the authors' code, each measured
    on validation rows carved from the training folds of breast cancer and
    wine (never on a test fold; ``benchmarks/bench_hexagan_departures.py``,
    results in ``benchmarks/results/hexagan_departures.md``, macro-F1 over
    three splits):

    * ``label_penalty=True``. Eq. 6 penalises only the gradient in ``x^`` of
      the ``d`` feature outputs, so nothing bounds how steeply the label
      output ``D_MI(.)_{d+1}`` may rise in the label inputs. Without that
      bound the label critic's scores kept growing through the fit,
      ``alpha_4 L_C`` came to dominate ``C``'s loss and ``C`` collapsed:
      macro-F1 0.6592 / 0.8195 (breast cancer / wine) against 0.9749 /
      0.9555, lower on all six splits; on breast cancer the last epoch's
      mean loss of ``D_MI`` was -331.6 against -0.007, and with one-hot
      Gumbel pseudo-labels the same happened (macro-F1 0.5577).
    * ``learning_rate=1e-3`` instead of the authors' 2e-4 (see the
      parameter).
    * Networks of width ``2 d`` within [64, 256] instead of ``d / 2``:
      with ``d / 2`` (15 units on breast cancer, 6 on wine) macro-F1 was
      0.9658 / 0.8711 against 0.9749 / 0.9555, lower on four of the six
      splits.
    * ``n_critic=2, n_cg=1`` instead of the supplement's ``n_critic=5,
      n_cg=10``: ``n_critic=5, n_cg=2`` scored 0.9687 / 0.9266 against
      0.9749 / 0.9555, higher on none of the six splits, and took 75 s a
      fit against 42 s (one thread of a shared two-core machine). The
      supplement's schedule, several times more updates per step, was not
      measured.

    Where skgan follows the paper against its earlier code: ``G_CG``'s
    ``alpha_2`` term is ``L_G_MI(x^_c)`` over the ``d`` feature outputs
    (eqs. 3, 12), not the mean of all ``d + 1`` outputs of ``D_MI``; the
    earlier form scored 0.9605 against 0.9652 on average.

    The encoder's input and the reconstruction term are those of
    :class:`~skgan.HexaGANImputer`. ``C`` trains with an L2 penalty of 1e-3
    in its optimiser, and the ``C`` kept after fitting holds an exponential
    moving average of its weights over the training steps (a window of about
    200 steps): with ``C``'s step size ten times the others', the last
    iterate is noisy. Among twelve variants scored on validation rows
    carved from the training folds (5 folds of each data set, one seed;
    ``benchmarks/tune_hexagan.py``, per-fold scores in
    ``benchmarks/results/hexagan_tuning.jsonl``) this pair scored highest,
    0.968 macro-F1 on both data sets against 0.962 / 0.957 without it; the
    twelve variants' means over both data sets lay within 0.013 of one
    another.

    Features missing in every training row are ignored by the networks;
    :meth:`impute` fills them with 0.

    References
    ----------
    .. [1] U. Hwang, D. Jung and S. Yoon, "HexaGAN: Generative Adversarial
       Nets for Real World Classification", ICML 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from skgan import HexaGANClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> rng = np.random.RandomState(0)
    >>> X[rng.rand(*X.shape) < 0.1] = np.nan
    >>> y[rng.rand(len(y)) < 0.3] = -1
    >>> clf = HexaGANClassifier(max_iter=5, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _averaged_networks = ("classifier",)
    #: L2 penalty of C's optimiser (see Notes).
    _classifier_weight_decay = 1e-3
    #: C's layers with more inputs take smaller steps (``fan_in_param_groups``).
    _classifier_max_fan_in = 64
    #: G_CG and D_CG step with ``learning_rate / _cg_lr_divisor``.
    _cg_lr_divisor = 10

    _parameter_constraints = {
        **BaseTorchGAN._parameter_constraints,
        "hidden_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "hidden_weight": [Interval(Real, 0, None, closed="left")],
        "gradient_penalty": [Interval(Real, 0, None, closed="left")],
        "cg_gradient_penalty": [Interval(Real, 0, None, closed="left")],
        "cg_adversarial_weight": [Interval(Real, 0, None, closed="left")],
        "cg_classification_weight": [Interval(Real, 0, None, closed="left")],
        "semi_supervised_weight": [Interval(Real, 0, None, closed="left")],
        "n_critic": [Interval(Integral, 1, None, closed="left")],
        "n_cg": [Interval(Integral, 1, None, closed="left")],
        "pseudo_label": [StrOptions(set(PSEUDO_LABELS))],
        "conditional_generation": ["boolean"],
        "semi_supervised": ["boolean"],
        "label_penalty": ["boolean"],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "inference_draws": [Interval(Integral, 1, None, closed="left")],
        "blend_with": [tuple, list, None],
    }


    def __init__(
        self,
        *,
        categorical_features="from_dtype",
        hidden_size="auto",
        alpha=10.0,
        hidden_weight=100.0,
        gradient_penalty=10.0,
        cg_gradient_penalty=10.0,
        cg_adversarial_weight=1.0,
        cg_classification_weight=0.01,
        semi_supervised_weight=0.1,
        n_critic=2,
        n_cg=1,
        pseudo_label="soft",
        conditional_generation=True,
        semi_supervised=True,
        label_penalty=True,
        learning_rate=1e-3,
        max_iter="auto",
        batch_size="auto",
        early_stopping="auto",
        validation_fraction=0.1,
        n_iter_no_change=20,
        inference_draws=8,
        blend_with=("gradient_boosting", "logistic"),
        device="auto",
        random_state=None,
        verbose=0,
    ):
        self.categorical_features = categorical_features
        self.hidden_size = hidden_size
        self.alpha = alpha
        self.hidden_weight = hidden_weight
        self.gradient_penalty = gradient_penalty
        self.cg_gradient_penalty = cg_gradient_penalty
        self.cg_adversarial_weight = cg_adversarial_weight
        self.cg_classification_weight = cg_classification_weight
        self.semi_supervised_weight = semi_supervised_weight
        self.n_critic = n_critic
        self.n_cg = n_cg
        self.pseudo_label = pseudo_label
        self.conditional_generation = conditional_generation
        self.semi_supervised = semi_supervised
        self.label_penalty = label_penalty
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.inference_draws = inference_draws
        self.blend_with = blend_with
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # -- fit ---------------------------------------------------------------
    @fit_method
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the six networks on ``X`` and the labeled part of ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; NaN marks missing entries.
        y : array-like of shape (n_samples,)
            Class labels; ``-1`` marks unlabeled rows (for string labels use
            an object array with the integer ``-1``, or the string ``"-1"``).

        Returns
        -------
        self : object
            Fitted classifier.
        """
        X, y, table = self._fit_input(X, y)
        unlabeled = unlabeled_mask(y)
        if unlabeled.all():
            raise ValueError(
                "HexaGANClassifier needs labeled rows: every entry of y is -1, "
                "which marks an unlabeled row."
            )
        check_classification_targets(y[~unlabeled])
        self.classes_, codes = np.unique(y[~unlabeled], return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                "HexaGANClassifier needs at least two classes among the labeled "
                f"rows; got only class {self.classes_[0]!r}."
            )
        y_codes = np.full(len(y), -1, dtype=np.int64)
        y_codes[~unlabeled] = codes

        names = check_members(self.blend_with, BLEND_MEMBERS)
        mask = np.isnan(X)
        if table is not None:
            self._empty_columns = ~observed_features(table.missing)
        self._valid_features = observed_features(mask, warn=table is None)
        X, mask = X[:, self._valid_features], mask[:, self._valid_features]
        self.scaling_ = MinMaxScaling(X, mask)
        x01 = self.scaling_.scale(X, mask)
        rt = self._make_runtime(*X.shape)
        rt.layout = self._encoded_layout(X.shape[1])
        rt.data = {
            "x": rt.tensor(x01),
            "m": rt.tensor(~mask),
            "y": torch.as_tensor(y_codes, device=rt.device),
        }
        early_stopping = self._early_stopping_enabled(len(y))
        held, heldout_data = np.empty(0, dtype=int), None
        if early_stopping or names:
            held, heldout_data = self._hold_out_labeled_rows(rt)
        # Drawn only for members: a fit without any keeps its networks'
        # random stream.
        seed = int(rt.numpy_generator.integers(2**31 - 1)) if names else None
        members, member_predictions, member_weights = fit_members(
            names,
            np.where(mask, np.nan, x01),
            y_codes,
            held,
            len(self.classes_),
            seed=seed,
        )
        score = None
        if heldout_data is not None:
            score = self._heldout_score(
                rt, heldout_data, members, member_predictions, member_weights
            )
        self._fit_networks(rt, score if early_stopping else None)
        self.noise_bank_ = to_numpy(rt.rand(self.inference_draws, X.shape[1]))
        self.blend_ = fit_blend(
            self._network_proba(x01[held], ~mask[held]),
            members,
            member_predictions,
            y_codes[held],
            member_weights,
        )
        self.blend_weights_ = self.blend_.weights_
        return self

    def _fit_input(self, X, y):
        """``X`` as floats (a mixed table encoded, see
        ``categorical_features``), ``y`` checked, and the mixed table as
        given (None for a numeric one)."""
        if self._learn_schema(X) is None:
            X, y = validate_data(
                self,
                X,
                y,
                dtype=FLOAT_DTYPES,
                ensure_all_finite="allow-nan",
                ensure_min_samples=2,
            )
            return X, y, None
        table = self._encode_table(X, reset=True)
        y = column_or_1d(y, warn=True)
        check_consistent_length(table.encoded, y)
        assert_all_finite(y, input_name="y")
        return table.encoded, y, table

    def _early_stopping_enabled(self, n_samples):
        if self.early_stopping == "auto" and self.blend_with:
            return True
        return super()._early_stopping_enabled(n_samples)

    def _hold_out_labeled_rows(self, rt):
        """Hold out a stratified share of the labeled rows: they leave
        ``rt.data``; returns their sorted indices and their data (no index
        and None if too few rows)."""
        y = rt.data["y"].cpu().numpy()
        order = rt.permutation(len(y)).numpy()
        held = []
        for k in range(len(self.classes_)):
            rows = order[y[order] == k]
            n_val = int(math.floor(self.validation_fraction * len(rows)))
            if len(rows) - n_val < 1:
                return np.empty(0, dtype=int), None
            held.extend(rows[:n_val])
        if len(held) < 2:
            return np.empty(0, dtype=int), None
        held = np.sort(held)
        heldout_data = {key: value[held] for key, value in rt.data.items()}
        keep = np.ones(len(y), dtype=bool)
        keep[held] = False
        keep = torch.as_tensor(keep, device=rt.device)
        rt.data = {key: value[keep] for key, value in rt.data.items()}
        return held, heldout_data

    def _heldout_score(
        self, rt, heldout_data, members, member_predictions, member_weights
    ):
        """The early-stopping signal: log-loss on the held-out rows of the
        blend of ``C`` with ``members`` (whose probabilities for those rows
        are ``member_predictions``, combined with ``member_weights``), or of
        ``C`` alone without members."""
        x_val, m_val, y_val = (heldout_data[k] for k in ("x", "m", "y"))
        codes = y_val.cpu().numpy()
        noise = rt.rand(self.inference_draws, x_val.shape[1])

        def heldout_log_loss(networks):
            proba = self._mean_proba(networks, x_val, m_val, noise)
            if members:
                proba = to_numpy(proba).astype(np.float64)
                blend = fit_blend(
                    proba, members, member_predictions, codes, member_weights
                )
                return blend.heldout_log_loss_
            return F.nll_loss(torch.log(proba.clamp_min(1e-12)), y_val)

        return heldout_log_loss

    # -- networks ----------------------------------------------------------
    def _build_networks(self, rt):
        d = rt.data["x"].shape[1]
        n_classes = len(self.classes_)
        g = rt.cpu_generator
        semi = self.semi_supervised
        networks = self._imputation_networks(
            g,
            d,
            n_label_inputs=n_classes if semi else 0,
            n_label_outputs=int(semi),
            layout=rt.layout,
        )
        w = self.hidden_size_
        networks["classifier"] = make_mlp([d, w, n_classes], generator=g)
        if self.conditional_generation:
            networks["generator_cg"] = make_mlp(
                [n_classes + w, w, w], output="relu", generator=g
            )
            networks["discriminator_cg"] = make_mlp([w + n_classes, w, 1], generator=g)
        return networks

    def _build_optimizers(self, networks):
        lr = self.learning_rate
        optimizers = self._rmsprop(
            networks, ("encoder", "generator_mi", "discriminator_mi"), lr
        )
        optimizers.update(
            self._rmsprop(
                networks,
                ("classifier",),
                10 * lr,
                self._classifier_weight_decay,
                self._classifier_max_fan_in,
            )
        )
        if self.conditional_generation:
            optimizers.update(
                self._rmsprop(
                    networks,
                    ("generator_cg", "discriminator_cg"),
                    lr / self._cg_lr_divisor,
                )
            )
        return optimizers

    # -- pieces --------------------------------------------------------------
    def _one_hot(self, codes):
        return F.one_hot(codes, len(self.classes_)).to(torch.float32)

    def _pseudo_labels(self, rt, logits):
        """``y_u`` for unlabeled rows from C's logits (see ``pseudo_label``)."""
        if self.pseudo_label == "soft":
            return torch.softmax(logits, dim=1)
        if self.pseudo_label == "gumbel":
            return gumbel_straight_through(logits, rt.rand(*logits.shape))
        return self._one_hot(logits.argmax(dim=1))

    def _generate_hidden(self, rt, networks, codes):
        """``h_c = G_CG(y_c, z)``, ``z ~ U(0, 1)``."""
        z = rt.rand(len(codes), self.hidden_size_)
        return networks["generator_cg"](torch.cat([self._one_hot(codes), z], dim=1))

    def _top_up_codes(self, rt, y):
        """Class codes of the generated rows that bring every class of the
        batch's labeled rows up to the count of its largest class."""
        counts = torch.bincount(y[y >= 0], minlength=len(self.classes_))
        return torch.repeat_interleave(
            torch.arange(len(self.classes_), device=rt.device), counts.max() - counts
        )

    def _critic_input(self, x_hat, labels):
        if not self.semi_supervised:
            return x_hat
        return torch.cat([x_hat, labels], dim=1)

    def _critic_mi_batches(self, rt, networks, batch_size, n_batches):
        """D_MI's inputs and real-masks for ``n_batches`` random mini-batches
        of labeled, unlabeled and generated rows (eqs. 4 and 14).

        The critic's updates do not change E, G_MI, C or G_CG, so the
        batches of all ``n_critic`` updates are prepared in one pass; no
        gradient flows to those networks.
        """
        rows = random_rows(rt, batch_size * n_batches)
        x, m, y = rows["x"], rows["m"], rows["y"]
        x_hat, _, _ = self._impute_rows(networks, x, m, rt.rand(*x.shape))
        labeled = (y >= 0).to(torch.float32)
        labels = self._one_hot(y.clamp_min(0))
        if self.semi_supervised and labeled.min() < 1:
            pseudo = self._pseudo_labels(rt, networks["classifier"](x_hat))
            labels = torch.where(labeled[:, None] > 0, labels, pseudo)
        inputs = self._critic_input(x_hat, labels).split(batch_size)
        m = rt.layout.per_column(m)
        real = torch.cat([m, labeled[:, None]], dim=1) if self.semi_supervised else m
        real = real.split(batch_size)
        if not self.conditional_generation:
            return list(zip(inputs, real))
        codes = [self._top_up_codes(rt, chunk) for chunk in y.split(batch_size)]
        all_codes = torch.cat(codes)
        if not len(all_codes):
            return list(zip(inputs, real))
        x_c = networks["generator_mi"](self._generate_hidden(rt, networks, all_codes))
        generated = self._critic_input(x_c, self._one_hot(all_codes)).split(
            [len(c) for c in codes]
        )
        return [
            (
                torch.cat([inp, gen]),
                torch.cat([r, r.new_zeros(len(gen), r.shape[1])]),
            )
            for inp, r, gen in zip(inputs, real, generated)
        ]

    # -- Algorithm 2 -------------------------------------------------------
    def _train_step(self, rt, networks, optimizers, batch, step):
        losses = {}
        # D_MI's penalty: all of its inputs and outputs, or eq. 6's.
        penalised = None if self.label_penalty else batch["x"].shape[1]
        # (1) Missing data imputation.
        with torch.no_grad():
            batches = self._critic_mi_batches(
                rt, networks, len(batch["x"]), self.n_critic
            )
        for inputs, real in batches:
            losses["discriminator_mi"] = self._critic_mi_update(
                rt, networks, optimizers, inputs, real, n_features=penalised
            )
        x, m, y = batch["x"], batch["m"], batch["y"]
        labeled = y >= 0
        labels = self._one_hot(y.clamp_min(0))
        if self.semi_supervised and not labeled.all():
            with torch.no_grad():
                x_hat, _, _ = self._impute_rows(networks, x, m, rt.rand(*x.shape))
                pseudo = self._pseudo_labels(rt, networks["classifier"](x_hat))
            labels = torch.where(labeled[:, None], labels, pseudo)
        loss, x_hat = self._imputer_mi_update(
            rt,
            networks,
            optimizers,
            x,
            m,
            rt.rand(*x.shape),
            critic_input=lambda xh: self._critic_input(xh, labels),
        )
        losses["encoder_generator_mi"] = loss
        # (2) Conditional generation.
        codes = torch.empty(0, dtype=torch.long)
        if self.conditional_generation and labeled.any():
            with torch.no_grad():
                h_l = self._encode(
                    networks, x[labeled], m[labeled], rt.rand(*x[labeled].shape)
                )
            for _ in range(self.n_cg):
                losses.update(
                    self._conditional_generation_step(
                        rt, networks, optimizers, h_l, y[labeled]
                    )
                )
            codes = self._top_up_codes(rt, y)
        # (3) Semi-supervised classification.
        losses["classifier"] = self._classifier_step(
            rt, networks, optimizers, x_hat, labeled, y, codes
        )
        return losses

    def _conditional_generation_step(self, rt, networks, optimizers, h_l, y_l):
        """``n_critic`` updates of D_CG (eqs. 8-9, 11), one of G_CG (eq. 12)."""
        critic = networks["discriminator_cg"]
        y_onehot = self._one_hot(y_l)
        n_real, width = len(h_l), h_l.shape[1]
        real_input = torch.cat([h_l, y_onehot], dim=1)
        for _ in range(self.n_critic):
            with torch.no_grad():
                h_c = self._generate_hidden(rt, networks, y_l)
            # One forward pass of real and generated pairs; the penalty's
            # gradient in h_l (eq. 9) comes in closed form from the same pass.
            scores, gradient = mlp_input_gradient(
                critic, torch.cat([real_input, torch.cat([h_c, y_onehot], dim=1)])
            )
            loss_d = critic_loss(scores[:n_real], scores[n_real:])
            if self.cg_gradient_penalty > 0:
                penalty = gradient[:n_real, :width].pow(2).sum(dim=1).mean()
                loss_d = loss_d + self.cg_gradient_penalty * penalty
            apply_gradients(
                loss_d, networks, {"discriminator_cg": optimizers["discriminator_cg"]}
            )
        h_c = self._generate_hidden(rt, networks, y_l)
        loss_g = self._generator_cg_loss(rt, networks, h_c, y_l)
        apply_gradients(loss_g, networks, {"generator_cg": optimizers["generator_cg"]})
        return {"discriminator_cg": loss_d.detach(), "generator_cg": loss_g.detach()}

    def _generator_cg_loss(self, rt, networks, h_c, y_c):
        """G_CG's loss (eq. 12) on generated hidden vectors ``h_c`` of
        classes ``y_c``: ``L_G_CG + alpha_2 L_G_MI(x^_c) + alpha_3
        CE(C(x^_c), y_c)`` with ``x^_c = G_MI(h_c)``.

        Generated rows are all-fake for ``D_MI``, so ``L_G_MI(x^_c)`` (eq. 3)
        is minus the mean of its outputs of the table columns; the label
        output is not part of it (it is C's adversary, eq. 13).
        """
        y_onehot = self._one_hot(y_c)
        x_c = networks["generator_mi"](h_c)
        adversarial = -networks["discriminator_cg"](
            torch.cat([h_c, y_onehot], dim=1)
        ).mean()
        scores = networks["discriminator_mi"](self._critic_input(x_c, y_onehot))
        imputation = -scores[:, : rt.layout.n_columns].mean()
        classification = F.cross_entropy(networks["classifier"](x_c), y_c)
        return (
            adversarial
            + self.cg_adversarial_weight * imputation
            + self.cg_classification_weight * classification
        )

    def _classifier_step(self, rt, networks, optimizers, x_hat, labeled, y, codes):
        """C on ``CE(x^_{l,c}, y_{l,c}) + alpha_4 L_C`` (eq. 15)."""
        classifier = networks["classifier"]
        inputs, targets = x_hat[labeled], y[labeled]
        if len(codes):
            with torch.no_grad():
                x_c = networks["generator_mi"](
                    self._generate_hidden(rt, networks, codes)
                )
            inputs, targets = torch.cat([inputs, x_c]), torch.cat([targets, codes])
        loss = F.cross_entropy(classifier(inputs), targets)
        unlabeled = ~labeled
        if self.semi_supervised and self.pseudo_label != "hard" and unlabeled.any():
            x_u = x_hat[unlabeled]
            y_u = self._pseudo_labels(rt, classifier(x_u))
            label_score = networks["discriminator_mi"](self._critic_input(x_u, y_u))[
                :, -1
            ]
            loss = loss - self.semi_supervised_weight * label_score.mean()
        apply_gradients(loss, networks, {"classifier": optimizers["classifier"]})
        return loss.detach()

    # -- inference ---------------------------------------------------------
    def _mean_proba(self, networks, x, m, noise_bank):
        """C's probabilities averaged over imputations with each noise row."""
        total = 0
        for noise in noise_bank:
            x_hat = self._impute_tensor(networks, x, m, noise.expand_as(x))
            total = total + torch.softmax(networks["classifier"](x_hat), dim=1)
        return total / len(noise_bank)

    def _checked_input(self, X):
        """``X`` as floats (a mixed table encoded), its missing mask and the
        mixed table as given (None for a numeric one)."""
        check_is_fitted(self)
        if self._schema is None:
            X = validate_data(
                self, X, reset=False, dtype=FLOAT_DTYPES, ensure_all_finite="allow-nan"
            )
            return X, np.isnan(X), None
        table = self._encode_table(X, reset=False)
        return table.encoded, np.isnan(table.encoded), table

    def _scaled(self, X, mask):
        """The valid features of ``X`` in the networks' [0, 1] scale (0 where
        missing) and their mask of observed entries."""
        valid = self._valid_features
        return self.scaling_.scale(X[:, valid], mask[:, valid]), ~mask[:, valid]

    def _run_chunks(self, X01, observed, fn):
        """Apply ``fn(x, m, noise_bank)`` to scaled rows, chunk by chunk."""
        device = self._inference_device()
        bank = torch.as_tensor(self.noise_bank_, dtype=torch.float32, device=device)
        outputs = []
        with torch.no_grad():
            for start in range(0, X01.shape[0], TRANSFORM_CHUNK):
                rows = slice(start, start + TRANSFORM_CHUNK)
                x = torch.as_tensor(X01[rows], dtype=torch.float32, device=device)
                m = torch.as_tensor(observed[rows], dtype=torch.float32, device=device)
                outputs.append(to_numpy(fn(x, m, bank)))
        return np.concatenate(outputs)

    def _network_proba(self, X01, observed):
        """``C``'s probabilities for scaled rows, averaged over the noise
        bank's imputations."""
        if not len(X01):
            return np.empty((0, len(self.classes_)))
        def mean_proba(x, m, bank):
            return self._mean_proba(self.networks_, x, m, bank)

        return self._run_chunks(X01, observed, mean_proba).astype(np.float64)

    def predict_proba(self, X):
        """Class probabilities; missing entries are imputed first.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify; NaN marks missing entries.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            ``C``'s probabilities, averaged over ``inference_draws``
            imputations with noise fixed at fit time, blended with those of
            the ``blend_with`` classifiers (see ``blend_weights_``).
        """
        X, mask, _ = self._checked_input(X)
        X01, observed = self._scaled(X, mask)
        # Networks with no weight in the blend (the usual case on small
        # tables) are not run.
        network_proba = (
            self._network_proba(X01, observed)
            if self.blend_.weights_["network"]
            else np.zeros((len(X01), len(self.classes_)))
        )
        proba = self.blend_.combine(network_proba, np.where(observed, X01, np.nan))
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Predict class labels; missing entries are imputed first.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify; NaN marks missing entries.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels, from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def impute(self, X):
        """Fill the missing entries of ``X`` with E and G_MI.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data with NaN marking missing entries.

        Returns
        -------
        X_imputed : ndarray of shape (n_samples, n_features)
            ``X`` with missing entries replaced by the average of
            ``inference_draws`` imputations; observed entries are returned
            unchanged. Features missing in every training row get 0.
        """
        X, mask, table = self._checked_input(X)

        def mean_imputation(x, m, bank):
            total = torch.zeros_like(x)
            for noise in bank:
                total += self._impute_tensor(self.networks_, x, m, noise.expand_as(x))
            return total / len(bank)

        valid = self._valid_features
        imputed = self.scaling_.unscale(
            self._run_chunks(*self._scaled(X, mask), mean_imputation)
        )
        out = np.where(mask, 0.0, X)
        out[:, valid] = np.where(mask[:, valid], imputed, X[:, valid])
        if table is None:
            return out
        columns = self._schema.fill(table.columns, table.missing, out)
        return self._mixed_output(columns, table.X)

    def sample(self, n_samples=1, *, y=None, random_state=None):
        """Generate class-conditional rows with G_CG and G_MI.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to generate (ignored when ``y`` is an array).
        y : label, array-like of labels or None, default=None
            Class of every row: one label for all rows, one label per row,
            or None to draw classes uniformly.
        random_state : int, RandomState instance or None, default=None
            Seed of the noise and of the drawn classes.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Generated rows ``G_MI(G_CG(y, z))`` in the input's scale (features
            missing in every training row are 0).
        y : ndarray of shape (n_samples,)
            Their classes.
        """
        check_is_fitted(self)
        if not self.conditional_generation:
            raise ValueError(
                "sample needs the conditional generator; this classifier was "
                "fitted with conditional_generation=False."
            )
        seed = draw_seed(random_state)
        if y is None:
            if not isinstance(n_samples, Integral) or n_samples < 1:
                raise ValueError(
                    f"n_samples must be a positive integer, got {n_samples!r}."
                )
            codes = np.random.RandomState(seed).randint(
                len(self.classes_), size=n_samples
            )
        else:
            labels = np.asarray(y, dtype=self.classes_.dtype)
            if labels.ndim == 0:
                if not isinstance(n_samples, Integral) or n_samples < 1:
                    raise ValueError(
                        f"n_samples must be a positive integer, got {n_samples!r}."
                    )
                labels = np.repeat(labels, n_samples)
            unknown = ~np.isin(labels, self.classes_)
            if unknown.any():
                raise ValueError(
                    "y holds labels that are not classes: "
                    f"{np.unique(labels[unknown])!r}; "
                    f"classes are {self.classes_!r}."
                )
            codes = np.searchsorted(self.classes_, labels)
        device = self._inference_device()
        generator = torch.Generator(device=device).manual_seed(seed)
        codes_t = torch.as_tensor(codes, device=device)
        with torch.no_grad():
            z = torch.rand(
                len(codes),
                self.hidden_size_,
                generator=generator,
                device=device,
                dtype=torch.float32,
            )
            h = self.networks_["generator_cg"](
                torch.cat([self._one_hot(codes_t), z], dim=1)
            )
            x = to_numpy(self.networks_["generator_mi"](h))
        out = np.zeros((len(codes), len(self._valid_features)))
        out[:, self._valid_features] = self.scaling_.unscale(x)
        if self._schema is not None:
            out = self._mixed_output(self._schema.decode(out), None)
        return out, self.classes_[codes]

    def _mixed_output(self, columns, X_in):
        """Decoded mixed rows: a DataFrame with the training table's dtypes
        when the classifier was fitted on a DataFrame, else an object array;
        a categorical column missing in every training row stays missing."""
        columns = [
            values if categorical or not empty else np.nan_to_num(values)
            for values, empty, categorical in zip(
                columns, self._empty_columns, self._schema.is_categorical
            )
        ]
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            return self._schema.to_array(columns)
        return self._schema.to_frame(
            columns, names, self._schema.dtypes, getattr(X_in, "index", None)
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


HexaGANClassifier.__doc__ = HexaGANClassifier.__doc__.replace(
    "{categorical_features}", CATEGORICAL_FEATURES_DOC
)
