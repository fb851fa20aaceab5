"""GAN imputers."""

from ._misgan import MisGANImputer

__all__ = ["MisGANImputer"]
