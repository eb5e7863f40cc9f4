"""What to run: one job per notebook x parameter set, its cache key, and its state on disk.

For each job the report directory holds::

    <notebook>/<set>.ipynb          the executed notebook
    <notebook>/<set>.html           code hidden       <set>.code.html  code shown
    <notebook>/<set>.summary.json   headline figures with uncertainty, and the run's provenance
    <notebook>/<set>.status.json    the outcome of the latest attempt (ok, failed, skipped, interrupted)

The summary is written last and keeps the size and checksum of the other three: a report is fresh
only when its key matches and every file is whole.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.errors import AnalysisError, ParameterError, ParameterUsageError
from analysis.inputs import load_yaml, shown
from analysis.io import atomic_write_text, read_json
from analysis.paths import NOTEBOOK_DIR, REPORT_DIR
from analysis.provenance import file_provenance, sha256_of
from analysis.record.locate import resolve_catalogue_path
from analysis.record.validate import dedupe_requested
from analysis.reporting.dependencies import (
    CodeDependencies,
    clear_import_cache,
    code_dependencies,
    input_file_digests,
    inputs_fingerprint,
    package_fingerprint,
)
from analysis.reporting.parameters import (
    notebook_parameters,
    parse_value,
    resolve_notebook,
    validate_overrides,
)
from analysis.reporting.sanitize import scrub_paths, short_message

NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
# The files of a report the summary vouches for (size and sha256), besides the summary itself.
REPORT_FILES = (".html", ".code.html", ".ipynb")
# Suffixes of a report's own files: a set name may not end in one (its files would collide).
STATE_SUFFIXES = (".summary.json", ".status.json")
RESERVED_SET_ENDINGS = (".code", ".failed", ".summary", ".status")
SET_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class ReportJob:
    """One notebook with one parameter set, and where its report goes."""

    notebook: str  # absolute path of the source notebook
    name: str  # notebook stem, e.g. "01-explore-strike-record"
    set_name: str
    parameters: dict[str, Any]  # every declared parameter, checked (defaults filled in)
    injected: dict[str, Any]  # what papermill injects: the set's overrides (+ record)
    needs_record: bool
    uses_record: bool
    output_dir: str
    record: str | None = None
    catalogue: str | None = None
    cache_key: str = ""
    code: CodeDependencies | None = None  # the package code in the key

    @property
    def report_dir(self) -> Path:
        return Path(self.output_dir) / self.name

    def path(self, suffix: str) -> Path:
        return self.report_dir / f"{self.set_name}{suffix}"


@dataclass
class JobResult:
    name: str
    set_name: str
    status: str  # ok, cached, failed, skipped
    message: str = ""
    seconds: float = 0.0


def numbered_notebooks(notebook_dir: Path = NOTEBOOK_DIR) -> list[Path]:
    """Every notebooks/NN-*.ipynb, in order."""
    return sorted(notebook_dir.glob(NOTEBOOK_GLOB))


def notebook_metadata(path: Path) -> dict[str, Any]:
    """The notebook's `airdef` metadata ({} when absent)."""
    try:
        notebook_json = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AnalysisError(f"{path.name}: cannot read the notebook ({error})") from None
    return dict(notebook_json.get("metadata", {}).get("airdef", {}))


def parameter_sets(notebook: str | Path) -> dict[str, dict[str, Any]]:
    """The parameter sets in the YAML beside a notebook, each checked; {'default': {}} if none."""
    path = resolve_notebook(notebook)
    yaml_path = path.with_suffix(".yaml")
    if not yaml_path.is_file():
        return {"default": {}}
    loaded = load_yaml(yaml_path, "parameter sets", ParameterError, source=yaml_path.name).data or {}
    if not isinstance(loaded, dict):
        raise ParameterError(f"{yaml_path.name}: expected a mapping of set name -> parameters")
    sets: dict[str, dict[str, Any]] = {}
    for set_name, overrides in loaded.items():
        set_name = str(set_name)
        if not SET_NAME.fullmatch(set_name) or set_name.endswith(RESERVED_SET_ENDINGS):
            raise ParameterError(
                f"{yaml_path.name}: set name {set_name[:40]!r} must be a plain word (letters, digits, "
                f"_ . -; not starting with a dot, not ending in {', '.join(RESERVED_SET_ENDINGS)})")
        if overrides is None:
            overrides = {}
        if not isinstance(overrides, dict):
            raise ParameterError(f"{yaml_path.name}: set {set_name} must map parameter -> value")
        sets[set_name] = validate_overrides(path, overrides, origin=f"{yaml_path.name}, set {set_name}")
    sets.setdefault("default", {})
    return sets


