"""Errors the command line reports in one clear message, without a traceback.

Each error carries its exit code (the table is `analysis.cli.common.EXIT_CODES`, and the README's):
1 for bad input or a failed run, 2 for a usage error (an option or parameter the command cannot
take), 3 for a missing record. `analysis.cli.common.exit_status` is the one place that turns any
exception into a code and a line.
"""

from __future__ import annotations


class AnalysisError(Exception):
    """A problem the user can fix: bad input, missing file, offline fetch."""

    exit_code = 1


class UsageError(AnalysisError):
    """An option, parameter or setting the command cannot take (exit code 2, like argparse's own
    usage errors): an unknown parameter, a malformed `-p`, a value out of range."""

    exit_code = 2


class RecordError(AnalysisError):
    """The record file (or its catalogue) cannot be read or fails validation."""


class RecordNotFoundError(RecordError):
    """No record was given and none has been fetched."""

    exit_code = 3


class ScenarioError(AnalysisError):
    """A scenario or grid file is invalid."""


class ParameterError(AnalysisError):
    """A notebook parameter is unknown, of the wrong type or out of range (in a parameter-set
    file: bad input, exit 1)."""


class ParameterUsageError(ParameterError, UsageError):
    """A notebook parameter given on the command line (`-p`, `--params`) that the notebook does
    not take: a usage error (exit 2)."""

    exit_code = 2
