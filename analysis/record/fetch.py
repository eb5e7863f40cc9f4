"""`data fetch`: the current public record into `data/external/`, atomically, with provenance.

The files are downloaded with kagglehub (no account is needed for this public data set) into the
project's `.cache/kagglehub`, checked, copied into a staging folder beside `data/external/` with a
`PROVENANCE.json`, and only then swapped in. Any failure before the swap leaves the existing copy
untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from analysis import paths
from analysis.errors import AnalysisError, RecordError
from analysis.provenance import sha256_of

DATASET = "piterfm/massive-missile-attacks-on-ukraine"
SOURCE_URL = f"https://www.kaggle.com/datasets/{DATASET}"
LICENCE = "CC BY-NC-SA 4.0 (as stated by re-publishers of the data set)"
PROVENANCE_FILE = "PROVENANCE.json"

#: A downloader takes the data set handle and returns (folder holding the files, version or None).
Downloader = Callable[[str], tuple[Path, str | None]]


class FetchError(AnalysisError):
    """The download failed or gave unusable files; the existing copy was left untouched."""

    exit_code = 4


@dataclass
class FetchResult:
    dest: Path
    files: dict[str, str]  # name -> sha256
    version: str | None
    accessed: str


def kagglehub_download(dataset: str) -> tuple[Path, str | None]:
    """Download the latest version of `dataset` with kagglehub into the project's cache."""
    os.environ.setdefault("KAGGLEHUB_CACHE", str(paths.CACHE_DIR / "kagglehub"))
    import kagglehub

    folder = Path(kagglehub.dataset_download(dataset))
    match = re.search(r"versions[/\\](\d+)", str(folder))
    return folder, match.group(1) if match else None


def fetch_record(
    dest: Path | None = None,
    downloader: Downloader | None = None,
    dataset: str = DATASET,
) -> FetchResult:
    """Fetch the record into `dest` (default `data/external/`); raise FetchError on any failure."""
    dest = Path(dest) if dest is not None else paths.EXTERNAL_DIR
    downloader = downloader or kagglehub_download
    keep_note = (
        f"the existing copy in {dest} is untouched" if dest.exists()
        else f"nothing was written to {dest}"
    )
    try:
        folder, version = downloader(dataset)
    except KeyboardInterrupt:
        raise
    except Exception as error:  # any network, HTTP or library failure: say why, keep the copy
        detail = " ".join(str(error).split()) or type(error).__name__
        if _looks_offline(error):
            host = re.search(r"host='([^']+)'|resolve '([^']+)'", detail)
            where = next((g for g in host.groups() if g), "the host") if host else "the host"
            reason = f"could not resolve or reach {where} (offline?)"
        else:
            reason = f"{type(error).__name__}: {detail[:300]}"
        raise FetchError(
            f"download of {dataset} failed: {reason}; {keep_note}. "
            "Check the network connection, or use a local file with --record PATH."
        ) from None
    folder = Path(folder)
    csv_files = sorted(p for p in folder.rglob("*.csv") if p.is_file()) if folder.is_dir() else []
    records = [p for p in csv_files if p.name.startswith("missile_attacks_daily")]
    catalogues = [p for p in csv_files if p.name.startswith("missiles_and_uavs")]
    if not records or not catalogues:
        found = ", ".join(p.name for p in csv_files) or "no CSV files"
        raise FetchError(
            f"the download of {dataset} holds no missile_attacks_daily*.csv and "
            f"missiles_and_uavs*.csv (found: {found}); {keep_note}"
        )
    _check_downloaded(records, catalogues, keep_note)

    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-staging-", dir=dest.parent))
    try:
        files: dict[str, str] = {}
        for source in csv_files:
            target = staging / source.name
            shutil.copyfile(source, target)
            files[source.name] = sha256_of(target)
        accessed = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        provenance = {
            "source": SOURCE_URL,
            "dataset": dataset,
            "version": version,
            "accessed": accessed,
            "licence": LICENCE,
            "files": [{"name": name, "sha256": digest} for name, digest in files.items()],
        }
        (staging / PROVENANCE_FILE).write_text(json.dumps(provenance, indent=2) + "\n")
        _swap_in(staging, dest)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise FetchError(f"could not write the fetched files ({error}); {keep_note}") from None
    return FetchResult(dest=dest, files=files, version=version, accessed=accessed)


def _check_downloaded(records: list[Path], catalogues: list[Path], keep_note: str) -> None:
    """Refuse a download that is not a readable record (empty, HTML error page, wrong columns)."""
    from analysis.record.read import check_header, sniff_text_file

    try:
        for record in records:
            check_header(record, sniff_text_file(record))
        for catalogue in catalogues:
            header = sniff_text_file(catalogue, "weapon catalogue")
            check_header(catalogue, header, ("model", "category"))
    except RecordError as error:
        raise FetchError(f"the downloaded files are not usable: {error}; {keep_note}") from None


def _swap_in(staging: Path, dest: Path) -> None:
    """Replace `dest` by `staging` with renames (on one file system), keeping the old copy until
    the new one is in place."""
    backup = None
    if dest.exists():
        backup = dest.with_name(f".{dest.name}-previous-{os.getpid()}")
        if backup.exists():
            shutil.rmtree(backup)
        dest.rename(backup)
    try:
        staging.rename(dest)
    except OSError:
        if backup is not None:
            backup.rename(dest)  # put the old copy back
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def describe(result: FetchResult) -> str:
    lines = [f"fetched {DATASET} (version {result.version or 'unknown'}) into {result.dest}"]
    lines += [f"  {name}  sha256 {digest}" for name, digest in result.files.items()]
    lines.append(f"  provenance: {result.dest / PROVENANCE_FILE}")
    return "\n".join(lines)


def _looks_offline(error: BaseException) -> bool:
    """A failure to resolve or reach the host, whichever HTTP library raised it."""
    names = {type(e).__name__ for e in (error, error.__cause__, error.__context__) if e}
    text = str(error)
    return isinstance(error, ConnectionError | TimeoutError) or any(
        marker in name or marker in text
        for name in names
        for marker in ("ConnectionError", "NameResolution", "Max retries exceeded", "gaierror")
    )