def parse_overrides(notebook: Path, pairs: Sequence[str]) -> dict[str, Any]:
    """`-p NAME=VALUE` pairs as typed values checked against the notebook. Anything wrong with
    one (no '=', a parameter the notebook does not declare, a value of the wrong type or out of
    range) is a usage error: the user typed it (exit 2)."""
    specs = notebook_parameters(notebook)
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterUsageError(f"-p {shown(pair)}: expected NAME=VALUE")
        if name not in specs:
            known = ", ".join(specs) or "none"
            raise ParameterUsageError(
                f"{notebook.stem} (-p): unknown parameter {shown(name)[1:-1]} (the notebook "
                f"declares: {known})")
        try:
            values[name] = parse_value(specs[name], text, f"{notebook.stem} (-p)")
        except ParameterError as error:
            raise ParameterUsageError(str(error)) from None
    return values


def _override_label(overrides: Mapping[str, Any]) -> str:
    """The set name of a run with `-p` overrides: readable, file-name safe, and unique (a digest);
    a path shows as its file name, as everywhere in shared files."""
    text = ",".join(f"{k}={scrub_paths(v) if isinstance(v, str) else v}"
                    for k, v in sorted(overrides.items()) if k != "record")
    label = re.sub(r"[^A-Za-z0-9_.=,-]+", "_", text)[:60]
    digest = hashlib.sha256(json.dumps(overrides, sort_keys=True, default=str).encode()).hexdigest()
    return f"{label}-{digest[:6]}" if label else digest[:8]


# --------------------------------------------------------------------------------------------
# The record, and what the cache key is made of


def find_catalogue(record: Path | None) -> Path | None:
    """The weapon catalogue the loader will pair with `record` (None when it finds none)."""
    if record is None:
        return None
    try:
        return Path(resolve_catalogue_path(record)).resolve()
    except (ImportError, AnalysisError, OSError):
        return None


