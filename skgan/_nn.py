"""Torch building blocks shared by every skgan method.

Each piece is written once: the MLP builder with generator-seeded
initialisation, the Wasserstein losses, the two gradient penalties (the
interpolation penalty of WGAN-GP and the zero-centred penalty at real points)
and the masking helpers.
"""

import torch
from torch import nn
from torch.nn.utils import skip_init

ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.1),
    "sigmoid": nn.Sigmoid,
    "softmax": lambda: nn.Softmax(dim=1),
    None: None,
}


def make_mlp(sizes, *, activation="relu", output=None, generator, batch_norm=False):
    """Build a fully connected network with Xavier-uniform weights.

    Parameters
    ----------
    sizes : sequence of int
        ``[n_in, hidden_1, ..., n_out]``.
    activation : str
        Activation after every hidden layer.
    output : str or None
        Activation after the last layer (``None`` for raw logits).
    generator : torch.Generator
        CPU generator used for the initial weights, so that building a network
        never touches torch's global random state.
    batch_norm : bool
        Insert a batch normalisation layer after every hidden activation.

    Returns
    -------
    torch.nn.Sequential
    """
    layers = []
    n_layers = len(sizes) - 1
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        # float32 whatever torch's default dtype: the data tensors are float32.
        linear = skip_init(nn.Linear, n_in, n_out, dtype=torch.float32)
        nn.init.xavier_uniform_(linear.weight, generator=generator)
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        last = i == n_layers - 1
        name = output if last else activation
        if ACTIVATIONS[name] is not None:
            layers.append(ACTIVATIONS[name]())
        if batch_norm and not last:
            layers.append(nn.BatchNorm1d(n_out, dtype=torch.float32))
    return nn.Sequential(*layers)


def critic_loss(real_scores, fake_scores):
    """Wasserstein critic loss ``E[D(fake)] - E[D(real)]`` (to be minimised)."""
    return fake_scores.mean() - real_scores.mean()


def interpolation_penalties(critics, pairs, rand):
    """WGAN-GP penalties ``E[(||grad D(x_hat)|| - 1)^2]`` of several critics.

    Gulrajani et al. (2017): ``x_hat = eps * real + (1 - eps) * fake`` with
    ``eps ~ U(0, 1)`` drawn per row. ``critics`` and ``pairs`` are dicts
    keyed alike, ``pairs[name] = (real, fake)``; the critics must not share
    parameters, so one double-backward pass serves them all. ``rand(*shape)``
    draws uniform noise.
    """
    points = {}
    for name, (real, fake) in pairs.items():
        eps = rand(real.shape[0], 1)
        points[name] = (eps * real + (1 - eps) * fake).detach().requires_grad_(True)
    scores = sum(critics[name](x_hat).sum() for name, x_hat in points.items())
    grads = torch.autograd.grad(scores, list(points.values()), create_graph=True)
    return {
        name: ((grad.norm(2, dim=1) - 1) ** 2).mean() for name, grad in zip(points, grads)
    }


def wgan_gp_critic_losses(critics, pairs, rand, penalty_weight):
    """WGAN-GP losses of several critics, with one forward pass each.

    For every ``name`` with ``pairs[name] = (real, fake)`` the loss is
    ``E[D(fake)] - E[D(real)] + penalty_weight * E[(||grad D(x_hat)|| - 1)^2]``
    with ``x_hat = eps * real + (1 - eps) * fake``, ``eps ~ U(0, 1)`` per row
    (Gulrajani et al., 2017). Real, fake and interpolated rows go through a
    critic as one batch (rows are scored independently), and the critics,
    which share no parameters, get their penalties from one double-backward
    pass. ``rand(*shape)`` draws uniform noise.
    """
    scores, points = {}, {}
    for name, (real, fake) in pairs.items():
        eps = rand(real.shape[0], 1)
        fake = fake.detach()
        x_hat = (eps * real + (1 - eps) * fake).detach().requires_grad_(True)
        scores[name] = critics[name](torch.cat([real, fake, x_hat])).split(len(real))
        points[name] = x_hat
    total = sum(score[2].sum() for score in scores.values())
    grads = torch.autograd.grad(total, list(points.values()), create_graph=True)
    return {
        name: critic_loss(scores[name][0], scores[name][1])
        + penalty_weight * ((grad.norm(2, dim=1) - 1) ** 2).mean()
        for name, grad in zip(points, grads)
    }


