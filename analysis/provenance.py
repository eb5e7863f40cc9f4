"""Provenance of every figure: data version and checksum, parameters, code version, run time."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.paths import PROJECT_ROOT


def sha256_of(path: Path, chunk_bytes: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def git_commit() -> str | None:
    """The checkout's commit, with '+dirty' when the package has uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain", "--", "analysis"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty else "")


def code_version() -> dict[str, Any]:
    return {"package": "airdef-analysis", "version": __version__, "git_commit": git_commit(),
            "python": platform.python_version()}


def file_provenance(path: Path | None) -> dict[str, Any] | None:
    """Name, size, checksum and (where a fetch wrote one) the source and version of a data file."""
    if path is None:
        return None
    path = Path(path)
    info: dict[str, Any] = {"file": path.name, "bytes": path.stat().st_size, "sha256": sha256_of(path)}
    fetched = path.parent / "PROVENANCE.json"  # written by `data fetch` beside the files it got
    if fetched.is_file():
        try:
            meta = json.loads(fetched.read_text())
            info["source"] = meta.get("source")
            info["version"] = meta.get("version")
            info["accessed"] = meta.get("accessed")
        except (OSError, ValueError):
            info["source"] = "unreadable PROVENANCE.json"
    return info


def provenance(
    parameters: dict[str, Any] | None = None,
    data_files: dict[str, Path | None] | None = None,
) -> dict[str, Any]:
    """Everything a reader needs to reproduce a figure."""
    return {
        "parameters": parameters or {},
        "data": {role: file_provenance(p) for role, p in (data_files or {}).items()},
        "code": code_version(),
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
