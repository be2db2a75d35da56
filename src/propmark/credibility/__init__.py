"""Article credibility: marker features and outlet facts -> a calibrated score with its reasons."""

from propmark.credibility.model import CredibilityModel, load_for

__all__ = ["CredibilityModel", "load_for"]
