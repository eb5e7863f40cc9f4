"""Errors the command line reports in one clear message, without a traceback."""

from __future__ import annotations


class AnalysisError(Exception):
    """A problem the user can fix: bad input, missing file, offline fetch."""

    exit_code = 1


class RecordError(AnalysisError):
    """The record file (or its catalogue) cannot be read or fails validation."""


class RecordNotFoundError(RecordError):
    """No record was given and none has been fetched."""

    exit_code = 3


class ScenarioError(AnalysisError):
    """A scenario or grid file is invalid."""


class ParameterError(AnalysisError):
    """A notebook parameter is unknown, of the wrong type or out of range."""
