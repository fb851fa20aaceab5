"""Scratch diagnostic (2026-12-04, twelfth session): where the default
GAMOResampler puts the convex mass of its generated rows (see gamo_search.md).
For every over-sampled class: the mean weight a row keeps on its seed anchor,
the share of the generated mass on the tenth of anchors that carry most, the
share of anchors below a quarter of a uniform share, and, for comparison, the
share of seed draws on the tenth of anchors drawn most.

    python anchor_mass.py DATASET SEED [VARIANT]

VARIANT (default "default") is a ``variants.py`` variant of the resampler.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benchmarks/
import numpy as np
import torch

import bench_gamo as bg
from variants import build, seeded_weights  # this folder

# One thread, as every script here (variants.py sets it too): the trained
# generator, and so these shares, move a little with the thread count.
torch.set_num_threads(1)


def recording(cls):
    """``cls`` (a GAMOResampler) whose generation records each block's weights."""

    class Recording(cls):
        def _convex_weights(self, rt, k, noise):
            weights, local, seeds = seeded_weights(self, rt, k, noise)
            n_anchors = self.networks_["generator"].n_anchors(k)
            dense = torch.zeros(len(noise), n_anchors, dtype=torch.float64)
            dense.scatter_add_(1, local, weights)
            self.records_.setdefault(k, []).append(
                (
                    (weights * (local == seeds[:, None])).sum(1).numpy(),
                    np.bincount(seeds.numpy(), minlength=n_anchors),
                )
            )
            self.mass_[k] = self.mass_.get(k, 0) + dense.sum(0).numpy()
            return dense.numpy()


    return Recording


def top_tenth(values):
    n = max(1, len(values) // 10)
    return np.sort(values)[::-1][:n].sum() / values.sum()


def main():
    dataset, seed = sys.argv[1], int(sys.argv[2])
    variant = sys.argv[3] if len(sys.argv) > 3 else "default"
    counts, _ = bg.settings(dataset, False)
    (X, y), _, _ = bg.split(dataset, seed, counts, None)
    model = build("GAMO", variant, seed, y)
    model = recording(type(model))(**model.get_params())
    model.records_, model.mass_ = {}, {}
    model.fit_resample(X, y)
    for k, parts in model.records_.items():
        seed_weight = np.concatenate([p[0] for p in parts])
        draws = sum(p[1] for p in parts)
        mass = model.mass_[k]
        n = len(mass)
        print(
            f"class position {k}: {n} anchors, {len(seed_weight)} rows; weight on the seed "
            f"{seed_weight.mean():.2f}; mass on the top tenth {top_tenth(mass):.2f}; "
            f"anchors under a quarter of uniform {(mass / mass.sum() < 0.25 / n).mean():.2f}; "
            f"seed draws on the top tenth {top_tenth(draws):.2f}"
        )


if __name__ == "__main__":
    main()
