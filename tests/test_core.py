"""Tests of the shared torch core (``skgan._base``, ``skgan._nn`` and the
imputer base), exercised through :class:`~skgan.MisGANImputer`, the first
estimator built on it.

Budgets are tiny (``max_iter`` 2-5 on a few dozen rows): these tests check
plumbing, not quality.
"""

import copy
import math
import os
import pickle
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning

from skgan import (
    GAINImputer,
    GAMOResampler,
    HexaGANClassifier,
    HexaGANImputer,
    MisGANImputer,
)
from skgan._base import (
    AUTO_CUDA_MIN_WORK,
    training_threads,
    MAX_DIVERGENCE_RETRIES,
    TorchRuntime,
    draw_seed,
    resolve_device,
    update_work,
)
from skgan._nn import StackedMLP, apply_gradients, make_mlp, wgan_gp_critic_losses
from skgan.impute._base import MinMaxScaling, missing_mask


def _data(n_samples=60, n_features=4, missing_rate=0.2, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features)) * [1, 10, 100, 0.1][:n_features]
    X[rng.uniform(size=X.shape) < missing_rate] = np.nan
    return X


def _imputer(**params):
    params = {"max_iter": 3, "random_state": 0, **params}
    return MisGANImputer(**params)


@pytest.fixture(scope="module")
def fitted():
    X = _data()
    return _imputer().fit(X), X


@pytest.fixture
def no_cuda(monkeypatch):
    """Pretend this machine has no GPU (it may well have none anyway)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)


# -- device ----------------------------------------------------------------
def test_resolve_device_cpu_and_auto(no_cuda):
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto") == torch.device("cpu")


@pytest.mark.parametrize("device", ["cuda", "cuda:1"])
def test_resolve_device_cuda_without_gpu(no_cuda, device):
    with pytest.raises(ValueError, match="CUDA is not available"):
        resolve_device(device)


def test_resolve_device_invalid_name():
    with pytest.raises(ValueError, match="not a valid torch device"):
        resolve_device("gpu-please")


def test_fit_on_cuda_without_gpu_is_a_clear_value_error(no_cuda):
    imputer = _imputer(device="cuda")
    with pytest.raises(ValueError, match="device='cuda'.*CUDA is not available"):
        imputer.fit(_data())
    assert imputer.device == "cuda"


def test_auto_device_resolved_into_device_(no_cuda):
    imputer = _imputer(device="auto").fit(_data())
    assert imputer.device == "auto"
    assert imputer.device_ == torch.device("cpu")


@pytest.fixture
def fake_cuda(monkeypatch):
    """Pretend a GPU is visible (nothing here allocates on it)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)


def test_auto_device_takes_a_gpu_only_for_large_updates(fake_cuda):
    # Breast cancer's size (batch 64, 30 features): the CPU was faster there.
    assert update_work(64, 30) < AUTO_CUDA_MIN_WORK
    assert resolve_device("auto", update_work(64, 30)) == torch.device("cpu")
    # 20000 x 200 (batch 256): the GPU was faster.
    assert update_work(256, 200) >= AUTO_CUDA_MIN_WORK
    assert resolve_device("auto", update_work(256, 200)) == torch.device("cuda")
    # Explicit devices are taken as given.
    assert resolve_device("cuda", 0) == torch.device("cuda")
    assert resolve_device("cpu", math.inf) == torch.device("cpu")


