"""Generative Adversarial Minority Oversampling (Mullick, Datta and Das, ICCV 2019).

GAMO plays a three-player game between a *convex generator* G, a classifier
M and a conditional discriminator D. G writes every new row of class ``k`` as
a convex combination of real rows of class ``k``; it is trained to make M
misclassify its rows while D still takes them for real ones, so the rows it
produces lie near the class boundaries, inside the class's convex hull.

:class:`GAMOResampler` uses the trained G as an imbalanced-learn over-sampler;
:class:`GAMOClassifier` keeps the trained M, the paper's end-to-end model.
Both share :class:`_BaseGAMO`, which holds the networks and the update step
(Algorithm 1 of the paper).
"""

import copy
import math
from numbers import Integral, Real

import numpy as np
import torch
import torch.nn.functional as F
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from imblearn.utils._docstring import Substitution
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.neighbors import NearestNeighbors
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils import check_consistent_length, column_or_1d
from sklearn.utils.validation import check_is_fitted, validate_data
from torch import nn

from .._schema import CATEGORICAL_FEATURES_DOC
from .._base import BaseTorchGAN, fit_method, to_numpy
from .._nn import apply_gradients, make_mlp

#: Upper bound on ``rows x anchors`` entries of one block of convex weights
#: computed at generation or prediction time (about 32 MB in float64).
GENERATION_ENTRIES = 1 << 22
#: Rows classified at once by :meth:`GAMOClassifier.predict_proba`.
PREDICT_CHUNK = 65536
#: Target range of the discriminator's smoothed labels (authors' code).
REAL_TARGET = (0.9, 1.0)
FAKE_TARGET = (0.0, 0.1)


# -- input checks --------------------------------------------------------------
def _checked_labels(X, y):
    """``y`` of a mixed table: one label per row."""
    y = column_or_1d(y, warn=True)
    check_consistent_length(X, y)
    return y


def _check_finite_features(X, name):
    """Reject NaN and infinity with a message that says what to do."""
    if np.isnan(X).any():
        raise ValueError(
            f"Input X contains NaN. {name} generates rows as convex combinations "
            "of complete rows and does not handle missing values: impute them "
            "first, e.g. imblearn.pipeline.make_pipeline(SimpleImputer(), "
            f"{name}(), classifier) (or skgan's MisGANImputer instead of "
            "SimpleImputer)."
        )
    if not np.isfinite(X).all():
        raise ValueError(
            "Input X contains infinity or a value too large for its dtype; "
            f"{name} needs finite features."
        )


class _FeatureScaler:
    """Per-feature affine map used inside the networks, ``(x - center) / scale``.

    ``"minmax"`` maps every feature onto ``[-1, 1]`` over the fitted rows
    (the range the authors give pixels); ``"standard"`` centres it on its mean
    with unit standard deviation. A constant feature maps to 0. Convex
    combinations commute with an affine map, so rows generated in the scaled
    space are the same convex combinations of the original rows.

    Every feature is first divided by a power of two near its largest
    magnitude (exact in binary floating point), so that no statistic
    overflows, whatever the finite float64 input.
    """

    def __init__(self, X, method):
        X = np.asarray(X, dtype=np.float64)
        _, exponent = np.frexp(np.abs(X).max(axis=0, initial=0.0))
        self.exponent_ = exponent
        X = self._shrink(X)
        if method == "standard":
            self.center_, scale = X.mean(axis=0), X.std(axis=0)
        else:
            low, high = X.min(axis=0), X.max(axis=0)
            self.center_, scale = (low + high) / 2, (high - low) / 2
        self.scale_ = np.where(scale > 0, scale, 1.0)

    def _shrink(self, X):
        """``X / 2**exponent_`` per feature, in ``[-1, 1]`` on the fitted data."""
        return np.ldexp(np.asarray(X, dtype=np.float64), -self.exponent_)

    def transform(self, X):
        return (self._shrink(X) - self.center_) / self.scale_


