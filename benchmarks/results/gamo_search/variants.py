"""Scratch search (2026-12-04, tenth session): training-schedule variants of
GAMO's M and G, scored on the development rows only (see gamo_search.md).

    python variants.py DATASET KIND VARIANT SEEDS LOG

KIND is "M" (GAMOClassifier scored itself), "GAMO" (GAMOResampler + the
benchmark's MLP) or one of ``PEERS`` (that sampler + the MLP; VARIANT "-"). Each printed row is appended to LOG (resumable: a
(kind, variant, seed) already in LOG is skipped).
"""
import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benchmarks/
import numpy as np
import torch
import torch.nn.functional as F
from threadpoolctl import threadpool_limits

import bench_gamo as bg
from skgan import GAMOClassifier, GAMOResampler
from skgan._nn import apply_gradients
from skgan.over_sampling import _gamo

torch.set_num_threads(1)
PEERS = ("none", "SMOTE", "RandomOverSampler", "BorderlineSMOTE")


def with_m_betas(cls):
    class Variant(cls):
        def _build_optimizers(self, networks):
            optimizers = super()._build_optimizers(networks)
            for group in optimizers["classifier"].param_groups:
                group["betas"] = (0.9, 0.999)
            return optimizers

    return Variant


def with_decay(cls, names=("classifier", "discriminator", "generator")):
    """Linear decay of the step size of ``names`` to 0 over the whole fit."""

    class Variant(cls):
        def _fit_networks(self, rt, validation=None):
            n = len(rt.data["x"])
            self._total = self._effective_max_iter(n) * math.ceil(
                n / self._effective_batch_size(n)
            )
            self._t = 0
            return super()._fit_networks(rt, validation)

        def _train_step(self, rt, networks, optimizers, batch, step):
            frac = max(1.0 - self._t / self._total, 0.0)
            for name in names:
                if name in optimizers:
                    for group in optimizers[name].param_groups:
                        group["lr"] = self.learning_rate * frac
            self._t += 1
            return super()._train_step(rt, networks, optimizers, batch, step)

    return Variant


def with_polish(cls, epochs):
    """After the game: M alone for ``epochs`` more epochs on real rows and
    rows of the frozen G, its step decaying linearly to 0."""

    class Variant(cls):
        def _fit_gamo(self, X, y_idx, n_generate):
            rt = super()._fit_gamo(X, y_idx, n_generate)
            nets, info = self.networks_, rt.gamo
            if "generator" not in nets:
                return rt
            M, G = nets["classifier"], nets["generator"]
            M.train(True)
            opt = torch.optim.Adam(M.parameters(), lr=self.learning_rate, betas=(0.5, 0.999))
            n = len(rt.data["x"])
            b = self._effective_batch_size(n)
            total, t = epochs * math.ceil(n / b), 0
            n_gen, w = len(info["anchors"]), info["fake_weight"]
            for _ in range(epochs):
                for batch in self._iter_batches(rt, n, b):
                    for group in opt.param_groups:
                        group["lr"] = self.learning_rate * (1 - t / total)
                    t += 1
                    x, y = batch["x"], batch["y"]
                    code = F.one_hot(y, info["n_classes"]).float()
                    labels, counts = _gamo._sorted_labels(
                        torch.multinomial(info["gen_probs"], len(x), replacement=True,
                                          generator=rt.generator), n_gen)
                    with torch.no_grad():
                        fake = G(rt.randn(len(x), self.latent_dim), labels, counts,
                                 G.draw_seeds(labels, rt))
                    fake_code = F.one_hot(info["gen_classes"][labels], info["n_classes"]).float()
                    logits = M(torch.cat([x, fake]))
                    loss = self._classifier_loss(logits[: len(x)], code) + w * self._classifier_loss(
                        logits[len(x):], fake_code)
                    apply_gradients(loss, {"classifier": M}, {"classifier": opt})
            M.train(False)
            return rt

    return Variant


def with_fake_weight(cls, cap):
    """Generated rows weigh at most ``cap`` times the real rows in M's and
    D's losses (the paper: sum_i (P_c - P_i) / sum_i P_i)."""

    class Variant(cls):
        def _fit_networks(self, rt, validation=None):
            rt.gamo["fake_weight"] = min(rt.gamo["fake_weight"], cap)
            return super()._fit_networks(rt, validation)

    return Variant


class _Identity:
    """A scaler that leaves the features as they are."""

    def __init__(self, X):
        pass

    def transform(self, X):
        return np.asarray(X, dtype=np.float64)


