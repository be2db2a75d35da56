"""propmark: sentence-level propaganda markers and source credibility for news text.

The public API (the CLI is a thin layer over these)::

    import propmark
    predictor = propmark.load_model()                    # the shipped model, or a folder
    for result in predictor.score_texts(["Experten zufolge ..."]):
        print(result.lang, [(u.text, u.labels) for u in result.sentences])
    summary = propmark.score_paths(["crawl/"], "scored.jsonl", resume=True)
    propmark.train(propmark.TrainConfig.load(overrides_file, output="my-model"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.2.0"
__all__ = ["Predictor", "Result", "TrainConfig", "load_model", "score_paths", "train", "__version__"]

if TYPE_CHECKING:
    from propmark.batch import score_paths
    from propmark.config.schemas import TrainConfig
    from propmark.pipeline import Predictor
    from propmark.result import Result
    from propmark.training.loop import train


def load_model(model_dir=None, precision=None, credibility=True):
    """A ``Predictor`` for a model folder (default: the shipped model)."""
    from propmark.pipeline import Predictor

    return Predictor.load(model_dir, precision, credibility=credibility)


def __getattr__(name: str):
    """Import lazily: ``import propmark`` must not pull in torch for a config check or a report."""
    if name == "Predictor":
        from propmark.pipeline import Predictor as value
    elif name == "Result":
        from propmark.result import Result as value
    elif name == "TrainConfig":
        from propmark.config.schemas import TrainConfig as value
    elif name == "score_paths":
        from propmark.batch import score_paths as value
    elif name == "train":
        from propmark.training.loop import train as value
    else:
        raise AttributeError(f"module 'propmark' has no attribute {name!r}")
    return value