# -- networks ------------------------------------------------------------------
class ConvexGenerator(nn.Module):
    """GAMO's convex generator: one cTMU shared by all classes plus one IGU
    per generated class (paper, Sec. 3.2 and Fig. 3).

    The conditional transient mapping unit ``t(z | k)`` maps a latent vector
    and the one-hot class code to an intermediate vector; ``IGU_k`` maps that
    to ``K_k`` logits whose softmax gives convex weights over the class's
    anchor rows ``A_k`` (a ``K_k x d`` buffer), and the generated row is the
    matrix product ``softmax(IGU_k(t(z | k))) @ A_k`` (eq. 1). Memory is
    ``O(batch * K_k + K_k * d)`` per class, never ``batch * K_k * d``.

    Parameters
    ----------
    anchors : list of torch.Tensor
        One ``(K_k, n_features)`` tensor of (scaled) real rows per class.
    latent_dim : int
        Size of ``z``.
    hidden_size : int
        Width of the cTMU's first layer; its output has ``hidden_size // 4``.
    generator : torch.Generator
        CPU generator for the initial weights.
    neighbours : list of torch.Tensor or None
        ``None``: every row combines all ``K_k`` anchors (the paper). Else one
        ``(K_k, m_k)`` long tensor per class whose row ``j`` lists anchor
        ``j`` and its nearest anchors: a generated row then starts from a
        *seed* anchor drawn uniformly and combines only the seed's
        neighbourhood, with the IGU's logits restricted to it.
    """

    def __init__(self, anchors, latent_dim, hidden_size, generator, neighbours=None):
        super().__init__()
        self.local = neighbours is not None
        self.n_classes = len(anchors)
        self.latent_dim = latent_dim
        width = max(hidden_size // 4, 1)
        # Dense-ReLU-BN-Dense-ReLU-BN, as in the authors' code.
        self.transient = nn.Sequential(
            make_mlp(
                [latent_dim + self.n_classes, hidden_size, width],
                activation="relu",
                output="relu",
                batch_norm=True,
                generator=generator,
            ),
            nn.BatchNorm1d(width, dtype=torch.float32),
        )
        # The IGUs as one layer: rows offsets[k]:offsets[k + 1] of its weight
        # are IGU_k's, each initialised as a layer of its own; the anchors
        # stacked the same way. One layer lets a batch of rows of every class
        # go through the generator in a few tensor operations, not a few per
        # class (on a 10-class table most of a fit's time is such overhead).
        igus = [make_mlp([width, len(a)], generator=generator)[0] for a in anchors]
        self.igu_weight = nn.Parameter(torch.cat([igu.weight.detach() for igu in igus]))
        self.igu_bias = nn.Parameter(torch.cat([igu.bias.detach() for igu in igus]))
        sizes = torch.tensor([len(a) for a in anchors])
        self.register_buffer("offsets", torch.cat([sizes.new_zeros(1), sizes.cumsum(0)]))
        self.register_buffer("anchor_rows", torch.cat(anchors))
        if self.local:
            hood, valid = _stacked_neighbourhoods(neighbours, self.offsets)
            self.register_buffer("hood", hood)
            self.register_buffer("hood_valid", valid)

    def n_anchors(self, k):
        """``K_k``, the number of anchor rows of class ``k``."""
        return int(self.offsets[k + 1] - self.offsets[k])

    def anchors(self, k):
        """The ``(K_k, n_features)`` anchor rows of class ``k``."""
        return self.anchor_rows[self.offsets[k] : self.offsets[k + 1]]

    def draw_seeds(self, labels, rt):
        """One seed anchor per row, drawn uniformly among the anchors of its
        class ``labels`` (an index within the class; ``None`` when every row
        combines all anchors)."""
        if not self.local:
            return None
        # In float64, u * K_k < K_k for every float32 u < 1.
        sizes = self.offsets[labels + 1] - self.offsets[labels]
        return (rt.rand(len(labels)).double() * sizes).long()

    def transient_code(self, z, labels):
        """``t(z | k)`` for the rows of ``z`` of classes ``labels``."""
        code = F.one_hot(labels, self.n_classes).to(z.dtype)
        return self.transient(torch.cat([z, code], dim=1))

    def class_logits(self, t, counts):
        """IGU logits per class for rows sorted by class, ``counts[k]`` of
        class ``k``: one ``(counts[k], K_k)`` tensor per class."""
        o = self.offsets.tolist()
        return [
            F.linear(part, self.igu_weight[o[k] : o[k + 1]], self.igu_bias[o[k] : o[k + 1]])
            for k, part in enumerate(t.split(counts))
        ]

    def local_weights(self, t, labels, seeds, dtype=None):
        """Softmax (in ``dtype``, default the logits') of each row's IGU
        logits over its seed's neighbourhood: the ``(len(t), m)`` weights
        and the (stacked) anchor indices they weigh, ``m`` the largest
        neighbourhood (smaller ones padded with weight 0)."""
        rows = self.offsets[labels] + seeds
        index, valid = self.hood[rows], self.hood_valid[rows]
        logits = torch.einsum("bw,bmw->bm", t, self.igu_weight[index]) + self.igu_bias[index]
        logits = logits.to(dtype or logits.dtype).masked_fill(~valid, -torch.inf)
        return torch.softmax(logits, dim=1), index

    def forward(self, z, labels, counts, seeds=None):
        """Generated rows ``G(z | k) = g_k(t(z | k)) @ A_k``, in label order
        (labels sorted ascending, ``counts[k]`` of class ``k``; with
        ``seeds``: over each seed's neighbourhood only)."""
        t = self.transient_code(z, labels)
        if self.local:
            weights, index = self.local_weights(t, labels, seeds)
            return torch.einsum("bm,bmd->bd", weights, self.anchor_rows[index])
        return torch.cat(
            [
                torch.softmax(logits, dim=1) @ self.anchors(k)
                for k, logits in enumerate(self.class_logits(t, counts))
            ]
        )


def _stacked_neighbourhoods(neighbours, offsets):
    """Each class's ``(K_k, m_k)`` neighbourhoods as rows of one table of
    stacked anchor indices, ``(sum_k K_k, max_k m_k)``, and the mask of its
    real entries (a shorter row is padded with its own first index)."""
    width = max(n.shape[1] for n in neighbours)
    hood, valid = [], []
    for offset, n in zip(offsets.tolist(), neighbours):
        padded = torch.cat([n, n[:, :1].expand(-1, width - n.shape[1])], dim=1)
        hood.append(padded + offset)
        mask = torch.zeros(n.shape[0], width, dtype=torch.bool, device=n.device)
        mask[:, : n.shape[1]] = True
        valid.append(mask)
    return torch.cat(hood), torch.cat(valid)


def _sorted_labels(labels, n_classes):
    """Labels sorted ascending and the count of each class (python ints)."""
    labels = torch.sort(labels).values
    return labels, torch.bincount(labels, minlength=n_classes).tolist()


class ProbabilityAverage(nn.Module):
    """Classifier networks whose softmax outputs are averaged.

    ``forward`` returns ``log(mean_m softmax(f_m(x)))``, so that its softmax
    is the members' mean probability (and its argmax their soft vote).
    """

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x):
        logits = torch.stack([member(x) for member in self.members], dim=1)
        log_probs = torch.log_softmax(logits, dim=-1)
        return torch.logsumexp(log_probs, dim=1) - math.log(len(self.members))


def _snapshot_epochs(n_epochs, n_snapshots):
    """The epochs (0-based) after which M is kept for ``n_snapshots``:
    evenly spaced over the second half of ``n_epochs``, the last among them
    (fewer than ``n_snapshots`` when the second half has fewer epochs)."""
    half = n_epochs // 2
    return {
        n_epochs - 1 - round(i * half / max(n_snapshots - 1, 1))
        for i in range(n_snapshots)
    }


