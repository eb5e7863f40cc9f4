"""Every path the project uses, anchored on the project root, and runtime state kept inside it."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
EXTERNAL_DIR = DATA_DIR / "external"  # the fetched public record (ignored by git)
INTERIM_DIR = DATA_DIR / "interim"  # derived tables (ignored by git)
SCENARIO_DIR = DATA_DIR / "scenarios"
CLAIMS_DIR = DATA_DIR / "claims"
GRID_DIR = DATA_DIR / "grids"
NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
REPORT_DIR = PROJECT_ROOT / "reports"
CACHE_DIR = PROJECT_ROOT / ".cache"  # runtime state of matplotlib, IPython and Jupyter

# Where the development snapshots sit beside a checkout (not part of the project).
SHARED_RECORD_DIR = PROJECT_ROOT.parent / "shared" / "data" / "public-record"

RECORD_ENV = "AIRDEF_RECORD"
CATALOGUE_ENV = "AIRDEF_CATALOGUE"

_RUNTIME_DIRS = {
    "MPLCONFIGDIR": "matplotlib",
    "IPYTHONDIR": "ipython",
    "JUPYTER_CONFIG_DIR": "jupyter/config",
    "JUPYTER_DATA_DIR": "jupyter/data",
    "JUPYTER_RUNTIME_DIR": "jupyter/runtime",
}


def keep_runtime_state_in_project() -> None:
    """Point matplotlib, IPython and Jupyter state under `.cache/` unless the user chose otherwise."""
    for variable, sub in _RUNTIME_DIRS.items():
        os.environ.setdefault(variable, str(CACHE_DIR / sub))
        # The Makefile sets these without creating them; IPython falls back to a temporary
        # directory (and warns) when the folder is missing.
        with contextlib.suppress(OSError):
            Path(os.environ[variable]).mkdir(parents=True, exist_ok=True)
