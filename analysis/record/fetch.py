"""`data fetch`: the current public record into `data/external/`, with provenance, destroying nothing.

The files are downloaded with kagglehub (no account is needed for this public data set) into the
project's `.cache/kagglehub`, checked, and copied into a hidden staging folder inside the
destination with a `PROVENANCE.json` listing each file and its checksum. Only when that new copy is
complete are the files moved in, one rename each; the previous version of each file is kept aside
until all are in place, and put back if anything fails (or on Ctrl-C).

The command replaces only its own files: those the previous fetch listed in `PROVENANCE.json`,
unchanged since. Other files in `data/external/` are left alone; a file of the same name that the
command did not write, or a fetched file edited since, stops it with a message, as does a `--dest`
folder holding anything it did not write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
from analysis.io import file_lock
from analysis.provenance import sha256_of

DATASET = "piterfm/massive-missile-attacks-on-ukraine"
SOURCE_URL = f"https://www.kaggle.com/datasets/{DATASET}"
LICENCE = "CC BY-NC-SA 4.0 (as stated by re-publishers of the data set)"
PROVENANCE_FILE = "PROVENANCE.json"
STAGING_PREFIX = ".fetch-staging-"  # inside the destination: the new copy before it is moved in

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
    """Fetch the record into `dest` (default `data/external/`); raise FetchError on any failure.

    A `dest` other than the default must be missing, empty, or hold only what an earlier fetch
    wrote there."""
    default = paths.EXTERNAL_DIR
    dest = Path(dest) if dest is not None else default
    shared_folder = dest.resolve() == default.resolve()
    downloader = downloader or kagglehub_download
    keep_note = (
        f"the existing copy in {dest} is untouched" if dest.exists()
        else f"nothing was written to {dest}"
    )
    with file_lock(_lock_path(dest)):
        previous = _own_files(dest, strict=not shared_folder)
        folder, version = _download(dataset, downloader, keep_note)
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
        names = [p.name for p in csv_files]
        if len(set(names)) != len(names):
            raise FetchError(f"the download of {dataset} holds two files of one name; {keep_note}")
        collisions = [n for n in names if (dest / n).exists() and n not in previous]
        if collisions:
            raise FetchError(
                f"{dest} already holds {', '.join(collisions)}, which `data fetch` did not write; "
                f"move it away (or fetch into another folder with --dest); {keep_note}"
            )
        dest.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=dest))
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
            _move_in(staging, dest, [*files, PROVENANCE_FILE], previous)
        except OSError as error:
            raise FetchError(f"could not write the fetched files ({error}); {keep_note}") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return FetchResult(dest=dest, files=files, version=version, accessed=accessed)


def _lock_path(dest: Path) -> Path:
    """One fetch at a time into a folder (the lock lives in the project's cache, not in `dest`)."""
    key = hashlib.sha256(str(dest.resolve()).encode()).hexdigest()[:16]
    return paths.CACHE_DIR / "locks" / f"fetch-{key}.lock"


def _download(dataset: str, downloader: Downloader, keep_note: str) -> tuple[Path, str | None]:
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
    return Path(folder), version


def _own_files(dest: Path, strict: bool) -> dict[str, str]:
    """The files an earlier fetch wrote into `dest` (name -> sha256, PROVENANCE.json included),
    each checked to be unchanged. `strict`: `dest` may hold nothing else (a --dest folder)."""
    if not dest.exists():
        return {}
    if not dest.is_dir():
        raise FetchError(f"{dest} is not a folder; nothing was written")
    own: dict[str, str] = {}
    listed = dest / PROVENANCE_FILE
    if listed.is_file():
        try:
            meta = json.loads(listed.read_text(encoding="utf-8"))
            own = {str(f["name"]): str(f["sha256"]) for f in meta.get("files", [])}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise FetchError(
                f"{listed} is not a {PROVENANCE_FILE} that `data fetch` wrote; move it away, "
                "then fetch again; nothing was changed") from None
        own = {name: digest for name, digest in own.items() if Path(name).name == name}
        for name, digest in own.items():
            path = dest / name
            if path.exists() and (not path.is_file() or sha256_of(path) != digest):
                raise FetchError(
                    f"{path} was changed since it was fetched (its sha256 differs from "
                    f"{PROVENANCE_FILE}); move it away, then fetch again; nothing was changed")
        own[PROVENANCE_FILE] = ""
    if strict:
        others = sorted(p.name for p in dest.iterdir()
                        if p.name not in own and not p.name.startswith(STAGING_PREFIX))
        if others:
            shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
            raise FetchError(
                f"--dest {dest} holds files `data fetch` did not write ({shown}); choose an empty "
                "or new folder, or the folder of an earlier fetch; nothing was changed")
    return own


def _move_in(staging: Path, dest: Path, names: list[str], previous: dict[str, str]) -> None:
    """Move the complete new copy from `staging` into `dest`, one rename per file (readers see the
    old file or the new one), keeping each old file aside until every new one is in place; on
    any failure or interruption put the old files back. Files of the earlier fetch that the new
    one does not have are removed; nothing else in `dest` is touched."""
    aside = staging / ".previous"
    aside.mkdir()
    kept: list[str] = []  # old files set aside (hard links or copies), to restore on failure
    placed: list[str] = []  # new files moved in
    try:
        for name in names:
            target = dest / name
            if target.exists():
                _keep_copy(target, aside / name)
                kept.append(name)
            os.replace(staging / name, target)
            placed.append(name)
        for name in previous:
            if name not in names and (dest / name).is_file():
                os.replace(dest / name, aside / name)
                kept.append(name)
    except BaseException:
        for name in placed:
            if name not in kept:
                (dest / name).unlink(missing_ok=True)
        for name in kept:
            if (aside / name).exists():
                os.replace(aside / name, dest / name)
        raise


def _keep_copy(source: Path, copy: Path) -> None:
    """A hard link to `source` (no copying), or a copy where links are refused."""
    try:
        os.link(source, copy)
    except OSError:
        shutil.copy2(source, copy)


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