def cache_key(notebook: Path, parameters: Mapping[str, Any], data: Mapping[str, str | None],
              package: str) -> str:
    """Same notebook, parameters, data and package code -> same key -> the report is not rerun."""
    payload = {
        "notebook": sha256_of(notebook),
        "parameters": parameters,
        "data": dict(data),
        "package": package,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def fingerprint(data: bytes) -> dict[str, Any]:
    """Size and checksum of a report file, as its summary keeps them."""
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def files_whole(directory: Path, set_name: str, summary: Any) -> bool:
    """Every file the summary vouches for is there with its size and checksum (a truncated or
    emptied file, or one from another run, is not)."""
    files = summary.get("report", {}).get("files") if isinstance(summary, dict) else None
    if not isinstance(files, dict) or set(files) != set(REPORT_FILES):
        return False  # a summary from before checksums were kept, or damaged: rerun
    for suffix, expected in files.items():
        path = directory / f"{set_name}{suffix}"
        try:
            if not isinstance(expected, dict) or path.stat().st_size != expected.get("bytes"):
                return False
        except OSError:
            return False
        if sha256_of(path) != expected.get("sha256"):
            return False
    return True


def is_fresh(job: ReportJob) -> bool:
    """The good report on disk was made from exactly this notebook, parameters, data and code,
    and all its files are whole."""
    summary = read_json(job.path(".summary.json"))
    return bool(
        isinstance(summary, dict)
        and summary.get("report", {}).get("cache_key") == job.cache_key
        and files_whole(job.report_dir, job.set_name, summary)
    )


def set_names(directory: Path) -> list[str]:
    """The parameter sets with a summary or a status in a report folder ('default' first); any
    label works, dots and all (`ci+confidence=0.95-1a2b3c`)."""
    found = set()
    for path in directory.iterdir():
        for suffix in STATE_SUFFIXES:
            if path.name.endswith(suffix) and not path.name.startswith("."):
                found.add(path.name[: -len(suffix)])
    return sorted((s for s in found if s), key=lambda s: (s != "default", s))


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def write_status(job: ReportJob, status: str, message: str = "", **extra: Any) -> None:
    """The outcome of the latest attempt; the message is shared (index, status file): one line
    per problem, no machine paths, never a whole input file."""
    record = {"notebook": job.name, "set": job.set_name, "status": status,
              "message": short_message(message, lines=6), "at": now(), **extra}
    atomic_write_text(job.path(".status.json"), json.dumps(record, indent=2))


# --------------------------------------------------------------------------------------------
# Running one report (in a worker process)


@functools.lru_cache(maxsize=4)
def record_period(path: str, sha256: str) -> dict[str, str] | None:
    """The first and last report dates of a record (None when it cannot be read), once per
    file and content in a process."""
    import warnings

    from analysis.record import load_record

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dates = load_record(path)["report_date"].dropna()
    except Exception:  # a record the notebook will report on itself; the period is optional
        return None
    if dates.empty:
        return None
    return {"first": f"{dates.min():%Y-%m-%d}", "last": f"{dates.max():%Y-%m-%d}"}


def describe_data(job: ReportJob) -> dict[str, Any]:
    """The data files of a report: name, size, checksum, version, and the record's period."""
    if not (job.uses_record or job.needs_record) or not job.record:
        return {}
    data = {"record": file_provenance(Path(job.record))}
    period = record_period(job.record, data["record"]["sha256"])
    if period:
        data["record"]["period"] = period
    if job.catalogue:
        data["catalogue"] = file_provenance(Path(job.catalogue))
    return data


def data_line(data: Mapping[str, Any]) -> str:
    parts = []
    for role, info in data.items():
        if info:
            version = f" version {info['version']}" if info.get("version") else ""
            parts.append(f"{role}: {info['file']}{version} sha256 {info['sha256'][:12]}")
    return "; ".join(parts) or "no data file"


def shown_parameters(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters for display: no machine paths (a path shows relative to the project, or as its
    file name; the record always by its file name)."""
    shown = {}
    for key, value in parameters.items():
        if key == "record" and value:
            value = Path(str(value)).name
        elif isinstance(value, str):
            value = scrub_paths(value)  # a path, or paths in a list ("baseline, /x/y.yaml")
        shown[key] = value
    return shown


def plan_jobs(
    notebooks: Sequence[str | Path],
    set_name: str | None,
    all_sets: bool,
    overrides: Sequence[str] = (),
    record: Path | None = None,
    output_dir: Path = REPORT_DIR,
) -> list[ReportJob]:
    """Check every notebook, set and override, and return the jobs (no kernel started)."""
    clear_import_cache()
    record_sha = sha256_of(record) if record else None
    catalogue = find_catalogue(record)
    catalogue_sha = sha256_of(catalogue) if catalogue else None
    inputs = inputs_fingerprint()
    jobs = []
    for notebook in notebooks:
        path = resolve_notebook(notebook)
        specs = notebook_parameters(path)
        metadata = notebook_metadata(path)
        sets = parameter_sets(path)
        # Only the package code this notebook imports (and the runner's) enters its key.
        code = code_dependencies(path)
        package = package_fingerprint(code)
        if set_name is not None:
            if set_name not in sets:
                raise ParameterUsageError(
                    f"{path.stem}: no parameter set {set_name!r} in {path.with_suffix('.yaml').name} "
                    f"(it has: {', '.join(sets)})"
                )
            chosen = {set_name: sets[set_name]}
        elif all_sets:
            chosen = sets
        else:
            chosen = {"default": sets["default"]}
        extra = parse_overrides(path, overrides)
        uses_record = "record" in specs
        needs_record = bool(metadata.get("needs_record", False))
        for name, values in chosen.items():
            injected = {**values, **extra}
            label = name if not extra else f"{name}+{_override_label(extra)}"
            parameters = {k: injected.get(k, spec.default) for k, spec in specs.items()}
            if uses_record and record and not injected.get("record"):
                # The kernel finds the record through $AIRDEF_RECORD (set by the runner): its
                # path is not written into the shared notebook.
                parameters["record"] = str(record)
            # The record enters the key by checksum, not by path: moving the file reruns nothing.
            keyed = {k: v for k, v in parameters.items() if k != "record"}
            data = ({"record": record_sha, "catalogue": catalogue_sha, "dedupe": dedupe_requested()}
                    if (uses_record or needs_record) else {})
            data["inputs"] = inputs
            data["files"] = input_file_digests(parameters, path.parent)  # -p claims=, scenario=, ...
            jobs.append(ReportJob(
                notebook=str(path), name=path.stem, set_name=label, parameters=parameters,
                injected=injected, needs_record=needs_record, uses_record=uses_record,
                output_dir=str(output_dir), record=str(record) if record else None,
                catalogue=str(catalogue) if catalogue else None,
                cache_key=cache_key(path, keyed, data, package), code=code,
            ))
    return jobs
