"""skgan: GAN methods for dirty tabular data as scikit-learn estimators."""

from .impute import MisGANImputer

__version__ = "0.1.0.dev0"

__all__ = ["MisGANImputer", "__version__"]
