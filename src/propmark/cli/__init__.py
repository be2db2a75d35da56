"""The ``propmark`` command line: one module per command, each a thin wrapper over importable functions.

train, score, check, eval, report, fit-credibility, import, outlet. The functions behind them are
the public Python API (``propmark.score_paths``, ``propmark.Predictor``, ``propmark.train``).
"""

from propmark.cli import check, credibility, evaluate, importer, outlets, report, score, train  # noqa: F401  (registers the commands)
from propmark.cli._util import app

__all__ = ["app"]
