"""GAN over-samplers for imbalanced classification."""

from ._gamo import GAMOClassifier, GAMOResampler

__all__ = ["GAMOClassifier", "GAMOResampler"]
