"""Shared fixtures: the public-record snapshots beside the checkout (skipped where absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.paths import SHARED_RECORD_DIR, keep_runtime_state_in_project

keep_runtime_state_in_project()

CURRENT_SNAPSHOT = "missile_attacks_daily_2026-06-07.csv"
OLDER_SNAPSHOT = "missile_attacks_daily_2025-03-30_older_schema.csv"
CATALOGUE_SNAPSHOT = "missiles_and_uavs_2026-06-07.csv"


def _snapshot(name: str) -> Path:
    path = SHARED_RECORD_DIR / name
    if not path.is_file():
        pytest.skip(f"public-record snapshot {name} not found in {SHARED_RECORD_DIR}")
    return path


@pytest.fixture(scope="session")
def record_path() -> Path:
    """The current-schema snapshot (2026-06-07)."""
    return _snapshot(CURRENT_SNAPSHOT)


@pytest.fixture(scope="session")
def older_record_path() -> Path:
    """The older-schema snapshot (2025-03-30, 17 columns)."""
    return _snapshot(OLDER_SNAPSHOT)


@pytest.fixture(scope="session")
def catalogue_path() -> Path:
    return _snapshot(CATALOGUE_SNAPSHOT)
