"""Shared fixtures: the public-record snapshots beside the checkout (skipped where absent), and the
synthetic sample record shipped in data/sample/ (always there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.paths import SHARED_RECORD_DIR, keep_runtime_state_in_project
from analysis.record import SAMPLE_RECORD

keep_runtime_state_in_project()

CURRENT_SNAPSHOT = "missile_attacks_daily_2026-06-07.csv"
OLDER_SNAPSHOT = "missile_attacks_daily_2025-03-30_older_schema.csv"
CATALOGUE_SNAPSHOT = "missiles_and_uavs_2026-06-07.csv"


def snapshot_path(name: str) -> Path | None:
    """A public-record snapshot beside the checkout, or None where there is none (a fresh clone)."""
    path = SHARED_RECORD_DIR / name
    return path if path.is_file() else None


def _snapshot(name: str) -> Path:
    path = snapshot_path(name)
    if path is None:
        pytest.skip(f"needs the public-record snapshot {name}, which sits outside the project "
                    f"(not found in {SHARED_RECORD_DIR}); the notebook tests run on the synthetic "
                    "sample in data/sample/ instead")
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


@pytest.fixture(scope="session")
def sample_record_path() -> Path:
    """The synthetic sample record of data/sample/ (made up in the record's schema; never skipped)."""
    return SAMPLE_RECORD


@pytest.fixture(scope="session")
def notebook_record_path() -> Path:
    """The record the notebooks run on in the tests: the current snapshot where it is beside the
    checkout, else the synthetic sample, so that a fresh clone runs every notebook."""
    return snapshot_path(CURRENT_SNAPSHOT) or SAMPLE_RECORD


SNAPSHOT_FIXTURES = {"record_path", "older_record_path", "catalogue_path"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses a snapshot fixture is marked `record` (`-m "not record"` leaves them out)."""
    for item in items:
        if SNAPSHOT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.record)
