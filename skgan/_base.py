"""Torch plumbing shared by every skgan estimator.

Everything that is not a method's networks or its update step lives here,
once: the device, seeding through local generators, mini-batching, the
training loop with its progress bar, ``history_``, the divergence guard,
early stopping on a held-out signal, and pickling that maps torch state to
the CPU.
"""

import copy
import functools
import math
import warnings
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from scipy.sparse import issparse
from sklearn.utils import check_random_state
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import validate_data
from sklearn.utils._param_validation import Interval, StrOptions
from torch.optim.swa_utils import AveragedModel
from tqdm.auto import tqdm

from ._schema import ColumnSchema, EncodedLayout, MixedTable, resolve_categorical

#: Number of times a diverging epoch is retried with halved learning rates.
MAX_DIVERGENCE_RETRIES = 3
#: An epoch whose mean loss of some network exceeds this in magnitude is
#: treated as diverged, as a non-finite one is. skgan's losses are O(1) to
#: O(100) on healthy fits (data in [0, 1] or standardised, default weights);
#: a runaway step size drives them to 1e15-1e32 while they stay finite.
RUNAWAY_LOSS = 1e8
#: Training on the CPU uses one intra-op thread when the largest matrix
#: product of a step has fewer multiply-adds than this: at that size a second
#: thread saves little, and on a busy machine OpenMP threads waiting for one
#: another slow each step down by orders of magnitude.
SINGLE_THREAD_WORK = 1 << 25


@contextmanager
def intra_op_threads(n_threads):
    """Run the block with ``n_threads`` torch intra-op threads (``None``: as
    is), then restore the caller's setting."""
    before = torch.get_num_threads()
    if n_threads is None or n_threads >= before:
        yield
        return
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def training_threads(networks, batch_size, device):
    """One thread for small networks on the CPU (see ``SINGLE_THREAD_WORK``),
    else None (torch's setting)."""
    largest = max(
        (p.numel() for net in networks.values() for p in net.parameters() if p.dim() == 2),
        default=0,
    )
    return 1 if device.type == "cpu" and batch_size * largest < SINGLE_THREAD_WORK else None


#: ``device="auto"`` takes a visible GPU only when a mini-batch update does
#: at least this much work (see :func:`update_work`). skgan's networks are
#: small, so on a GPU an update costs about the same at any table size
#: (kernel launches); on the CPU it grows with the table. On an H200 against
#: its machine's CPU (``benchmarks/results/cuda.md``, networks alone) the CPU
#: was 1.2-3.0 times faster at 1.2e5 (breast cancer); at 5.6e5 (5000 x 60)
#: the GPU was 1.2-1.5 times faster in the latest run, and slower for two
#: estimators of three in the run before; from 3.1e6 (10000 x 100) the GPU
#: was up to 2.2 times faster (GAMO 1.3 times, 1.8 times at 1.3e7).
AUTO_CUDA_MIN_WORK = 10**6


def auto_hidden_width(n_features):
    """``hidden_size="auto"`` of MisGAN and HexaGAN: ``2 d`` within [64, 256]."""
    return int(np.clip(2 * n_features, 64, 256))


def update_work(batch_size, n_features):
    """Size of one mini-batch update: rows x features x ``"auto"`` hidden
    width, the multiply-adds of a first layer of such a network."""
    return batch_size * n_features * auto_hidden_width(n_features)


def resolve_device(device, work=math.inf):
    """Turn the ``device`` parameter into a :class:`torch.device`.

    ``"auto"`` picks the first CUDA device when one is visible and ``work``
    (see :func:`update_work`) reaches ``AUTO_CUDA_MIN_WORK``, else the CPU.
    Asking for CUDA on a machine without it is a ``ValueError``.
    """
    if device == "auto":
        use_cuda = torch.cuda.is_available() and work >= AUTO_CUDA_MIN_WORK
        return torch.device("cuda" if use_cuda else "cpu")
    try:
        resolved = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(f"device={device!r} is not a valid torch device.") from exc
    if resolved.type not in ("cpu", "cuda"):
        raise ValueError(
            f"device={device!r} is not supported: skgan trains on 'cpu', 'cuda' "
            "(or 'cuda:N') or picks one with 'auto'."
        )
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available on this "
            "machine; use device='cpu' or device='auto'."
        )
    return resolved


