"""GAN imputers."""

from ._gain import GAINImputer
from ._hexagan import HexaGANImputer
from ._misgan import MisGANImputer

__all__ = ["GAINImputer", "HexaGANImputer", "MisGANImputer"]
