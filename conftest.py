"""Test-session settings shared by every test file.

The suite runs with ``pytest -n 2`` on two cores: each worker gets one
OpenMP thread, otherwise torch's default of one thread per core
oversubscribes the machine and spin-waiting threads make small fits orders
of magnitude slower. This must be set before torch is imported.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
