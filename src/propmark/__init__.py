"""propmark: sentence-level propaganda and source-credibility markers for news text."""

__version__ = "0.1.0"
