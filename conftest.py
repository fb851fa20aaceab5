"""Test-session settings shared by every test file.

The suite runs with ``pytest -n 2`` on two cores: each worker gets one
OpenMP thread, otherwise torch's default of one thread per core
oversubscribes the machine and spin-waiting threads make small fits orders
of magnitude slower. This must be set before torch is imported.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _small_forest_member(monkeypatch):
    """The GAN imputers' "forest" blend member with 3 trees instead of 50 (30 on mixed tables):
    tests check behaviour, and 30 trees x 5 rounds x 2 fits per imputer fit
    would triple the suite's time (``benchmarks/`` measures quality)."""
    from skgan.impute import _blend

    monkeypatch.setattr(_blend, "FOREST_TREES", 3)
    monkeypatch.setattr(_blend, "ORDINAL_FOREST_TREES", 3)