def fit_method(fit):
    """Decorator of the public methods that fit an estimator.

    A fit is all or nothing: if it raises -- invalid input, diverging
    training, an interrupt -- the estimator's attributes are put back as they
    were before the call, so a refit that fails leaves the previous model
    whole and a first fit that fails leaves an unfitted estimator. The fit
    runs with gradients on and outside ``torch.inference_mode``, whatever the
    caller's torch context.
    """

    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        before = dict(self.__dict__)
        try:
            with torch.inference_mode(False), torch.enable_grad():
                return fit(self, *args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    return wrapper


@dataclass
class TorchRuntime:
    """Device, random generators and training tensors for one ``fit`` call.

    Lives only for the duration of the call: generators cannot be pickled and
    must not outlive the fit that seeded them.

    ``seed`` is spread by :class:`numpy.random.SeedSequence` into independent
    streams: ``cpu_generator`` (initial weights, row orders), ``generator``
    (training noise, on the device) and ``numpy_generator`` (choices made in
    NumPy). Seeding two generators with the same integer would replay, on the
    CPU, the numbers of the weight initialisation as training noise.
    """

    device: torch.device
    seed: int
    data: dict = field(default_factory=dict)
    #: The :class:`~skgan._schema.EncodedLayout` of ``data`` (None: numeric).
    layout: object = None

    def __post_init__(self):
        weights, noise, choices = np.random.SeedSequence(self.seed).spawn(3)
        self.cpu_generator = torch.Generator().manual_seed(_torch_seed(weights))
        self.generator = torch.Generator(device=self.device).manual_seed(
            _torch_seed(noise)
        )
        self.numpy_generator = np.random.default_rng(choices)

    def rand(self, *shape):
        """Uniform noise on ``[0, 1)`` (float32, whatever torch's default dtype)."""
        return torch.rand(
            shape, generator=self.generator, device=self.device, dtype=torch.float32
        )

    def randn(self, *shape):
        """Standard normal noise (float32, whatever torch's default dtype)."""
        return torch.randn(
            shape, generator=self.generator, device=self.device, dtype=torch.float32
        )

    def column_rand(self, n_rows, n_features):
        """Uniform noise of shape ``(n_rows, n_features)`` drawn once per table
        column: the encoded columns of a categorical entry share one draw
        (see ``layout``), so that a mask made from it hides or shows the
        entry whole. On a numeric table, :meth:`rand`."""
        if self.layout is None or not self.layout.mixed:
            return self.rand(n_rows, n_features)
        return self.layout.expand(self.rand(n_rows, self.layout.n_columns))

    def randint(self, high, size):
        """Integers in ``[0, high)``."""
        return torch.randint(
            high, (size,), generator=self.generator, device=self.device
        )

    def permutation(self, n):
        """A random permutation of ``range(n)`` (CPU generator)."""
        return torch.randperm(n, generator=self.cpu_generator)

    def tensor(self, array):
        """A float32 tensor on the runtime's device."""
        return torch.as_tensor(np.asarray(array, dtype=np.float32), device=self.device)


def _torch_seed(seed_sequence):
    """A 63-bit integer seed for a torch generator from a ``SeedSequence``."""
    return int(seed_sequence.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def draw_seed(random_state):
    """An integer seed drawn from ``random_state`` (scikit-learn's convention)."""
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def to_numpy(tensor):
    """A float64 NumPy copy of a tensor, wherever it lives."""
    return tensor.detach().to("cpu", torch.float64).numpy()


class BaseTorchGAN(BaseEstimator):
    """Base class for skgan's torch-backed estimators.

    Subclasses implement the method-specific phases:

    * ``_build_networks(rt)`` returns a dict of named :class:`torch.nn.Module`;
    * ``_build_optimizers(networks)`` returns a dict of named optimisers;
    * ``_train_step(rt, batch, step)`` performs one update on a mini-batch
      (a dict of tensors sliced from ``rt.data``) and returns a dict of
      scalar loss tensors, one per network;
    and call :meth:`_fit_networks` from ``fit``, optionally with a
    ``validation(networks)`` callable, a held-out signal that early stopping
    minimises (the best networks are kept). The trained networks are kept
    in ``networks_``.
    """

    _parameter_constraints = {
        "max_iter": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "categorical_features": ["array-like", StrOptions({"from_dtype"}), None],
    }

    #: ``batch_size="auto"``: ``n_samples // _auto_batch_divisor`` within
    #: ``_auto_batch_bounds``, so large data take fewer, larger steps (capped
    #: by n_samples).
    _auto_batch_divisor = 64
    _auto_batch_bounds = (64, 256)
    #: ``early_stopping="auto"`` holds rows out only from this many samples on.
    _auto_early_stopping_min_samples = 1000
    #: ``max_iter="auto"``: mini-batch updates targeted over the whole fit.
    _auto_steps = 2000
    #: ``max_iter="auto"``: bounds on the number of epochs.
    _auto_epoch_bounds = (5, 2000)
    #: Networks whose weights are averaged over the training steps (an
    #: exponential moving average, Yazici et al., ICLR 2019); the averages
    #: are what validation scores and what the fitted estimator keeps.
    _averaged_networks = ()
    #: Decay of that moving average (a window of about 1 / (1 - decay) steps).
    _average_decay = 0.995

    # -- sizes -------------------------------------------------------------
    def _effective_batch_size(self, n_samples):
        if self.batch_size == "auto":
            size = n_samples // self._auto_batch_divisor
            size = np.clip(size, *self._auto_batch_bounds)
        else:
            size = self.batch_size
        return int(min(size, n_samples))

    def _early_stopping_enabled(self, n_samples):
        if self.early_stopping == "auto":
            return n_samples >= self._auto_early_stopping_min_samples
        return self.early_stopping

    def _effective_max_iter(self, n_samples):
        """Epoch budget; ``"auto"`` adapts it to the number of mini-batches."""
        if self.max_iter != "auto":
            return int(self.max_iter)
        batches = math.ceil(n_samples / self._effective_batch_size(n_samples))
        low, high = self._auto_epoch_bounds
        return int(np.clip(math.ceil(self._auto_steps / batches), low, high))

    # -- mixed tables --------------------------------------------------------
    def _learn_schema(self, X):
        """At fit: ``_schema``, the :class:`~skgan._schema.ColumnSchema` of
        ``X``'s categorical columns (see ``categorical_features``), or None
        for a numeric table, which then takes the numeric code path alone."""
        if issparse(X) and not (
            isinstance(self.categorical_features, str) or self.categorical_features is None
        ):
            raise TypeError(
                "categorical_features needs a dense table; sparse input is not supported."
            )
        is_categorical = resolve_categorical(X, self.categorical_features)
        self._schema = None if is_categorical is None else ColumnSchema(X, is_categorical)
        return self._schema

    def _encode_table(self, X, *, reset):
        """Check a mixed table (feature count and names, as ``validate_data``
        does) and encode it with ``_schema``: a
        :class:`~skgan._schema.MixedTable`."""
        validate_data(self, X, reset=reset, skip_check_array=True)
        table = MixedTable(*self._schema.encode(X), X)
        minimum = 2 if reset else 1
        if len(table.encoded) < minimum:
            raise ValueError(
                f"Found array with {len(table.encoded)} sample(s) while a minimum of "
                f"{minimum} is required."
            )
        return table

    def _encoded_layout(self, n_features):
        """The :class:`~skgan._schema.EncodedLayout` of the networks'
        columns (the non-empty encoded ones)."""
        if self._schema is None:
            return EncodedLayout.numeric(n_features)
        column_of = self._schema.column_of[self._valid_features]
        return EncodedLayout(column_of, self._schema.is_categorical[column_of])

    def _table_container(self, X_in, columns, names, method="transform"):
        """A decoded mixed table as the caller expects it: a DataFrame whose
        columns keep their dtypes when ``set_output`` asks for pandas (the
        index of ``X_in`` kept), else an object ndarray."""
        if _get_output_config(method, self)["dense"] == "pandas":
            by_name = dict(
                zip(getattr(self, "feature_names_in_", []), self._schema.dtypes or [])
            )
            index = getattr(X_in, "index", None)
            return self._schema.to_frame(
                columns, names, [by_name.get(name) for name in names], index
            )
        return self._schema.to_array(columns)

    # -- runtime -----------------------------------------------------------
    def _make_runtime(self, n_samples, n_features):
        """Resolve the device into ``device_`` (``"auto"`` by the size of an
        update on an ``n_samples x n_features`` table) and seed a fresh
        runtime."""
        work = update_work(self._effective_batch_size(n_samples), n_features)
        self.device_ = resolve_device(self.device, work)
        return TorchRuntime(self.device_, draw_seed(self.random_state))

    def _inference_device(self):
        """Device for prediction: ``device_`` if still available, else CPU.

        A model fitted on ``cuda:1`` and loaded where CUDA is missing, or
        where there is no second GPU, predicts on the CPU.
        """
        device = getattr(self, "device_", torch.device("cpu"))
        if device.type == "cuda" and not (
            torch.cuda.is_available()
            and (device.index or 0) < torch.cuda.device_count()
        ):
            return torch.device("cpu")
        return device

    # -- training loop -----------------------------------------------------
    def _iter_batches(self, rt, n_samples, batch_size):
        order = rt.permutation(n_samples).to(rt.device)
        for start in range(0, n_samples, batch_size):
            idx = order[start : start + batch_size]
            if len(idx) == 1 and batch_size > 1:
                # A one-row tail of larger batches carries no batch
                # statistics; skip it. With batch_size=1 every batch is a row.
                continue
            yield {key: value[idx] for key, value in rt.data.items()}

    def _fit_networks(self, rt, validation=None):
        """Build the networks and train them; sets ``networks_``, ``history_``,
        ``n_iter_`` and ``best_iteration_``."""
        n_samples = len(next(iter(rt.data.values())))
        networks = self._build_networks(rt)
        for net in networks.values():
            net.to(rt.device)
        optimizers = self._build_optimizers(networks)
        averages = self._make_averages(networks)
        batch_size = self._effective_batch_size(n_samples)
        max_iter = self._effective_max_iter(n_samples)
        use_validation = validation is not None

        history = defaultdict(list)
        best_loss, best_state, best_epoch, stale = math.inf, None, 0, 0
        checkpoint = _snapshot(_with_averages(networks, averages), optimizers)
        retries = 0
        progress = tqdm(
            range(max_iter),
            desc=type(self).__name__,
            disable=not self.verbose,
            leave=False,
        )
        threads = training_threads(networks, batch_size, rt.device)
        with progress, intra_op_threads(threads):
            epoch = -1
            for epoch in progress:
                self._set_train_mode(networks, True)
                losses = self._run_epoch(
                    rt, networks, optimizers, averages, n_samples, batch_size
                )
                if not all(map(_is_sane_loss, losses.values())):
                    retries += 1
                    _check_retries(retries, epoch, losses)
                    _restore(_with_averages(networks, averages), optimizers, checkpoint)
                    _scale_learning_rates(optimizers, 0.5)
                    continue
                checkpoint = _snapshot(_with_averages(networks, averages), optimizers)
                self._on_epoch_end(rt, epoch, networks)
                for name, value in losses.items():
                    history[name].append(value)
                if use_validation:
                    kept = _kept_networks(networks, averages)
                    self._set_train_mode(kept, False)
                    with torch.no_grad():
                        val = float(validation(kept))
                    history["validation"].append(val)
                    losses["validation"] = val
                    if val < best_loss - 1e-6:
                        best_loss, best_epoch, stale = val, epoch, 0
                        best_state = _snapshot(_with_averages(networks, averages))
                    else:
                        stale += 1
                progress.set_postfix({k: f"{v:.3g}" for k, v in losses.items()})
                if use_validation and stale >= self.n_iter_no_change:
                    break
        if not history:
            raise RuntimeError(
                f"Training diverged: no epoch of {type(self).__name__} ended with "
                "finite losses, so there are no trained networks to keep. Lower "
                "the learning rate or check the input scale."
            )
        if use_validation and best_state is not None:
            _restore(_with_averages(networks, averages), None, best_state)
        networks = _kept_networks(networks, averages)
        self._set_train_mode(networks, False)
        self.networks_ = networks
        self.history_ = dict(history)
        self.n_iter_ = epoch + 1
        self.best_iteration_ = best_epoch + 1 if use_validation else self.n_iter_
        return networks

    def _run_epoch(self, rt, networks, optimizers, averages, n_samples, batch_size):
        """One pass over the data; returns the mean loss of every network.

        The losses are summed on the device (in float64, as Python floats
        would be) and read once per epoch: reading one per step would make
        the CPU wait for the GPU at every step.
        """
        sums, counts = {}, defaultdict(int)
        for step, batch in enumerate(self._iter_batches(rt, n_samples, batch_size)):
            for name, loss in self._train_step(rt, networks, optimizers, batch, step).items():
                sums[name] = sums.get(name, 0.0) + loss.detach().to(torch.float64)
                counts[name] += 1
            for name, average in averages.items():
                average.update_parameters(networks[name])
        return {name: float(sums[name]) / counts[name] for name in sums}

    def _on_epoch_end(self, rt, epoch, networks):
        """Called after every epoch that ended with sane losses (a diverged
        epoch is rolled back instead); subclasses may keep copies of the
        networks here. Does nothing by default."""

    def _make_averages(self, networks):
        """Moving averages of the networks named in ``_averaged_networks``.

        The decay ramps up as ``min(decay, (1 + t) / (10 + t))`` after ``t``
        updates, so short fits are not dominated by the initial weights.
        """
        decay = self._average_decay

        def average(mean, current, n_averaged):
            rate = 1.0 - min(decay, (1.0 + n_averaged) / (10.0 + n_averaged))
            return mean + rate * (current - mean)

        return {
            name: AveragedModel(networks[name], avg_fn=average)
            for name in self._averaged_networks
        }

    @staticmethod
    def _set_train_mode(networks, mode):
        for net in networks.values():
            net.train(mode)

    # -- pickling ----------------------------------------------------------
    def __getstate__(self):
        state = dict(super().__getstate__())
        if "networks_" in state:
            state["networks_"] = {
                name: copy.deepcopy(net).to("cpu") for name, net in state["networks_"].items()
            }
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "networks_" in self.__dict__:
            device = self._inference_device()
            for net in self.networks_.values():
                net.to(device)


def _with_averages(networks, averages):
    """Networks and their moving averages in one dict, for snapshots."""
    return {**networks, **{f"{name} (average)": avg for name, avg in averages.items()}}


def _kept_networks(networks, averages):
    """The networks with the averaged ones in place of their raw weights."""
    return {**networks, **{name: avg.module for name, avg in averages.items()}}


def _snapshot(networks, optimizers=None):
    """Copies of network (and optimiser) states, for rollback."""
    nets = {name: _copy_state(net.state_dict()) for name, net in networks.items()}
    opts = (
        {name: _copy_state(opt.state_dict()) for name, opt in optimizers.items()}
        if optimizers is not None
        else None
    )
    return nets, opts


def _copy_state(state):
    """A copy of a (nested) state dict whose tensors are cloned: what
    ``copy.deepcopy`` gives, without its per-object bookkeeping, which costs
    more than the copying itself on small networks snapshotted every epoch."""
    if isinstance(state, torch.Tensor):
        return state.detach().clone()
    if isinstance(state, dict):
        return type(state)((key, _copy_state(value)) for key, value in state.items())
    if isinstance(state, (list, tuple)):
        return type(state)(_copy_state(value) for value in state)
    return copy.copy(state)


def _restore(networks, optimizers, snapshot):
    nets, opts = snapshot
    for name, net in networks.items():
        net.load_state_dict(nets[name])
    if optimizers is not None and opts is not None:
        for name, opt in optimizers.items():
            opt.load_state_dict(opts[name])


def _scale_learning_rates(optimizers, factor):
    for opt in optimizers.values():
        for group in opt.param_groups:
            group["lr"] *= factor


def _is_sane_loss(value):
    """Finite and not running away (see ``RUNAWAY_LOSS``)."""
    return math.isfinite(value) and abs(value) <= RUNAWAY_LOSS


def _check_retries(retries, epoch, losses):
    bad = sorted(name for name, value in losses.items() if not _is_sane_loss(value))
    if retries > MAX_DIVERGENCE_RETRIES:
        raise RuntimeError(
            f"Training diverged: non-finite or runaway (above {RUNAWAY_LOSS:.0e} "
            f"in magnitude) loss for {', '.join(bad)} at epoch "
            f"{epoch + 1}, still after {MAX_DIVERGENCE_RETRIES} restarts from the "
            "last finite state with halved learning rates. Lower the learning "
            "rate or check the input scale."
        )
    warnings.warn(
        f"Non-finite or runaway loss for {', '.join(bad)} at epoch {epoch + 1}; "
        "rolled back "
        "to the last finite state and halved the learning rates.",
        ConvergenceWarning,
    )