@pytest.mark.parametrize(
    "make, fit",
    [
        (MisGANImputer, lambda est, X, y: est.fit(X)),
        (GAINImputer, lambda est, X, y: est.fit(X)),
        (HexaGANImputer, lambda est, X, y: est.fit(X)),
        (HexaGANClassifier, lambda est, X, y: est.fit(X, y)),
        (GAMOResampler, lambda est, X, y: est.fit_resample(np.nan_to_num(X), y)),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_auto_device_keeps_a_small_table_on_the_cpu_beside_a_gpu(fake_cuda, make, fit):
    X = _data()
    y = np.arange(len(X)) % 3 == 0
    estimator = make(device="auto", max_iter=1, random_state=0)
    fit(estimator, X, y)
    assert estimator.device_ == torch.device("cpu")


# -- seeding and building blocks --------------------------------------------
def test_draw_seed_follows_random_state():
    assert draw_seed(0) == draw_seed(0)
    assert draw_seed(0) != draw_seed(1)
    rng = np.random.RandomState(0)
    assert draw_seed(rng) != draw_seed(rng)


def test_runtime_noise_is_seeded_and_float32():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        a, b = (
            TorchRuntime(torch.device("cpu"), 3),
            TorchRuntime(torch.device("cpu"), 3),
        )
        for draw in ("rand", "randn"):
            x, y = getattr(a, draw)(4, 2), getattr(b, draw)(4, 2)
            assert x.dtype == torch.float32
            assert torch.equal(x, y)
        assert torch.equal(a.permutation(10), b.permutation(10))
        assert a.tensor([[1, 2]]).dtype == torch.float32
    finally:
        torch.set_default_dtype(old)


def test_make_mlp_seeded_float32_and_leaves_global_rng_alone():
    state = torch.get_rng_state()
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        nets = [
            make_mlp(
                [5, 8, 3], output="sigmoid", generator=torch.Generator().manual_seed(1)
            )
            for _ in range(2)
        ]
    finally:
        torch.set_default_dtype(old)
    assert torch.equal(torch.get_rng_state(), state)
    for p, q in zip(nets[0].parameters(), nets[1].parameters(), strict=True):
        assert p.dtype == torch.float32
        assert torch.equal(p, q)
    other = make_mlp([5, 8, 3], generator=torch.Generator().manual_seed(2))
    assert not torch.equal(nets[0][0].weight, other[0].weight)
    out = nets[0](torch.zeros(2, 5))
    assert out.shape == (2, 3) and ((out >= 0) & (out <= 1)).all()


# -- scaling ----------------------------------------------------------------
def test_minmax_scaling_round_trip_and_constant_feature():
    X = np.array([[1.0, 5.0, np.nan], [3.0, 5.0, 2.0], [2.0, np.nan, 4.0]])
    mask = missing_mask(X, np.nan)
    scaling = MinMaxScaling(X, mask)
    X01 = scaling.scale(X, mask)
    assert np.isfinite(X01).all()
    assert X01[~mask].min() == 0 and X01[~mask].max() == 1
    assert (X01[mask] == 0).all()
    np.testing.assert_allclose(scaling.unscale(X01)[~mask], X[~mask])
    # Anything imputed in a constant feature comes back as the constant.
    assert (scaling.unscale(np.full((2, 3), 0.7))[:, 1] == 5.0).all()


def test_missing_mask_non_nan_marker():
    X = np.array([[-1.0, 2.0], [3.0, -1.0]])
    np.testing.assert_array_equal(missing_mask(X, -1), [[True, False], [False, True]])


# -- sizes ------------------------------------------------------------------
def test_auto_budget_adapts_to_data_size():
    imputer = MisGANImputer()
    low, high = imputer._auto_epoch_bounds
    assert imputer._effective_batch_size(10) == 10
    lowest, largest = imputer._auto_batch_bounds
    assert imputer._effective_batch_size(500) == lowest
    assert imputer._effective_batch_size(10_000) == 10_000 // 64
    assert imputer._effective_batch_size(100_000) == largest
    small, large = imputer._effective_max_iter(500), imputer._effective_max_iter(20_000)
    assert low <= large < small <= high
    assert MisGANImputer(max_iter=7)._effective_max_iter(20_000) == 7
    assert MisGANImputer(batch_size=16)._effective_batch_size(1000) == 16


# -- global state the user owns ---------------------------------------------
def _run_everything(X):
    imputer = _imputer(random_state=1).fit(X)
    imputer.transform(X)
    imputer.multiple_imputations(X, 2, random_state=0)
    return imputer


def test_global_torch_state_unchanged():
    X = _data()
    torch.manual_seed(12345)
    rng_state = torch.get_rng_state()
    threads = torch.get_num_threads()
    dtype = torch.get_default_dtype()
    _run_everything(X).sample(3, random_state=0)
    assert torch.equal(torch.get_rng_state(), rng_state)
    assert torch.get_num_threads() == threads
    assert torch.get_default_dtype() == dtype
    assert torch.is_grad_enabled()


def test_user_thread_count_and_grad_mode_respected():
    X = _data()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.no_grad():
            imputer = _run_everything(X)
            assert not torch.is_grad_enabled()
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(threads)
    # Training happened despite the user's no_grad: the weights moved.
    assert len(imputer.history_["imputer"]) == imputer.n_iter_


def test_float64_default_dtype_gives_the_same_result():
    X = _data()
    reference = _imputer().fit(X)
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        imputer = _imputer().fit(X)
        Xt = imputer.transform(X)
        draws = imputer.multiple_imputations(X, 2, random_state=0)
        assert torch.get_default_dtype() == torch.float64
    finally:
        torch.set_default_dtype(old)
    np.testing.assert_array_equal(Xt, reference.transform(X))
    expected = reference.multiple_imputations(X, 2, random_state=0)
    for a, b in zip(draws, expected, strict=True):
        np.testing.assert_array_equal(a, b)


def test_sample_under_float64_default_dtype(fitted):
    imputer, _ = fitted
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        X, missing = imputer.sample(4, random_state=0)
    finally:
        torch.set_default_dtype(old)
    np.testing.assert_array_equal(X, imputer.sample(4, random_state=0)[0])


# -- training loop ----------------------------------------------------------
def test_history_n_iter_best_iteration_without_early_stopping():
    imputer = _imputer(max_iter=4, early_stopping=False).fit(_data())
    assert imputer.n_iter_ == imputer.best_iteration_ == 4
    assert "validation" not in imputer.history_
    assert set(imputer.history_) == {
        "mask_generator",
        "mask_critic",
        "data_generator",
        "data_critic",
        "imputer",
        "imputer_critic",
    }
    for losses in imputer.history_.values():
        assert len(losses) == 4 and np.isfinite(losses).all()


def test_early_stopping_keeps_the_best_epoch():
    imputer = _imputer(max_iter=60, n_iter_no_change=2, early_stopping=True)
    imputer.fit(_data(n_samples=40))
    val = imputer.history_["validation"]
    assert imputer.n_iter_ < 60, "patience of 2 epochs never ran out"
    assert len(val) == imputer.n_iter_
    assert 1 <= imputer.best_iteration_ <= imputer.n_iter_ - 2
    assert val[imputer.best_iteration_ - 1] == min(val)


class _Diverging(MisGANImputer):
    """MisGAN whose training step blows up on the epochs listed in ``bad``."""

    def __init__(self, *, bad=(), epochs=None, **params):
        super().__init__(**params)
        self.bad = bad
        self.epochs = epochs  # a list that records every epoch started

    def _run_epoch(self, *args):
        self._epoch = getattr(self, "_epoch", -1) + 1
        if self.epochs is not None:
            self.epochs.append(self._epoch)
        return super()._run_epoch(*args)

    def _train_step(self, rt, networks, optimizers, batch, step):
        losses = super()._train_step(rt, networks, optimizers, batch, step)
        if self.bad == "always" or self._epoch in self.bad:
            with torch.no_grad():  # what a real blow-up leaves behind
                for param in networks["imputer"].parameters():
                    param.fill_(float("nan"))
            losses["imputer"] = torch.tensor(float("nan"))
        return losses


def test_divergence_once_rolls_back_and_warns():
    X = _data()
    imputer = _Diverging(bad=(1,), max_iter=4, early_stopping=False, random_state=0)
    with pytest.warns(
        ConvergenceWarning, match="Non-finite or runaway loss for imputer.* at epoch 2;"
    ):
        imputer.fit(X)
    assert imputer.n_iter_ == 4
    assert len(imputer.history_["imputer"]) == 3  # the bad epoch is not recorded
    assert np.isfinite(np.concatenate(list(imputer.history_.values()))).all()
    for net in imputer.networks_.values():
        assert all(torch.isfinite(p).all() for p in net.parameters())
    assert np.isfinite(imputer.transform(X)).all()


def test_divergence_always_raises_after_retries():
    epochs = []
    imputer = _Diverging(
        bad="always", epochs=epochs, max_iter=10, early_stopping=False, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(RuntimeError, match="Training diverged.*imputer"):
            imputer.fit(_data())
    assert epochs[-1] == MAX_DIVERGENCE_RETRIES  # gave up at the 4th failure


def test_divergence_in_every_epoch_of_a_short_fit_raises():
    imputer = _Diverging(bad="always", max_iter=2, early_stopping=False, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(RuntimeError, match="no epoch .* finite losses"):
            imputer.fit(_data())
    assert not hasattr(imputer, "networks_")


# -- progress ---------------------------------------------------------------
def test_verbose_shows_a_progress_bar(capsys):
    _imputer(verbose=1).fit(_data())
    captured = capsys.readouterr()
    assert "MisGANImputer" in captured.err
    assert re.search(r"\d+%\|.*\| [0-3]/3 ", captured.err)  # a tqdm bar over 3 epochs
    assert "imputer=" in captured.err  # current losses in the postfix
    assert captured.out == ""


def test_verbose_zero_is_silent(capsys):
    imputer = _imputer(verbose=0).fit(_data())
    imputer.transform(_data())
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


# -- pickling and devices ---------------------------------------------------
def test_getstate_copies_networks_to_cpu(fitted):
    imputer, _ = fitted
    state = imputer.__getstate__()
    for name, net in state["networks_"].items():
        assert net is not imputer.networks_[name]
        assert all(p.device.type == "cpu" for p in net.parameters())
    assert state["networks_"] is not imputer.networks_


def test_model_fitted_on_a_gpu_loads_on_a_cpu_only_machine(monkeypatch):
    X = _data()
    imputer = _imputer(device="cpu").fit(X)
    expected = imputer.transform(X)
    imputer.device_ = torch.device("cuda", 0)  # as if fitted on a GPU
    payload = pickle.dumps(imputer)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    restored = pickle.loads(payload)
    assert restored.device_ == torch.device("cuda", 0)
    assert restored._inference_device() == torch.device("cpu")
    for net in restored.networks_.values():
        assert all(p.device.type == "cpu" for p in net.parameters())
    np.testing.assert_array_equal(restored.transform(X), expected)


def test_model_fitted_on_a_second_gpu_loads_on_a_one_gpu_machine(fitted, monkeypatch):
    imputer, X = fitted
    imputer = pickle.loads(pickle.dumps(imputer))
    imputer.device_ = torch.device("cuda", 1)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert imputer._inference_device() == torch.device("cpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_gpu_fit_pickles_to_a_process_without_cuda(tmp_path):
    X = _data()
    imputer = _imputer(device="cuda").fit(X)
    assert imputer.device_.type == "cuda"
    assert next(imputer.networks_["imputer"].parameters()).is_cuda
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "expected.npy", imputer.transform(X))
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(imputer))
    script = (
        "import pickle, sys, numpy as np, torch\n"
        "assert not torch.cuda.is_available()\n"
        "d = sys.argv[1]\n"
        "m = pickle.load(open(d + '/model.pkl', 'rb'))\n"
        "X = np.load(d + '/X.npy')\n"
        "np.testing.assert_allclose(m.transform(X), np.load(d + '/expected.npy'),"
        " rtol=1e-4, atol=1e-5)\n"
    )
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env, check=True)


def test_small_networks_train_on_one_thread_and_restore_the_setting(monkeypatch):
    X = _data()
    seen = []
    original = MisGANImputer._train_step

    def spy(self, *args):
        seen.append(torch.get_num_threads())
        return original(self, *args)

    monkeypatch.setattr(MisGANImputer, "_train_step", spy)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        _imputer(device="cpu").fit(X)
        assert seen and set(seen) == {1}
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_training_threads_rule():
    small = {"net": torch.nn.Linear(10, 10)}
    large = {"net": torch.nn.Linear(2048, 2048)}
    cpu = torch.device("cpu")
    assert training_threads(small, 64, cpu) == 1
    assert training_threads(large, 256, cpu) is None
    assert training_threads(small, 64, torch.device("cuda")) is None


def test_stacked_mlp_members_are_independent_networks():
    g = torch.Generator().manual_seed(0)
    stack = StackedMLP(3, [4, 8, 8, 1], generator=g)
    x = torch.rand(3, 5, 4)
    out = stack(x)
    assert out.shape == (3, 5, 1)
    for k in range(3):
        torch.testing.assert_close(stack.member(k, x[k]), out[k])
    # A loss on member 1 alone leaves the other members' gradients at zero.
    grads = torch.autograd.grad(stack.member(1, x[1]).sum(), list(stack.parameters()))
    for grad in grads:
        assert grad[1].abs().sum() > 0
        assert grad[0].abs().sum() == 0 and grad[2].abs().sum() == 0


def test_wgan_gp_critic_losses_match_the_formula():
    g = torch.Generator().manual_seed(0)
    stack = StackedMLP(2, [3, 6, 1], generator=g)
    real, fake = torch.rand(2, 7, 3), torch.rand(2, 7, 3)
    eps = torch.rand(2, 7, 1, generator=torch.Generator().manual_seed(1))
    losses = wgan_gp_critic_losses(stack, real, fake, lambda *s: eps, 10.0)
    for k in range(2):
        x_hat = (eps[k] * real[k] + (1 - eps[k]) * fake[k]).requires_grad_(True)
        (grad,) = torch.autograd.grad(stack.member(k, x_hat).sum(), x_hat)
        expected = (
            stack.member(k, fake[k]).mean()
            - stack.member(k, real[k]).mean()
            + 10.0 * ((grad.norm(dim=1) - 1) ** 2).mean()
        )
        torch.testing.assert_close(losses[k], expected)


def test_apply_gradients_steps_fused_adam_like_the_reference_adam():
    # Regression: gradients of a penalised stacked critic come out of double
    # backward as strided views, on which fused Adam stepped wrongly. Both
    # optimisers step once from the same weights on the same gradients, so the
    # comparison does not hinge on round-off: over several steps the weights
    # part in their last bits and a gradient that is 0.0 on one side and 1e-9
    # on the other is a full Adam step on one side only.
    stack = StackedMLP(3, [4, 8, 8, 1], generator=torch.Generator().manual_seed(0))
    data = torch.Generator().manual_seed(1)
    real, fake = torch.rand(2, 3, 16, 4, generator=data)
    eps = torch.rand(3, 16, 1, generator=data)

    def loss(net):
        return wgan_gp_critic_losses(net, real, fake, lambda *s: eps, 10.0).sum()

    grads = torch.autograd.grad(loss(stack), list(stack.parameters()))
    assert not all(g.is_contiguous() for g in grads), "no strided gradient to test"
    moved = torch.cat([g.flatten() for g in grads]) != 0
    assert moved.sum() > 100  # most weights take a step of about the step size

    fused = copy.deepcopy(stack)
    adam = {"lr": 1e-2, "betas": (0.5, 0.9)}
    optimizer = torch.optim.Adam(fused.parameters(), fused=True, **adam)
    apply_gradients(loss(fused), {"c": fused}, {"c": optimizer})

    reference = copy.deepcopy(stack)
    optimizer = torch.optim.Adam(reference.parameters(), foreach=False, **adam)
    for param, grad in zip(reference.parameters(), grads, strict=True):
        param.grad = grad.clone(memory_format=torch.contiguous_format)
    optimizer.step()
    for got, expected in zip(fused.parameters(), reference.parameters(), strict=True):
        torch.testing.assert_close(got, expected)


class _RecordingMisGAN(MisGANImputer):
    """MisGAN that keeps a copy of the imputer's raw weights after each step."""

    def _train_step(self, rt, networks, optimizers, batch, step):
        losses = super()._train_step(rt, networks, optimizers, batch, step)
        self.raw_steps_.append(
            [p.detach().clone() for p in networks["imputer"].parameters()]
        )
        return losses


def test_averaged_networks_keep_the_moving_average_of_the_steps():
    imputer = _RecordingMisGAN(max_iter=6, early_stopping=False, random_state=0)
    imputer.raw_steps_ = []
    imputer.fit(_data())
    assert imputer._averaged_networks == ("imputer",)
    decay = imputer._average_decay
    expected = [p.clone() for p in imputer.raw_steps_[0]]
    for t, weights in enumerate(imputer.raw_steps_[1:], start=1):
        rate = 1.0 - min(decay, (1.0 + t) / (10.0 + t))
        expected = [e + rate * (w - e) for e, w in zip(expected, weights)]
    kept = list(imputer.networks_["imputer"].parameters())
    for e, k, last in zip(expected, kept, imputer.raw_steps_[-1]):
        torch.testing.assert_close(k, e)
        assert not torch.equal(k, last)  # not simply the last iterate
    # The plain network is kept, not torch's AveragedModel wrapper.
    assert not hasattr(imputer.networks_["imputer"], "n_averaged")
