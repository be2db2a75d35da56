"""Errors that are the user's to fix: the CLI prints them as one clear line, never a traceback."""


class PropmarkError(Exception):
    """A problem with the user's input, configuration or environment."""


class DataError(PropmarkError):
    """A labeled-data file is malformed; the message names the file and line."""


class ModelError(PropmarkError):
    """A model folder or base encoder is missing, incomplete or incompatible."""