class _MinMax:
    """Each feature mapped to [0, 1] on the training rows (constant ones to 0)."""

    def __init__(self, X):
        X = np.asarray(X, dtype=np.float64)
        self.low = X.min(axis=0)
        span = X.max(axis=0) - self.low
        self.span = np.where(span > 0, span, 1.0)

    def transform(self, X):
        return (np.asarray(X, dtype=np.float64) - self.low) / self.span


class _Symmetric(_MinMax):
    """Each feature mapped to [-1, 1] on the training rows (the authors'
    pixel range)."""

    def transform(self, X):
        return 2.0 * super().transform(X) - 1.0


class _GlobalSymmetric:
    """Every entry mapped by one affine map, the table's smallest value to -1
    and its largest to 1 (the authors' pixels: x / 127.5 - 1); takes the
    library scaler's ``(X, method)`` and ignores ``method``."""

    def __init__(self, X, method=None):
        X = np.asarray(X, dtype=np.float64)
        low, high = X.min(), X.max()
        self.center_, self.scale_ = (low + high) / 2, max((high - low) / 2, 1e-300)

    def transform(self, X):
        return (np.asarray(X, dtype=np.float64) - self.center_) / self.scale_


def with_scaler(cls, scaler, attribute="_FeatureScaler"):
    """The library's scaler class ``attribute`` of ``_gamo`` replaced by
    ``scaler`` for this fit (``_Standardizer`` in the library before 2ad1bb3,
    which the earlier logs' ``nostd`` / ``minmax`` / ``minmax_sym`` rows ran)."""

    class Variant(cls):
        def _fit_gamo(self, X, y_idx, n_generate):
            original = getattr(_gamo, attribute)
            setattr(_gamo, attribute, scaler)
            try:
                return super()._fit_gamo(X, y_idx, n_generate)
            finally:
                setattr(_gamo, attribute, original)

    return Variant


