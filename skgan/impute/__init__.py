"""GAN imputers."""

from ._hexagan import HexaGANImputer
from ._misgan import MisGANImputer

__all__ = ["HexaGANImputer", "MisGANImputer"]
