"""Where the record and its weapon catalogue are: the one place that decides which files are read.

In order: an explicit path (`--record PATH`, `RECORD=PATH` for make, the `record` notebook
parameter), then `$AIRDEF_RECORD`, then the newest `missile_attacks_daily*.csv` fetched into
`data/external/`. The catalogue: an explicit path, then `$AIRDEF_CATALOGUE`, then the file beside
the record whose name starts with `missiles_and_uavs`.
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis import paths
from analysis.errors import RecordError, RecordNotFoundError

RECORD_GLOB = "missile_attacks_daily*.csv"
CATALOGUE_PREFIX = "missiles_and_uavs"

# The synthetic sample record shipped with the project (data/sample/README.md): made up in the
# record's schema so that a fresh clone can run every notebook. Never read unless asked for.
SAMPLE_DIR = paths.DATA_DIR / "sample"
SAMPLE_RECORD = SAMPLE_DIR / "missile_attacks_daily_sample.csv"
SAMPLE_CATALOGUE = SAMPLE_DIR / "missiles_and_uavs_sample.csv"


def is_sample_record(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is the synthetic sample record (by its file name, so a copy still counts)."""
    return Path(path).name == SAMPLE_RECORD.name


def resolve_record_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The attack file to read: `path`, else $AIRDEF_RECORD, else the newest fetched copy.

    The fetched copy is the newest `missile_attacks_daily*.csv` in `data/external/`.
    """
    if path is not None and str(path) != "":
        return _existing_file(Path(path), "record file")
    from_env = os.environ.get(paths.RECORD_ENV, "")
    if from_env:
        return _existing_file(Path(from_env), f"record file (from ${paths.RECORD_ENV})")
    candidates = sorted(
        (p for p in paths.EXTERNAL_DIR.glob(RECORD_GLOB) if p.is_file()),
        key=lambda p: (p.stat().st_mtime, p.name),
    )
    if candidates:
        return candidates[-1]
    raise RecordNotFoundError(
        f"no record file: none given and none fetched into {paths.EXTERNAL_DIR}. "
        "Fetch the public record with `python -m analysis data fetch` (or `make data-fetch`), "
        f"or point to a file with --record PATH, RECORD=PATH for make, or ${paths.RECORD_ENV}."
    )


def resolve_catalogue_path(
    record_path: str | os.PathLike[str], catalogue: str | os.PathLike[str] | None = None
) -> Path:
    """The weapon catalogue: `catalogue`, else $AIRDEF_CATALOGUE, else the file beside the record
    whose name starts with `missiles_and_uavs` (the one sharing the record's date suffix first)."""
    if catalogue is not None and str(catalogue) != "":
        return _existing_file(Path(catalogue), "weapon catalogue")
    from_env = os.environ.get(paths.CATALOGUE_ENV, "")
    if from_env:
        return _existing_file(Path(from_env), f"weapon catalogue (from ${paths.CATALOGUE_ENV})")
    record_path = Path(record_path)
    beside = sorted(
        p for p in record_path.parent.glob(f"{CATALOGUE_PREFIX}*") if p.is_file()
    )
    if not beside:
        raise RecordError(
            f"no weapon catalogue beside {record_path}: expected a file named "
            f"{CATALOGUE_PREFIX}*.csv in {record_path.parent}. Give one with --catalogue PATH "
            f"(or ${paths.CATALOGUE_ENV}), or fetch the record with `python -m analysis data fetch`."
        )
    suffix = record_path.stem.removeprefix("missile_attacks_daily")
    same_suffix = [p for p in beside if p.stem.removeprefix(CATALOGUE_PREFIX) == suffix]
    if same_suffix:
        return same_suffix[0]
    return max(beside, key=lambda p: (p.stat().st_mtime, p.name))


def _existing_file(path: Path, what: str) -> Path:
    if not path.exists():
        raise RecordError(f"{what} not found: {path}")
    if not path.is_file():
        raise RecordError(f"{what} is not a file: {path}")
    return path



def find_record(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The record `resolve_record_path` would read, resolved; None when there is none at all.

    An explicit path or `$AIRDEF_RECORD` naming a missing file is still an error."""
    if (explicit is not None and str(explicit) != "") or os.environ.get(paths.RECORD_ENV):
        return resolve_record_path(explicit).resolve()
    try:
        return resolve_record_path(None).resolve()
    except RecordNotFoundError:
        return None
