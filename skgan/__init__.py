"""skgan: GAN methods for dirty tabular data as scikit-learn estimators."""

from .impute import GAINImputer, HexaGANImputer, MisGANImputer
from .over_sampling import GAMOClassifier, GAMOResampler
from .semi_supervised import HexaGANClassifier

__version__ = "0.1.0.dev0"

__all__ = [
    "GAINImputer",
    "GAMOClassifier",
    "GAMOResampler",
    "HexaGANClassifier",
    "HexaGANImputer",
    "MisGANImputer",
    "__version__",
]
