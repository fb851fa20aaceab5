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
    output : str, torch.nn.Module or None
        Activation after the last layer (``None`` for raw logits), or a
        module applied there (the grouped head of a mixed table, see
        :class:`~skgan._schema.GroupedSoftmax`).
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
        if isinstance(name, nn.Module):
            layers.append(name)
        elif ACTIVATIONS[name] is not None:
            layers.append(ACTIVATIONS[name]())
        if batch_norm and not last:
            layers.append(nn.BatchNorm1d(n_out, dtype=torch.float32))
    return nn.Sequential(*layers)


class StackedMLP(nn.Module):
    """``n_members`` independent MLPs of the same shape, run as one.

    Member ``k`` maps ``x[k]`` of shape ``(batch, sizes[0])`` to
    ``(batch, sizes[-1])``; all members are evaluated by batched matrix
    products, which on small networks costs little more than one of them.
    Weights are Xavier-uniform per member, drawn from ``generator``.
    """

    def __init__(self, n_members, sizes, *, generator):
        super().__init__()
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            weight = torch.empty(n_members, n_in, n_out, dtype=torch.float32)
            for member in weight:
                # xavier_uniform_ reads (fan_out, fan_in) from the last two dims.
                nn.init.xavier_uniform_(member.T, generator=generator)
            self.weights.append(nn.Parameter(weight))
            self.biases.append(
                nn.Parameter(torch.zeros(n_members, 1, n_out, dtype=torch.float32))
            )

    def forward(self, x):
        """Outputs of every member: ``x`` is ``(n_members, batch, n_in)``."""
        n_layers = len(self.weights)
        for i, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            x = torch.baddbmm(bias, x, weight)
            if i < n_layers - 1:
                x = torch.relu(x)
        return x

    def member(self, k, x):
        """Output of member ``k`` alone: ``x`` is ``(batch, n_in)``."""
        n_layers = len(self.weights)
        for i, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            x = torch.addmm(bias[k], x, weight[k])
            if i < n_layers - 1:
                x = torch.relu(x)
        return x


def critic_loss(real_scores, fake_scores):
    """Wasserstein critic loss ``E[D(fake)] - E[D(real)]`` (to be minimised)."""
    return fake_scores.mean() - real_scores.mean()


def wgan_gp_critic_losses(critics, real, fake, rand, penalty_weight):
    """WGAN-GP losses of the members of a :class:`StackedMLP` critic.

    ``real`` and ``fake`` have shape ``(n_members, batch, n_features)``. For
    member ``k`` the loss is ``E[D_k(fake_k)] - E[D_k(real_k)] +
    penalty_weight * E[(||grad D_k(x_hat)|| - 1)^2]`` with ``x_hat = eps *
    real_k + (1 - eps) * fake_k``, ``eps ~ U(0, 1)`` per row (Gulrajani et
    al., 2017). Real, fake and interpolated rows go through the critics in one
    pass (rows are scored independently). ``rand(*shape)`` draws uniform
    noise. Returns the ``n_members`` losses.
    """
    fake = fake.detach()
    eps = rand(real.shape[0], real.shape[1], 1)
    x_hat = (eps * real + (1 - eps) * fake).detach().requires_grad_(True)
    scores_real, scores_fake, scores_hat = critics(
        torch.cat([real, fake, x_hat], dim=1)
    ).split(real.shape[1], dim=1)
    (grad,) = torch.autograd.grad(scores_hat.sum(), x_hat, create_graph=True)
    penalty = ((grad.norm(2, dim=2) - 1) ** 2).mean(dim=1)
    return scores_fake.mean(dim=(1, 2)) - scores_real.mean(dim=(1, 2)) + (
        penalty_weight * penalty
    )


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
            # Gradients from double backward can be strided views, which
            # torch's fused CPU Adam silently mis-steps: give it dense ones.
            param.grad = next(flat).contiguous()
        optimizer.step()


def mask_data(x, mask, tau=0.0):
    """MisGAN's masking operator ``f_tau(x, m) = m * x + (1 - m) * tau``."""
    return mask * x + (1 - mask) * tau


def fill_missing(x, mask, noise):
    """Observed entries of ``x`` with ``noise`` where ``mask`` is 0."""
    return mask * x + (1 - mask) * noise


def masked_mse(predicted, target, mask):
    """Mean squared error over the entries where ``mask`` is 1 (0 if none)."""
    return ((predicted - target) ** 2 * mask).sum() / mask.sum().clamp_min(1.0)


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


def projected_zero_centred_penalty(scores, inputs, real_mask, uniform):
    """Unbiased estimate of :func:`elementwise_zero_centred_penalty` from one
    backward pass.

    The exact penalty is ``sum_{b,i} w_bi ||J_bi||^2`` with ``J_bi`` the
    gradient of output ``i`` at row ``b`` and ``w_bi = m_bi / (n_out
    sum_b' m_b'i)``. For a Rademacher vector ``v_b`` (``E[v v^T] = I``),
    ``E ||J_b^T (sqrt(w_b) * v_b)||^2 = sum_i w_bi ||J_bi||^2`` (Hutchinson's
    trace estimator), so one vector-Jacobian product per row gives an
    unbiased estimate of the penalty and of its gradient in the critic's
    weights, at the cost of an ordinary gradient penalty instead of one
    backward per output. ``uniform`` (the shape of ``scores``, values in
    [0, 1)) draws the signs.
    """
    n_out = scores.shape[1]
    weights = real_mask / (real_mask.sum(dim=0).clamp_min(1.0) * n_out)
    signs = torch.where(uniform < 0.5, -1.0, 1.0).to(scores.dtype)
    (gradient,) = torch.autograd.grad(
        scores, inputs, grad_outputs=weights.sqrt() * signs, create_graph=True
    )
    return gradient.pow(2).sum()


def mlp_input_gradient(net, x):
    """Outputs of a ReLU MLP and the gradient of their row sums in ``x``.

    For a :func:`make_mlp` network of ``Linear`` layers with ReLU (or leaky
    ReLU) hidden activations and no output activation, the gradient of row
    ``b`` is the product ``1^T W_L S_{L-1,b} W_{L-1} ... S_{1,b} W_1`` with
    ``S_{l,b}`` the diagonal of activation slopes at that row, built from
    the forward pass. It is differentiable in the weights, so a zero-centred
    penalty on it needs one ordinary backward pass instead of a
    double-backward; the slopes are piecewise constant, so that gradient is
    exactly the one double back-propagation gives.

    Returns
    -------
    outputs : Tensor of shape (n_rows, n_outputs)
    gradient : Tensor of shape (n_rows, n_inputs)
    """
    h, linears, gates = x, [], []
    for layer in net:
        if isinstance(layer, nn.Linear):
            h = layer(h)
            linears.append(layer.weight)
        elif isinstance(layer, (nn.ReLU, nn.LeakyReLU)):
            slope = layer.negative_slope if isinstance(layer, nn.LeakyReLU) else 0.0
            gates.append(torch.where(h > 0, 1.0, slope).to(h.dtype))
            h = layer(h)
        else:
            raise TypeError(
                f"mlp_input_gradient supports Linear and ReLU layers, got {layer!r}."
            )
    grad = linears[-1].sum(dim=0).expand(x.shape[0], -1)
    for weight, gate in zip(reversed(linears[:-1]), reversed(gates)):
        grad = (grad * gate) @ weight
    return h, grad
