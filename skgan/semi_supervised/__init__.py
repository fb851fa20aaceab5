"""Semi-supervised GAN classifiers."""

from ._hexagan import HexaGANClassifier

__all__ = ["HexaGANClassifier"]