# -- shared estimator core -----------------------------------------------------
class _BaseGAMO(BaseTorchGAN):
    """Networks and update step of GAMO, shared by the resampler and the
    classifier. ``_fit_gamo`` trains on a label-encoded problem."""

    _parameter_constraints = {
        **{
            key: BaseTorchGAN._parameter_constraints[key]
            for key in (
                "max_iter",
                "batch_size",
                "device",
                "random_state",
                "verbose",
                "categorical_features",
            )
        },
        "loss": [StrOptions({"least_squares", "cross_entropy"})],
        "discriminator": ["boolean"],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 4, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "max_anchors": [Interval(Integral, 1, None, closed="left")],
        "k_neighbors": [Interval(Integral, 1, None, closed="left"), None],
        "generator_target": [StrOptions({"complement", "misclassify"})],
        "classifier_loss": [StrOptions({"game", "log_loss"})],
        "classifier_beta_1": [Interval(Real, 0, 1, closed="left")],
        "scaling": [StrOptions({"minmax", "standard"})],
    }

    #: ``max_iter="auto"``: generator updates targeted over the whole fit,
    #: between 1 and 1000 epochs (so large data pay for few passes).
    _auto_steps = 1000
    _auto_epoch_bounds = (1, 1000)
    #: ``batch_size="auto"``: ``n_samples // 32`` within [128, 256]. An update
    #: of these small networks costs about the same on 64 rows as on 128
    #: (per-operation overhead), so twice the rows per update and half the
    #: updates keep the passes over the data and halve the time.
    _auto_batch_divisor = 32
    _auto_batch_bounds = (128, 256)

    # -- training ------------------------------------------------------------
    def _check_features(self, X, y="no_validation", *, reset):
        """Validate X (dense, finite, float32 kept, others to float64; a
        mixed table encoded, see ``categorical_features``) and, when given,
        y. At fit, call :meth:`_learn_schema` first."""
        if self._schema is not None:
            X = self._checked_table(X, reset=reset).encoded
            if isinstance(y, str) and y == "no_validation":
                return X
            return X, _checked_labels(X, y)
        out = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse=False,
            dtype=[np.float64, np.float32],
            ensure_all_finite=False,
        )
        _check_finite_features(
            out[0] if isinstance(out, tuple) else out, type(self).__name__
        )
        return out

    def _checked_table(self, X, *, reset):
        """A mixed table, checked and encoded (no missing entry allowed)."""
        table = self._encode_table(X, reset=reset)
        _check_finite_features(np.where(table.missing, np.nan, 0.0), type(self).__name__)
        return table

    def _fit_gamo(self, X, y_idx, n_generate):
        """Train M, D and G on ``X`` with encoded labels ``y_idx``.

        ``n_generate[c]`` is the number of rows the final resampling adds to
        class ``c``: classes with a positive count get an IGU, and they are
        drawn for M and D in proportion to it (the paper's ``P_c - P_i``).
        Returns the runtime, whose generator then draws the output rows.
        """
        n_samples, n_classes = len(X), len(n_generate)
        self.scaler_ = _FeatureScaler(X, self.scaling)
        rt = self._make_runtime(*X.shape)
        rt.data = {
            "x": rt.tensor(self.scaler_.transform(X)),
            "y": torch.as_tensor(y_idx, dtype=torch.long, device=rt.device),
        }
        self.generated_classes_ = np.flatnonzero(np.asarray(n_generate) > 0)
        anchors = []
        self.anchor_indices_ = {}
        for c in self.generated_classes_:
            rows = np.flatnonzero(y_idx == c)
            if len(rows) > self.max_anchors:
                rows = np.sort(
                    rt.numpy_generator.choice(rows, self.max_anchors, replace=False)
                )
            self.anchor_indices_[int(c)] = rows
            anchors.append(rt.data["x"][torch.as_tensor(rows, device=rt.device)])
        neighbours = None
        if self.k_neighbors is not None:
            neighbours = [
                _neighbourhoods(a, self.k_neighbors).to(rt.device) for a in anchors
            ]
        gen_counts = np.asarray(n_generate, dtype=np.float64)[self.generated_classes_]
        rt.gamo = {
            "n_classes": n_classes,
            "anchors": anchors,
            "neighbours": neighbours,
            "gen_classes": torch.as_tensor(
                self.generated_classes_, dtype=torch.long, device=rt.device
            ),
            # Classes of the rows shown to M and D: proportional to P_c - P_i.
            "gen_probs": torch.as_tensor(
                gen_counts / max(gen_counts.sum(), 1.0), device=rt.device
            ),
            # Weight of the generated rows in eqs. 4-5: sum_i (P_c - P_i).
            "fake_weight": float(gen_counts.sum() / n_samples),
        }
        self.n_classes_ = n_classes
        self._fit_networks(rt)
        return rt

    def _build_networks(self, rt):
        d = rt.data["x"].shape[1]
        n_classes, h, g = rt.gamo["n_classes"], self.hidden_size, rt.cpu_generator
        networks = {
            "classifier": make_mlp(
                [d, h, h // 2, n_classes], activation="leaky_relu", generator=g
            )
        }
        if rt.gamo["anchors"]:
            if self.discriminator:
                networks["discriminator"] = make_mlp(
                    [d + n_classes, h, h // 2, 1], activation="leaky_relu", generator=g
                )
            networks["generator"] = ConvexGenerator(
                rt.gamo["anchors"], self.latent_dim, h, g, rt.gamo["neighbours"]
            )
        return networks

    def _build_optimizers(self, networks):
        return {
            name: torch.optim.Adam(
                net.parameters(),
                lr=self.learning_rate,
                betas=(
                    self.classifier_beta_1 if name == "classifier" else 0.5,
                    0.999,
                ),
                # One fused kernel a step: on the digits a fit took 10 s
                # instead of 12.5 s with the multi-tensor ("foreach") step.
                fused=True,
            )
            for name, net in networks.items()
        }

    # -- losses ----------------------------------------------------------------
    def _class_loss(self, logits, target, columns=None):
        """M's loss against per-output targets, summed over outputs.

        Least squares: ``sum_i (M_i(x) - t_i)^2`` (eq. 4); cross entropy:
        ``-sum_i [t_i log M_i(x) + (1 - t_i) log(1 - M_i(x))]`` (eq. 2).
        ``columns`` restricts the sum to some outputs.
        """
        probs = torch.softmax(logits, dim=1)
        if columns is not None:
            probs, target = probs[:, columns], target[:, columns]
        if self.loss == "least_squares":
            per_output = (probs - target) ** 2
        else:
            per_output = F.binary_cross_entropy(probs, target, reduction="none")
        return per_output.sum(dim=1).mean()

    def _classifier_loss(self, logits, code):
        """M's loss on rows of classes ``code`` (one-hot): the game's
        (eq. 4 or eq. 2, see ``loss``) or, with ``classifier_loss="log_loss"``,
        the categorical log-loss ``-log M_y(x)``."""
        if self.classifier_loss == "log_loss":
            return -(torch.log_softmax(logits, dim=1) * code).sum(dim=1).mean()
        return self._class_loss(logits, code)

    def _generator_class_loss(self, logits, code, gen_classes):
        """G's loss through M.

        ``"complement"`` (eq. 6): M's outputs over the generated classes
        against the ones' complement of the row's class. ``"misclassify"``:
        ``-log(1 - M_k(x))``, the log-probability that M does *not* give the
        row its class ``k``; its gradient in M's logit of ``k`` is ``M_k(x)``,
        so it does not vanish when M is sure, as the softmax outputs of eq. 6
        do.
        """
        if self.generator_target == "complement":
            return self._class_loss(logits, 1.0 - code, columns=gen_classes)
        own = (torch.log_softmax(logits, dim=1) * code).sum(dim=1)
        # log(1 - p) = log(-expm1(log p)), accurate when p is near 1.
        return -torch.log(-torch.expm1(own.clamp(max=-1e-6))).mean()

    def _adversarial_loss(self, scores, target):
        """D's loss: ``(D - t)^2`` (eq. 5) or binary cross entropy (eq. 3)."""
        if self.loss == "least_squares":
            return ((scores - target) ** 2).mean()
        return F.binary_cross_entropy(scores, target)

    @staticmethod
    def _critic(networks, x, code):
        return torch.sigmoid(networks["discriminator"](torch.cat([x, code], dim=1)))

    # -- one iteration of Algorithm 1 ------------------------------------------
    def _train_step(self, rt, networks, optimizers, batch, step):
        x, y = batch["x"], batch["y"]
        info = rt.gamo
        n_classes = info["n_classes"]
        code = F.one_hot(y, n_classes).float()
        if "generator" not in networks:
            # Nothing to generate: M alone on the real rows.
            loss_m = self._classifier_loss(networks["classifier"](x), code)
            apply_gradients(loss_m, networks, {"classifier": optimizers["classifier"]})
            return {"classifier": loss_m.detach()}

        G, b = networks["generator"], max(len(x), 2)
        n_gen, use_d = len(info["anchors"]), "discriminator" in networks
        # Lines 8-11: M and D on real rows and on generated rows whose classes
        # are drawn with probability proportional to P_c - P_i (eqs. 4-5).
        labels, counts = _sorted_labels(
            torch.multinomial(
                info["gen_probs"], b, replacement=True, generator=rt.generator
            ),
            n_gen,
        )
        with torch.no_grad():
            fake = G(
                rt.randn(b, self.latent_dim), labels, counts, G.draw_seeds(labels, rt)
            )
        fake_code = F.one_hot(info["gen_classes"][labels], n_classes).float()
        w, n_real = info["fake_weight"], len(x)
        # One forward pass per network over the real and the generated rows.
        rows, codes = torch.cat([x, fake]), torch.cat([code, fake_code])
        logits = networks["classifier"](rows)
        losses = {
            "classifier": self._classifier_loss(logits[:n_real], code)
            + w * self._classifier_loss(logits[n_real:], fake_code)
        }
        players = {"classifier": optimizers["classifier"]}
        if use_d:
            scores = self._critic(networks, rows, codes)
            losses["discriminator"] = self._adversarial_loss(
                scores[:n_real], _uniform(rt, n_real, REAL_TARGET)
            ) + w * self._adversarial_loss(
                scores[n_real:], _uniform(rt, b, FAKE_TARGET)
            )
            players["discriminator"] = optimizers["discriminator"]
        apply_gradients(sum(losses.values()), networks, players)

        # Lines 12-15: G, with classes drawn uniformly, against M (target: the
        # ones' complement of its class over the generated classes) and D
        # (target: real), eq. 6.
        labels, counts = _sorted_labels(rt.randint(n_gen, b), n_gen)
        fake = G(rt.randn(b, self.latent_dim), labels, counts, G.draw_seeds(labels, rt))
        fake_code = F.one_hot(info["gen_classes"][labels], n_classes).float()
        loss_g = self._generator_class_loss(
            networks["classifier"](fake), fake_code, info["gen_classes"]
        )
        if use_d:
            loss_g = loss_g + self._adversarial_loss(
                self._critic(networks, fake, fake_code),
                torch.ones(b, 1, dtype=fake.dtype, device=rt.device),
            )
        apply_gradients(loss_g, networks, {"generator": optimizers["generator"]})
        losses["generator"] = loss_g
        return {name: loss.detach() for name, loss in losses.items()}

    # -- generation --------------------------------------------------------------
    def _convex_weights(self, rt, k, noise):
        """Convex weights (float64, rows sum to 1) of G for the rows of
        ``noise`` in class position ``k``: shape ``(len(noise), K_k)``."""
        G = self.networks_["generator"]
        counts = [0] * G.n_classes
        counts[k] = len(noise)
        labels = torch.full((len(noise),), k, dtype=torch.long, device=noise.device)
        with torch.no_grad():
            t = G.transient_code(noise, labels)
            if not G.local:
                logits = G.class_logits(t, counts)[k].double()
                return torch.softmax(logits, dim=1).cpu().numpy()
            weights, index = G.local_weights(t, labels, G.draw_seeds(labels, rt), torch.float64)
            dense = torch.zeros(len(noise), G.n_anchors(k), dtype=torch.float64, device=t.device)
            # Padding carries weight 0 onto a real index: add, never overwrite.
            return dense.scatter_add_(1, index - G.offsets[k], weights).cpu().numpy()

    def _generate_class(self, rt, k, anchors, n_samples):
        """``n_samples`` rows of class position ``k``: convex weights from the
        generator times the anchor rows (``anchors``, original scale, float64),
        computed in blocks of at most ``GENERATION_ENTRIES`` weights."""
        out = np.empty((n_samples, anchors.shape[1]), dtype=np.float64)
        block = max(1, GENERATION_ENTRIES // len(anchors))
        for start in range(0, n_samples, block):
            stop = min(start + block, n_samples)
            weights = self._convex_weights(
                rt, k, rt.randn(stop - start, self.latent_dim)
            )
            out[start:stop] = weights @ anchors
        return out


def _neighbourhoods(anchors, k_neighbors):
    """Row ``j``: anchor ``j`` and its ``k_neighbors`` nearest anchors
    (Euclidean, in the networks' scaled space), fewer in a small class."""
    points = anchors.detach().cpu().numpy()
    m = min(k_neighbors + 1, len(points))
    index = NearestNeighbors(n_neighbors=m).fit(points).kneighbors(
        points, return_distance=False
    )
    # The query row first and once, whatever ties between duplicate rows do.
    rows = [
        [j, *[i for i in row if i != j][: m - 1]] for j, row in enumerate(index)
    ]
    index = np.asarray(rows, dtype=np.int64)
    return torch.as_tensor(index, dtype=torch.long)


def _uniform(rt, n, bounds):
    low, high = bounds
    return low + (high - low) * rt.rand(n, 1)


_GAMO_PARAMS_DOC = """
    loss : {"least_squares", "cross_entropy"}, default="least_squares"
        Losses of the three players: the least-squares formulation (eqs. 4-6)
        or the cross-entropy one (eqs. 2-3, non-saturating for G).
    discriminator : bool, default=True
        Train the conditional discriminator D. ``False`` gives the paper's
        GAMO\\\\D ablation (G plays against M alone).
    latent_dim : int, default=100
        Size of the latent vector ``z``.
    hidden_size : int, default=256
        Width of the first hidden layer of every network: M is
        ``d -> h -> h/2 -> c``, D is ``[x, onehot] -> h -> h/2 -> 1``, the cTMU
        is ``[z, onehot] -> h -> h/4``.
    learning_rate : float, default=1e-3
        Adam step size of the three players (``beta_1 = 0.5``). This departs
        from the authors' code, which trains with a step of 2e-4, mini-batches
        of 32 rows and about 25,000 iterations; the defaults here are a
        larger step and a shorter budget (``max_iter="auto"``, about 1000
        iterations, and ``batch_size="auto"``). At a budget of 2000
        iterations of 64 rows both steps scored alike on the digits'
        development split, 3 seeds (ACSA of GAMO + MLP 0.902 ± 0.027 at 1e-3
        and 0.900 ± 0.019 at 2e-4, of M 0.857 ± 0.025 and 0.860 ± 0.023), in
        ``benchmarks/results/gamo_learning_rate.md``. The authors' whole
        schedule (``learning_rate=2e-4, batch_size=32`` and about 25,000
        iterations) scored GAMO + MLP 0.918 on the digits' test rows and
        0.786 on Fashion-MNIST's (0.914 and 0.793 at the defaults), at 15
        and 8 times the fit time (``gamo_digits_schedule.md``,
        ``gamo_fashion_schedule.md``).
    max_iter : int or "auto", default="auto"
        Number of epochs (passes over the real rows, one iteration of
        Algorithm 1 per mini-batch). "auto" targets about 1000 iterations,
        between 1 and 1000 epochs, so that small data train longer per row
        and large data pass over their rows only a few times (the authors
        run about 25,000 iterations, see ``learning_rate``).
    batch_size : int or "auto", default="auto"
        Mini-batch size ``b``; "auto" is ``n_samples // 32`` within
        [128, 256], capped by ``n_samples`` (the authors use 32). An update
        of these networks costs about as much on 128 rows as on 64, so the
        default takes half as many updates of twice the rows as before
        (2000 of ``n_samples // 64`` within [64, 256]), with the same number
        of passes over the data: on the development rows
        (``benchmarks/results/gamo_search.md``) GAMO + MLP scored 0.916
        against 0.914 on the digits (10 seeds) and M 0.795 against 0.796 on
        Fashion-MNIST (6 seeds), in 9 s instead of 14 s and 33 s instead of
        43 s.
    max_anchors : int, default=1000
        Cap on the number of real rows (anchors) a class's IGU combines: a
        class with more rows uses a random subset of ``max_anchors`` of them,
        drawn once per fit (``anchor_indices_``). This bounds the memory of
        the generator, see Notes.
    k_neighbors : int or None, default=5
        Size of the neighbourhoods the generator combines. ``None`` (the
        paper): every generated row of class ``k`` is a convex combination of
        all of the class's anchors. An int: each generated row first draws a
        *seed* anchor uniformly, and the IGU's softmax runs over the seed and
        its ``k_neighbors`` nearest anchors of the class only (Euclidean, in
        the scaled space, see ``scaling``), as SMOTE's interpolation does;
        the row is still a convex combination of real rows of its class.
        This departs from the paper: its generator collapses onto a few rows
        per class (1.2-1.5 effective anchors; 3-4 distinct rows of a 60-row
        digits class), and the seed draw keeps every row in play. On the
        development rows (``benchmarks/results/gamo_search.md``), with
        ``classifier_loss="log_loss"``, it took GAMO + MLP on Fashion-MNIST
        from 0.811 to 0.829 ACSA and M from 0.788 to 0.815, and cost GAMO +
        MLP 0.006 on the tiny digits classes (0.897 to 0.891).
    generator_target : {"complement", "misclassify"}, default="complement"
        G's loss through M. "complement" (eq. 6): M's outputs over the
        over-sampled classes against the ones' complement of the row's class.
        "misclassify": ``-log(1 - M_k(G(z|k)))``, the log-probability that M
        does not give the row its class; unlike eq. 6 its gradient does not
        vanish once M is sure of the generated rows. It scored lower for the
        resampler on both development sets (``gamo_search.md``), so the
        default stays the paper's.
    classifier_loss : {"game", "log_loss"}, default="log_loss"
        M's own loss on real and generated rows. "game" (the paper): the
        game's form (``loss``: eq. 4 or eq. 2, squared or binary errors of M's
        softmax outputs). "log_loss": the categorical log-loss
        ``-log M_y(x)``, what :class:`~sklearn.neural_network.MLPClassifier`
        minimises; D's and G's losses are unchanged. Trained alone on
        Fashion-MNIST's real rows, M scores 0.784 ACSA on the development rows
        with the squared error and 0.817 with the log-loss (the plain
        MLPClassifier 0.806), ``gamo_search.md``.
    classifier_beta_1 : float in [0, 1), default={beta_1_default}
        Adam's ``beta_1`` for M; D and G keep the authors' 0.5 (their code
        uses 0.5 for all three players). :class:`GAMOClassifier` defaults to
        0.9, Adam's and :class:`~sklearn.neural_network.MLPClassifier`'s
        value, together with ``scaling="minmax"``: on the development rows
        (``benchmarks/results/gamo_search.md``, eleventh session) the pair
        took M from 0.795 to 0.807 ACSA on Fashion-MNIST (higher on 5 of 6
        seeds; the plain MLPClassifier 0.810) and from 0.888 to 0.910 on the
        digits (9 of 10 seeds). Either one alone did not help M on
        Fashion-MNIST (0.788 with 0.9 and standardised features, 0.781 with
        min-max features and 0.5). :class:`GAMOResampler` keeps 0.5 and
        ``scaling="standard"``: with the pair, GAMO + MLP scored 0.914
        against 0.916 on the digits and 0.801 against 0.807 on
        Fashion-MNIST (3 seeds).
    scaling : {"minmax", "standard"}, default="{scaling_default}"
        Per-feature affine map applied before the networks. "minmax": each
        feature onto ``[-1, 1]`` over the training rows, the range the
        authors give pixels. "standard": zero mean, unit variance. Generated
        rows are convex combinations of the original rows either way (see
        Notes). Min-max scaling suits bounded features such as pixels; on
        unbounded, Gaussian-like features it makes the inputs smaller, so M
        fits its training rows more slowly at a given ``max_iter``: over
        four small general tables (breast cancer, wine and two
        ``make_classification`` tables, 5-fold balanced accuracy) M scored
        0.861 with the classifier's defaults against 0.867 with
        ``scaling="standard", classifier_beta_1=0.5``.
    device : str, default="auto"
        Torch device: "cpu", "cuda", "cuda:1", ... or "auto": a visible GPU
        when one mini-batch update is large enough to gain from it (tables
        of about 10000 x 100 and up), else the CPU.
    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the latent noise, the mini-batches, the anchors
        and the seed anchors of ``k_neighbors``.
    verbose : int, default=0
        Show a progress bar with the current losses when positive."""

_SAMPLER_FIT_PARAMS_DOC = """Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows (no missing values).
        y : array-like of shape (n_samples,)
            Class labels.
        **params : dict
            Extra parameters, passed on as imbalanced-learn's samplers do."""

_GAMO_NOTES_DOC = """
    **Memory.** The generated row is a matrix product of a ``(b, K)`` weight
    block with the ``(K, d)`` anchors, ``K = min(n_k, max_anchors)``; the
    authors' code builds a ``(b, d, n_k)`` tensor instead. With the cap,
    training needs ``O(b K + K d + h K)`` memory per generated class whatever
    the class size, and generation works in blocks of at most ``2**22``
    weights, so a 20,000-row minority class is handled like a 1,000-row one.

    **Scaling.** Networks see each feature through an affine map
    (``scaling``: onto ``[-1, 1]`` or standardised). Convex combinations in
    the scaled space are therefore the same convex combinations of the
    original rows, which are computed in float64. Each feature is first
    divided by a power of two near its largest magnitude, so that any finite
    input is scaled without overflow."""


# -- the resampler -------------------------------------------------------------
class GAMOResampler(BaseOverSampler, _BaseGAMO):
    """Over-sample with Generative Adversarial Minority Oversampling (GAMO).

    GAMO [1]_ trains three players: a classifier ``M`` with ``c`` softmax
    outputs, a conditional discriminator ``D(x | k)`` and a convex generator
    that writes a row of class ``k`` as a convex combination of real rows
    ``x_j`` of that class (eq. 1):

    .. math::

        G(z | k) = \\sum_{j=1}^{n_k} g_k(t(z | k))_j \\, x_j, \\qquad
        g_k(\\cdot) \\ge 0, \\ \\sum_j g_k(\\cdot)_j = 1,

    with ``z ~ N(0, I)``, ``t`` the conditional transient mapping unit shared
    by all classes and ``g_k`` the softmax instance generation unit of class
    ``k``. With ``P_i`` the class priors, ``P_c - P_i`` the share of rows to
    generate for class ``i`` and ``C_g`` the classes that
    ``sampling_strategy`` over-samples (the paper's minority classes
    ``C \\ {c}``), the least-squares game (eqs. 4-6) is

    .. math::

        \\min_M \\sum_i P_i E_{x \\sim p^d_i}\\|M(x) - e_i\\|^2
            + (P_c - P_i) E_{z}\\|M(G(z|i)) - e_i\\|^2, \\\\
        \\min_D \\sum_i P_i E_{x \\sim p^d_i}(1 - D(x|i))^2
            + (P_c - P_i) E_{z} D(G(z|i)|i)^2, \\\\
        \\min_G \\sum_{i \\in C_g} E_{z} \\big[ M_i(G(z|i))^2
            + \\sum_{j \\in C_g \\setminus \\{i\\}} (1 - M_j(G(z|i)))^2
            + (1 - D(G(z|i)|i))^2 \\big],

    where ``P_c - P_i`` is zero for the classes outside ``C_g``. Both sums of
    G's loss run over ``C_g`` only: M's outputs for the other classes do not
    enter it (the paper's eq. 6 and its term ``L_i8`` leave out the majority
    class ``c``). G thus learns to place rows near the class boundary (where
    M errs) but inside the class's distribution (where D is fooled). Each
    iteration follows Algorithm 1: one update of M and D on a real mini-batch
    plus a generated one whose classes are drawn in proportion to
    ``P_c - P_i``, then one update of G on rows whose classes (in ``C_g``)
    are drawn uniformly. The discriminator's targets are smoothed to
    ``U(0.9, 1)`` (real) and ``U(0, 0.1)`` (generated), as in the authors'
    code. After training, ``fit_resample`` draws for each class the count
    that ``sampling_strategy`` asks for through the generator in inference
    mode and appends the rows after the original ones.

    Three defaults depart from the paper, each a parameter away from it
    (``k_neighbors=None, classifier_loss="game", scaling="minmax"`` is the
    paper's setting): M's terms use the categorical log-loss
    ``-log M_i(x)`` instead of ``||M(x) - e_i||^2``, each generated row
    combines a uniformly drawn seed anchor and its ``k_neighbors`` nearest
    anchors instead of all ``n_k`` rows of its class, and the networks see
    standardised features rather than features mapped onto ``[-1, 1]``
    (see the parameters for their measured effect).

    Read more in the :ref:`User Guide <gamo>`.

    Parameters
    ----------
    {sampling_strategy}
{params}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows generated per class.
    networks_ : dict of str to torch.nn.Module
        ``classifier`` (M), ``discriminator`` (D, unless
        ``discriminator=False``) and ``generator`` (G, a
        :class:`ConvexGenerator`). Empty when nothing had to be generated.
    anchor_indices_ : dict of int to ndarray
        For each generated class (by its position in ``np.unique(y)``), the
        indices of the rows of ``X`` its generated rows combine.
    generated_classes_ : ndarray of int
        Positions in ``np.unique(y)`` of the classes that got rows.
    history_ : dict of str to list of float
        Per-epoch mean loss of ``classifier``, ``discriminator`` and
        ``generator``.
    n_iter_ : int
        Number of epochs run (0 when nothing had to be generated).
    device_ : torch.device
        Device the networks were trained on.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, for DataFrame input.

    See Also
    --------
    imblearn.over_sampling.SMOTE : Interpolates between nearest neighbours.
    imblearn.over_sampling.RandomOverSampler : Duplicates rows.
    GAMOClassifier : The classifier M trained by the same game.

    Notes
    -----
    ``fit_resample`` returns the input rows unchanged and first, followed by
    the generated rows of each class in the order of ``sampling_strategy_``.
    Every generated row is a convex combination of real rows of its class;
    a class with a single row can therefore only be duplicated. Float32 input
    gives float32 output; other numeric input is returned as float64.
    Missing values are not accepted: impute them first, e.g.
    ``make_pipeline(SimpleImputer(), GAMOResampler(), clf)`` with
    :func:`imblearn.pipeline.make_pipeline`.
{notes}

    References
    ----------
    .. [1] S. S. Mullick, S. Datta and S. Das, "Generative Adversarial
       Minority Oversampling", ICCV 2019, pp. 1695-1704.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from skgan import GAMOResampler
    >>> X, y = make_classification(n_samples=200, weights=[0.9, 0.1],
    ...                            random_state=0)
    >>> sampler = GAMOResampler(max_iter=2, hidden_size=32, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 179), (np.int64(1), 179)]
    >>> bool((X_res[:200] == X).all())
    True

    With missing values, impute first in an imbalanced-learn pipeline:

    >>> import numpy as np
    >>> from imblearn.pipeline import make_pipeline
    >>> from sklearn.impute import SimpleImputer
    >>> from sklearn.linear_model import LogisticRegression
    >>> X[::10, 0] = np.nan
    >>> model = make_pipeline(SimpleImputer(), sampler, LogisticRegression())
    >>> model.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints = {
        **BaseOverSampler._parameter_constraints,
        **_BaseGAMO._parameter_constraints,
    }

    def __init__(
        self,
        *,
        categorical_features="from_dtype",
        sampling_strategy="auto",
        loss="least_squares",
        discriminator=True,
        latent_dim=100,
        hidden_size=256,
        learning_rate=1e-3,
        max_iter="auto",
        batch_size="auto",
        max_anchors=1000,
        k_neighbors=5,
        generator_target="complement",
        classifier_loss="log_loss",
        classifier_beta_1=0.5,
        scaling="standard",
        device="auto",
        random_state=None,
        verbose=0,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.categorical_features = categorical_features
        self.loss = loss
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.hidden_size = hidden_size
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.max_anchors = max_anchors
        self.k_neighbors = k_neighbors
        self.generator_target = generator_target
        self.classifier_loss = classifier_loss
        self.classifier_beta_1 = classifier_beta_1
        self.scaling = scaling
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    @fit_method
    @Substitution(sampler_fit_params=_SAMPLER_FIT_PARAMS_DOC)
    def fit(self, X, y, **params):
        """Check ``X, y`` and the sampling strategy; trains nothing (use
        :meth:`fit_resample`).

        {sampler_fit_params}

        Returns
        -------
        self : object
            The sampler.
        """
        return super().fit(X, y, **params)

    @fit_method
    @Substitution(sampler_fit_params=_SAMPLER_FIT_PARAMS_DOC)
    def fit_resample(self, X, y, **params):
        """Train GAMO's game on ``X, y`` and over-sample with its generator.

        {sampler_fit_params}

        Returns
        -------
        X_resampled : ndarray of shape (n_samples_new, n_features)
            The original rows, unchanged and first, then the generated ones.
        y_resampled : ndarray of shape (n_samples_new,)
            Their labels.
        """
        return super().fit_resample(X, y, **params)

    def _check_X_y(self, X, y, accept_sparse=None):
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if self._learn_schema(X) is None:
            X, y = self._check_features(X, y, reset=True)
            return X, y, binarize_y
        # A mixed table goes on as an object array of the values as given:
        # the original rows come back as they are, first.
        table = self._checked_table(X, reset=True)
        return self._schema.to_array(table.columns), _checked_labels(X, y), binarize_y

    def _fit_resample(self, X, y):
        classes, y_idx = np.unique(y, return_inverse=True)
        n_generate = np.zeros(len(classes), dtype=np.int64)
        for label, n in self.sampling_strategy_.items():
            n_generate[np.searchsorted(classes, label)] = n
        if n_generate.sum() == 0:
            self.networks_, self.history_, self.n_iter_ = {}, {}, 0
            self.generated_classes_, self.anchor_indices_ = np.array([], int), {}
            # Copies, as RandomOverSampler returns: never the caller's arrays.
            return X.copy(), y.copy()
        X_parts, y_parts = [X], [y]
        encoded = X if self._schema is None else self._schema.encode(X)[0]
        rt = self._fit_gamo(encoded, y_idx, n_generate)
        position = {int(c): k for k, c in enumerate(self.generated_classes_)}
        for label, n in self.sampling_strategy_.items():
            if n == 0:
                continue
            c = int(np.searchsorted(classes, label))
            anchors = encoded[self.anchor_indices_[c]].astype(np.float64)
            X_new = self._generate_class(rt, position[c], anchors, n)
            if self._schema is not None:
                # A categorical entry: the category whose anchors carry the
                # largest total convex weight (its one-hot block of X_new).
                X_new = self._schema.to_array(self._schema.decode(X_new))
            X_parts.append(X_new.astype(X.dtype, copy=False))
            y_parts.append(np.full(n, label, dtype=y.dtype))
        return np.vstack(X_parts), np.hstack(y_parts)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags


_GAMO_PARAMS_DOC = f"""
    {CATEGORICAL_FEATURES_DOC}""" + _GAMO_PARAMS_DOC


def _params_doc(beta_1_default, scaling_default):
    """The shared parameter docs with one estimator's defaults."""
    return (
        _GAMO_PARAMS_DOC.strip("\n")
        .replace("{beta_1_default}", beta_1_default)
        .replace("{scaling_default}", scaling_default)
    )


GAMOResampler.__doc__ = (
    GAMOResampler.__doc__.replace(
        "{sampling_strategy}", BaseOverSampler._sampling_strategy_docstring
    )
    .replace("{params}", _params_doc("0.5", "standard"))
    .replace("{notes}", _GAMO_NOTES_DOC.strip("\n"))
)


# -- the classifier ------------------------------------------------------------
class GAMOClassifier(ClassifierMixin, _BaseGAMO):
    """Classifier M of Generative Adversarial Minority Oversampling (GAMO).

    The paper's end-to-end model [1]_: the classifier network ``M`` trained
    in GAMO's three-player game against the convex generator ``G`` and the
    conditional discriminator ``D`` (see :class:`GAMOResampler` for the
    losses). ``M`` learns from the real rows and from generated rows of the
    over-sampled classes, weighted as if the data were resampled to
    ``sampling_strategy``; ``predict_proba`` returns its softmax outputs,
    averaged over copies of M taken in the second half of the game
    (``n_snapshots``; ``n_snapshots=1`` keeps the final M alone).
    By default M minimises the categorical log-loss with Adam's
    ``beta_1 = 0.9`` and the generator combines neighbourhoods of a seed
    anchor (``classifier_loss``, ``classifier_beta_1``, ``k_neighbors``;
    ``k_neighbors=None, classifier_loss="game", classifier_beta_1=0.5`` is
    the paper's setting, with the default ``scaling="minmax"``).

    Read more in the :ref:`User Guide <gamo>`.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Which classes G over-samples and how many rows the game assumes
        (the ``P_c - P_i`` weights of eqs. 2-5); any form accepted by
        :class:`GAMOResampler`.
    n_snapshots : int, default=5
        Number of copies of M whose softmax outputs ``predict_proba``
        averages: M after the epochs ``E - 1 - round(i * (E // 2) / (n - 1))``,
        ``i = 0, ..., n - 1``, evenly spaced over the second half of the ``E``
        epochs, the last among them (a checkpoint ensemble [2]_; fewer copies
        when the second half has fewer epochs). Training is unchanged; each
        copy costs M's memory and one forward pass of M at prediction.
        ``1`` is the paper's M, the network at the end of the game. On the
        development rows (``benchmarks/results/gamo_search.md``) five copies
        took M from 0.806 to 0.812 ACSA on Fashion-MNIST (26 seeds, higher on
        22; GM 0.781 to 0.788; the plain MLPClassifier 0.804) and from 0.914
        to 0.913 on the digits (30 seeds: 1 higher, 4 lower, 25 equal).
{params}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    sampling_strategy_ : dict
        Number of rows per class the game generates for.
    networks_ : dict of str to torch.nn.Module
        ``classifier`` (M; with ``n_snapshots > 1`` a ``ProbabilityAverage``
        of its copies, the final M last), ``discriminator`` (D) and
        ``generator`` (G).
    anchor_indices_ : dict of int to ndarray
        Rows of the training ``X`` combined by each class's IGU.
    generated_classes_ : ndarray of int
        Positions in ``classes_`` of the over-sampled classes.
    history_ : dict of str to list of float
        Per-epoch mean loss of every network.
    n_iter_ : int
        Number of epochs run.
    device_ : torch.device
        Device the networks were trained on.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, for DataFrame input.

    See Also
    --------
    GAMOResampler : The convex generator as an over-sampler.
    sklearn.neural_network.MLPClassifier : The same network without the game.

    Notes
    -----
{notes}

    References
    ----------
    .. [1] S. S. Mullick, S. Datta and S. Das, "Generative Adversarial
       Minority Oversampling", ICCV 2019, pp. 1695-1704.
    .. [2] H. Chen, S. Lundberg and S.-I. Lee, "Checkpoint Ensembles:
       Ensemble Methods from a Single Training Process", arXiv:1710.03282,
       2017.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skgan import GAMOClassifier
    >>> X, y = make_classification(n_samples=200, weights=[0.9, 0.1],
    ...                            random_state=0)
    >>> clf = GAMOClassifier(max_iter=2, hidden_size=32, random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:3]).shape
    (3, 2)
    """

    _parameter_constraints = {
        **BaseOverSampler._parameter_constraints,
        **_BaseGAMO._parameter_constraints,
        "n_snapshots": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        categorical_features="from_dtype",
        sampling_strategy="auto",
        loss="least_squares",
        discriminator=True,
        latent_dim=100,
        hidden_size=256,
        learning_rate=1e-3,
        max_iter="auto",
        batch_size="auto",
        max_anchors=1000,
        k_neighbors=5,
        generator_target="complement",
        classifier_loss="log_loss",
        classifier_beta_1=0.9,
        scaling="minmax",
        n_snapshots=5,
        device="auto",
        random_state=None,
        verbose=0,
    ):
        self.categorical_features = categorical_features
        self.sampling_strategy = sampling_strategy
        self.loss = loss
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.hidden_size = hidden_size
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.max_anchors = max_anchors
        self.k_neighbors = k_neighbors
        self.generator_target = generator_target
        self.classifier_loss = classifier_loss
        self.classifier_beta_1 = classifier_beta_1
        self.scaling = scaling
        self.n_snapshots = n_snapshots
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    @fit_method
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train M, D and G by GAMO's game.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows (no missing values).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
            Fitted classifier.
        """
        check_classification_targets(y)
        if type_of_target(y) not in ("binary", "multiclass"):
            raise ValueError(
                "Multilabel and multioutput targets are not supported: "
                f"{type(self).__name__} needs one class label per row."
            )
        self._learn_schema(X)
        X, y = self._check_features(X, y, reset=True)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        self.sampling_strategy_ = check_sampling_strategy(
            self.sampling_strategy, y, "over-sampling"
        )
        n_generate = np.zeros(len(self.classes_), dtype=np.int64)
        for label, n in self.sampling_strategy_.items():
            n_generate[np.searchsorted(self.classes_, label)] = n
        rt = self._fit_gamo(X, y_idx, n_generate)
        members = [*rt.gamo.get("snapshots", []), self.networks_["classifier"]]
        if len(members) > 1:
            self.networks_["classifier"] = ProbabilityAverage(members).train(False)
        return self

    def _on_epoch_end(self, rt, epoch, networks):
        # Copies of M for n_snapshots; the final M joins them after the fit.
        n_epochs = self._effective_max_iter(len(rt.data["x"]))
        if epoch < n_epochs - 1 and epoch in _snapshot_epochs(n_epochs, self.n_snapshots):
            rt.gamo.setdefault("snapshots", []).append(copy.deepcopy(networks["classifier"]))

    def predict_proba(self, X):
        """Class probabilities: M's softmax outputs, averaged over its
        snapshots (``n_snapshots``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities of the classes in ``classes_`` order.
        """
        check_is_fitted(self)
        X = self._check_features(X, reset=False)
        Xs = self.scaler_.transform(X)
        device = self._inference_device()
        net = self.networks_["classifier"]
        out = np.empty((len(Xs), len(self.classes_)), dtype=np.float64)
        with torch.no_grad():
            for start in range(0, len(Xs), PREDICT_CHUNK):
                x = torch.as_tensor(
                    Xs[start : start + PREDICT_CHUNK],
                    dtype=torch.float32,
                    device=device,
                )
                out[start : start + PREDICT_CHUNK] = to_numpy(
                    torch.softmax(net(x), dim=1)
                )
        return out

    def predict(self, X):
        """Most probable class under M.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags


GAMOClassifier.__doc__ = GAMOClassifier.__doc__.replace(
    "{params}", _params_doc("0.9", "minmax")
).replace("{notes}", _GAMO_NOTES_DOC.strip("\n"))