def zero_centred_penalty(critic, real):
    """Zero-centred penalty ``E[||grad D(x)||^2]`` at real points.

    Mescheder et al. (2018), the R1 regulariser that HexaGAN uses for its
    conditional critic.
    """
    real = real.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(real).sum(), real, create_graph=True)
    return grad.pow(2).sum(dim=1).mean()


def scale_grad(x, factor):
    """Identity in the forward pass; multiplies the gradient by ``factor``.

    Lets one backward pass give different networks differently weighted
    shares of a common loss term.
    """
    return x * factor + x.detach() * (1 - factor)


def apply_gradients(loss, networks, optimizers):
    """One backward pass of ``loss``, then an optimiser step of each network.

    ``networks`` and ``optimizers`` are dicts with the same keys; only those
    networks' parameters receive gradients.
    """
    params = [list(networks[name].parameters()) for name in optimizers]
    grads = torch.autograd.grad(loss, [p for group in params for p in group])
    flat = iter(grads)
    for group, optimizer in zip(params, optimizers.values()):
        for param in group:
            param.grad = next(flat)
        optimizer.step()


def mask_data(x, mask, tau=0.0):
    """MisGAN's masking operator ``f_tau(x, m) = m * x + (1 - m) * tau``."""
    return mask * x + (1 - mask) * tau


def fill_missing(x, mask, noise):
    """Observed entries of ``x`` with ``noise`` where ``mask`` is 0."""
    return mask * x + (1 - mask) * noise


def masked_column_means(values, weights):
    """Per-column weighted means ``sum_b w_bi v_bi / sum_b w_bi``.

    A column without weight in the batch gets 0 instead of a division by
    zero. Used by the element-wise (per-feature) adversarial losses, where
    ``weights`` is the mask of real (or of fake) entries.
    """
    return (values * weights).sum(dim=0) / weights.sum(dim=0).clamp_min(1.0)


def elementwise_critic_loss(scores, real_mask):
    """Element-wise Wasserstein critic loss, to be minimised.

    Every output column ``i`` of the critic scores its own element:
    ``E[D_i | m_i = 0] - E[D_i | m_i = 1]`` per column, averaged over the
    columns (HexaGAN, eq. 4; GAIN-style element-wise discrimination).
    """
    fake = masked_column_means(scores, 1.0 - real_mask)
    real = masked_column_means(scores, real_mask)
    return (fake - real).mean()


def elementwise_generator_loss(scores, real_mask):
    """``-E[D_i | m_i = 0]`` averaged over the columns (HexaGAN, eq. 3)."""
    return -masked_column_means(scores, 1.0 - real_mask).mean()


def elementwise_zero_centred_penalty(scores, inputs, real_mask):
    """Element-wise zero-centred gradient penalty at real entries.

    ``mean_i E_{b: m_bi = 1} ||grad_x D(x_b)_i||^2`` (HexaGAN, eq. 6): the
    gradient of each output column is penalised only on the rows whose
    element ``i`` is real. ``scores = critic(inputs)`` must come from an
    ``inputs`` tensor that requires grad, so the critic loss and the penalty
    share one forward pass.

    The per-row, per-output gradients form the batch of Jacobians
    ``(n_outputs, n_rows, n_inputs)``; they are computed by one vectorised
    backward pass (``is_grads_batched``, i.e. ``torch.vmap`` over the
    one-hot output directions) instead of one backward per output column:
    rows are independent, so the gradient of ``sum_b D(x_b)_i`` is the
    stack of the per-row gradients.
    """
    n_rows, n_out = scores.shape
    directions = torch.eye(n_out, dtype=scores.dtype, device=scores.device)
    directions = directions.unsqueeze(1).expand(n_out, n_rows, n_out)
    (jacobian,) = torch.autograd.grad(
        scores, inputs, grad_outputs=directions, is_grads_batched=True, create_graph=True
    )
    squared_norms = jacobian.pow(2).sum(dim=-1).T  # (n_rows, n_outputs)
    return masked_column_means(squared_norms, real_mask).mean()
