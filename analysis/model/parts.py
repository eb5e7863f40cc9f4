"""Resumable tables: finished rows kept one parquet part per task beside the output.

A long computation (an exploration) writes the rows of each finished task to
`OUTPUT.parts/<prefix>-<name>.parquet` at once. A rerun reads them (and an earlier `OUTPUT`), keeps
the rows whose key it still wants and whose status is "ok", and computes only the rest. At the
end the whole table replaces `OUTPUT` atomically and the parts are removed. A torn or foreign
part is recomputed, never trusted; nothing but the parts this store wrote is deleted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.io import atomic_write_bytes


def parts_dir(output: Path) -> Path:
    return output.with_name(output.name + ".parts")


class PartStore:
    """Parts of the table at `output` (None: keep nothing), rows keyed by `key_column`."""

    def __init__(self, output: str | Path | None, key_column: str, prefix: str) -> None:
        self.output = Path(output) if output is not None else None
        self.key_column = key_column
        self.prefix = prefix

    @property
    def directory(self) -> Path | None:
        return parts_dir(self.output) if self.output is not None else None

    def finished(self, wanted: set[str]) -> dict[str, dict[str, Any]]:
        """Rows already computed (status ok) for the keys in `wanted`: parts first, then OUTPUT."""
        if self.output is None:
            return {}
        found: dict[str, dict[str, Any]] = {}
        sources: list[Path] = sorted(self.directory.glob(f"{self.prefix}-*.parquet"))
        if self.output.is_file():
            sources.append(self.output)
        for source in sources:
            try:
                frame = pd.read_parquet(source)
            except Exception:  # noqa: BLE001 - a torn or foreign file is recomputed, not trusted
                continue
            if self.key_column not in frame or "status" not in frame:
                continue
            for record in frame.to_dict("records"):
                key = record.get(self.key_column)
                if key in wanted and record.get("status") == "ok" and key not in found:
                    found[key] = record
        return found

    def prepare(self) -> None:
        """Create the folder of the parts (and of the output)."""
        if self.output is not None:
            self.directory.mkdir(parents=True, exist_ok=True)

    def write(self, name: str, rows: Iterable[dict[str, Any]]) -> None:
        """Keep the rows of one finished task."""
        if self.output is not None:
            atomic_write_bytes(self.directory / f"{self.prefix}-{name}.parquet",
                               pd.DataFrame(list(rows)).to_parquet(index=False))

    def publish(self, table: pd.DataFrame) -> None:
        """Write the whole table to OUTPUT atomically, then remove the parts."""
        if self.output is None:
            return
        atomic_write_bytes(self.output, table.to_parquet(index=False))
        directory = self.directory
        if directory.is_dir():
            for part in directory.glob(f"{self.prefix}-*.parquet"):
                part.unlink(missing_ok=True)
            for leftover in directory.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # something else is in there: leave it
                directory.rmdir()
