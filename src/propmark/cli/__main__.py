"""``python -m propmark.cli``: the same as the ``propmark`` command."""

from propmark.cli import app

app()
