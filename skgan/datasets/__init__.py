"""Missingness simulation and loaders of offline benchmark data.

Amputation helpers remove entries of a complete matrix at a given rate,
missing completely at random (:func:`make_mcar`), at random given observed
features (:func:`make_mar`) or not at random (:func:`make_mnar`). The
loaders read data sets that the benchmark set-up installs from package
registries (never from websites at run time) and say what to install when
a source is absent.
"""

from ._amputation import make_mar, make_mcar, make_mnar
from ._loaders import (
    load_births14,
    load_credit_data,
    load_fashion_mnist,
    load_letter,
    load_slid,
    load_spambase,
    make_madelon_like,
)

__all__ = [
    "load_births14",
    "load_credit_data",
    "load_fashion_mnist",
    "load_letter",
    "load_slid",
    "load_spambase",
    "make_madelon_like",
    "make_mar",
    "make_mcar",
    "make_mnar",
]