def with_m_relu(cls):
    """M with ReLU hidden units (as MLPClassifier) instead of LeakyReLU."""

    class Variant(cls):
        def _build_networks(self, rt):
            networks = super()._build_networks(rt)
            d = rt.data["x"].shape[1]
            h = self.hidden_size
            networks["classifier"] = _gamo.make_mlp(
                [d, h, h // 2, rt.gamo["n_classes"]], activation="relu",
                generator=rt.cpu_generator,
            )
            return networks

    return Variant


def with_temperature(cls, temperature):
    """Generation only: G's convex weights are the softmax of its logits
    divided by ``temperature`` (training unchanged)."""

    class Variant(cls):
        def _convex_weights(self, rt, k, noise):
            G = self.networks_["generator"]
            weights = super()._convex_weights(rt, k, noise)
            if temperature == 1:
                return weights
            with np.errstate(divide="ignore"):
                logits = np.log(weights) / temperature
            logits -= logits.max(axis=1, keepdims=True)
            out = np.exp(logits)
            return out / out.sum(axis=1, keepdims=True)

    return Variant


def seeded_weights(model, rt, k, noise):
    """G's convex weights for the rows of ``noise`` in class position ``k``
    with ``k_neighbors``, on the CPU: the ``(rows, m)`` weights over each
    row's neighbourhood, their anchor indices within the class and the seed
    anchors drawn (as ``_convex_weights`` draws them)."""
    G = model.networks_["generator"]
    labels = torch.full((len(noise),), k, dtype=torch.long, device=noise.device)
    with torch.no_grad():
        t = G.transient_code(noise, labels)
        seeds = G.draw_seeds(labels, rt)
        weights, index = G.local_weights(t, labels, seeds, torch.float64)
    return weights.cpu(), (index - G.offsets[k]).cpu(), seeds.cpu()


def with_seed_floor(cls, floor):
    """Generation only: each generated row keeps weight ``floor`` on its seed
    anchor, ``w' = floor * e_seed + (1 - floor) * w`` (training unchanged). With
    ``k_neighbors=5`` G moves most of a row's weight off its seed: on
    Fashion-MNIST seed 0 the seed keeps 0.19-0.37 on average, and a tenth of
    each class's anchors carry 36-55% of the generated mass (``anchor_mass.py``)."""

    class Variant(cls):
        def _convex_weights(self, rt, k, noise):
            weights, index, seeds = seeded_weights(self, rt, k, noise)
            n_anchors = self.networks_["generator"].n_anchors(k)
            dense = torch.zeros(len(noise), n_anchors, dtype=torch.float64)
            dense.scatter_add_(1, index, (1 - floor) * weights)
            dense[torch.arange(len(noise)), seeds] += floor
            return dense.numpy()

    return Variant


def with_anchor_balance(cls, strength, decay=0.995):
    """Training only: G's loss gains ``strength * sum_j log(r_j) m_j / b``,
    ``m_j`` the convex mass the batch puts on anchor ``j`` and ``r_j`` the
    ratio of anchor ``j``'s running (EMA) mass to a uniform share of its
    class's. The gradient moves each row's weight from the anchors G has
    used most to those it has used least (the gradient of KL(usage ||
    uniform)), without flattening the row's weights as a temperature does:
    with ``k_neighbors=5`` a tenth of the anchors carry 36-55% of the mass
    (``anchor_mass.py``)."""

    class Variant(cls):
        def _build_networks(self, rt):
            networks = super()._build_networks(rt)
            G = networks.get("generator")
            if G is None or not G.local:
                return networks
            sizes = G.offsets[1:] - G.offsets[:-1]
            self._class_of = torch.repeat_interleave(torch.arange(len(sizes)), sizes)
            self._sizes = sizes.double()
            self._usage = None
            self._last = None
            original = G.local_weights

            def local_weights(t, labels, seeds, dtype=None):
                weights, index = original(t, labels, seeds, dtype)
                if torch.is_grad_enabled():
                    self._last = (weights, index)
                return weights, index

            G.local_weights = local_weights
            return networks

        def _generator_class_loss(self, logits, code, gen_classes):
            loss = super()._generator_class_loss(logits, code, gen_classes)
            if getattr(self, "_last", None) is None:
                return loss
            weights, index = self._last
            self._last = None
            mass = torch.zeros(len(self._class_of), dtype=weights.dtype).index_add(
                0, index.reshape(-1), weights.reshape(-1))
            with torch.no_grad():
                if self._usage is None:  # start from a uniform usage of this scale
                    self._usage = torch.full_like(self._class_of, 0.0, dtype=torch.float64)
                    self._usage += mass.sum().double() / len(self._sizes) / self._sizes[self._class_of]
                self._usage = decay * self._usage + (1 - decay) * mass.double()
                totals = torch.zeros(len(self._sizes), dtype=torch.float64).index_add(
                    0, self._class_of, self._usage)
                ratio = self._usage * (self._sizes / totals)[self._class_of]
                log_ratio = torch.log(ratio.clamp(min=1e-6)).to(weights.dtype)
            return loss + strength * (log_ratio * mass).sum() / len(weights)

    return Variant


def with_seed_mix(cls, share):
    """Training and generation: every generated row keeps weight ``share`` on
    its seed anchor, ``w' = share * e_seed + (1 - share) * w`` (the seed is
    the first anchor of its neighbourhood), so M and D play against the rows
    that are generated at the end (``with_seed_floor`` mixes at generation
    only)."""

    class Variant(cls):
        def _build_networks(self, rt):
            networks = super()._build_networks(rt)
            G = networks.get("generator")
            if G is not None and G.local:
                original = G.local_weights

                def local_weights(t, labels, seeds, dtype=None):
                    weights, index = original(t, labels, seeds, dtype)
                    seed_column = torch.zeros_like(weights)
                    seed_column[:, 0] = share
                    return (1 - share) * weights + seed_column, index

                G.local_weights = local_weights
            return networks

    return Variant


def without_standardisation(cls, scaler=_Identity):
    return with_scaler(cls, scaler, "_Standardizer")


class _Members(_gamo.ProbabilityAverage):
    """K independently initialised copies of M. Training mode: logits of
    every member, ``(b, K, c)``; eval mode: the log of the members' mean
    softmax, ``(b, c)``, as the library's ``ProbabilityAverage``."""

    def forward(self, x):
        if self.training:
            return torch.stack([member(x) for member in self.members], dim=1)
        return super().forward(x)


def with_m_ensemble(cls, n_members):
    """M as ``n_members`` networks trained side by side on the same batches,
    each on its own loss; G plays against their mean loss; predictions
    average their probabilities."""

    class Variant(cls):
        def _build_networks(self, rt):
            networks = super()._build_networks(rt)
            d, h = rt.data["x"].shape[1], self.hidden_size
            nets = [networks["classifier"]] + [
                _gamo.make_mlp([d, h, h // 2, rt.gamo["n_classes"]],
                               activation="leaky_relu", generator=rt.cpu_generator)
                for _ in range(n_members - 1)
            ]
            networks["classifier"] = _Members(nets)
            return networks

        def _classifier_loss(self, logits, code):
            if logits.dim() == 3:
                return -(torch.log_softmax(logits, dim=-1) * code[:, None]).sum(-1).mean()
            return super()._classifier_loss(logits, code)

        def _generator_class_loss(self, logits, code, gen_classes):
            probs = torch.softmax(logits, dim=-1)[..., gen_classes]
            target = (1.0 - code)[:, None, gen_classes]
            return ((probs - target) ** 2).sum(-1).mean()

    return Variant


#: Variants "<prefix><number>": the wrapper applied with that number.
NUMBERED = {
    "m_ens_": (with_m_ensemble, int),
    "seed_floor_": (with_seed_floor, float),
    "seed_mix_": (with_seed_mix, float),
    "anchor_bal_": (with_anchor_balance, float),
    "temp_": (with_temperature, float),
    "fake_weight_": (with_fake_weight, float),
    "polish_": (with_polish, int),
}


def build(kind, variant, seed, y=None):
    cls = GAMOClassifier if kind == "M" else GAMOResampler
    params = {}
    for part in variant.split("+"):
        cls = _apply(cls, params, part, y)
    return cls(random_state=seed, **params)


def _apply(cls, params, variant, y):
    if variant == "default":
        pass
    elif variant == "m_betas_0.9":
        cls = with_m_betas(cls)
    elif variant == "decay_all":
        cls = with_decay(cls)
    elif variant == "decay_m":
        cls = with_decay(cls, ("classifier",))
    elif variant == "nostd":
        cls = without_standardisation(cls)
    elif variant == "minmax":
        cls = without_standardisation(cls, _MinMax)
    elif variant == "minmax_sym":
        cls = without_standardisation(cls, _Symmetric)
    elif variant == "global_sym":
        cls = with_scaler(cls, _GlobalSymmetric)
    elif variant == "m_relu":
        cls = with_m_relu(cls)
    elif variant == "alone":
        labels, counts = np.unique(y, return_counts=True)
        params["sampling_strategy"] = dict(zip(labels.tolist(), counts.tolist()))
    elif variant.startswith("m_snap_"):
        # Measured as a wrapper before the library had it; the same as
        # GAMOClassifier's n_snapshots (digits seeds 0, 1, 5 refitted equal).
        params["n_snapshots"] = int(variant.removeprefix("m_snap_"))
    elif prefix := next((p for p in NUMBERED if variant.startswith(p)), None):
        wrap, number = NUMBERED[prefix]
        cls = wrap(cls, number(variant.removeprefix(prefix)))
    elif "=" in variant:
        for item in variant.split(","):
            key, value = item.split("=")
            params[key] = json.loads(value)
    else:
        raise ValueError(variant)
    return cls


def read_rows(logs):
    """The rows of the JSON-lines ``logs`` by (dataset, kind, variant, seed);
    a later row replaces an earlier one, a missing log has none."""
    rows = {}
    for log in map(Path, logs):
        if log.exists():
            for line in log.read_text().splitlines():
                r = json.loads(line)
                rows[(r["dataset"], r["kind"], r["variant"], r["seed"])] = r
    return rows


def append_row(log, row):
    """Print ``row`` and append it to ``log`` as one JSON line."""
    print(json.dumps(row), flush=True)
    with Path(log).open("a") as f:
        f.write(json.dumps(row) + "\n")


def main():
    dataset, kind, variant, seeds, log = sys.argv[1:6]
    done = read_rows([log])
    counts, _ = bg.settings(dataset, False)
    for seed in [int(s) for s in seeds.split(",")]:
        if (dataset, kind, variant, seed) in done:
            continue
        (X, y), (Xd, yd), _ = bg.split(dataset, seed, counts, None)
        model = None if kind in PEERS else build(kind, variant, seed, y)
        with threadpool_limits(1):
            start = time.perf_counter()
            if kind in PEERS:
                sampler = bg.samplers(seed, {}, bg.settings(dataset, False)[1])[kind]
                Xr, yr = (X, y) if sampler is None else sampler.fit_resample(X, y)
                elapsed = time.perf_counter() - start
                pred = bg.downstream(seed).fit(Xr, yr).predict(Xd)
            elif kind == "M":
                model.fit(X, y)
                elapsed = time.perf_counter() - start
                pred = model.predict(Xd)
            else:
                Xr, yr = model.fit_resample(X, y)
                elapsed = time.perf_counter() - start
                pred = bg.downstream(seed).fit(Xr, yr).predict(Xd)
        row = {"dataset": dataset, "kind": kind, "variant": variant, "seed": seed,
               "fit_time_s": round(elapsed, 2),
               **{k: round(float(v), 4) for k, v in bg.scores(yd, pred).items()}}
        append_row(log, row)


if __name__ == "__main__":
    main()
