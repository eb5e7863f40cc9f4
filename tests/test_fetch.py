"""`data fetch` without a network: a fake downloader stands in for kagglehub. It replaces only its
own files, keeps the previous version until the new one is in place, and destroys nothing else."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from analysis import cli
from analysis.record import fetch
from analysis.record.fetch import FetchError, fetch_record

FIXTURES = Path(__file__).parent / "fixtures" / "record"


def _downloaded(tmp_path: Path) -> Path:
    folder = tmp_path / "download" / "versions" / "7"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "missile_attacks_daily_fixture.csv", folder / "missile_attacks_daily.csv")
    shutil.copy(FIXTURES / "missiles_and_uavs_fixture.csv", folder / "missiles_and_uavs.csv")
    return folder


def _existing_copy(dest: Path) -> dict[str, bytes]:
    """What an earlier fetch left in `dest` (its files listed, with checksums, in PROVENANCE.json)."""
    dest.mkdir(parents=True)
    (dest / "missile_attacks_daily.csv").write_text("old record\n")
    (dest / "missiles_and_uavs.csv").write_text("old catalogue\n")
    files = [{"name": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
             for p in sorted(dest.iterdir())]
    (dest / "PROVENANCE.json").write_text(json.dumps({"version": "1", "files": files}))
    return {p.name: p.read_bytes() for p in dest.iterdir()}


def _state(dest: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in dest.iterdir()}


def test_fetch_writes_files_and_provenance(tmp_path):
    folder = _downloaded(tmp_path)
    dest = tmp_path / "data" / "external"
    result = fetch_record(dest, downloader=lambda dataset: (folder, "7"))
    assert sorted(p.name for p in dest.iterdir()) == [
        "PROVENANCE.json", "missile_attacks_daily.csv", "missiles_and_uavs.csv"]
    meta = json.loads((dest / "PROVENANCE.json").read_text())
    assert meta["source"].endswith(fetch.DATASET) and meta["version"] == "7" and meta["accessed"]
    for entry in meta["files"]:
        expected = hashlib.sha256((folder / entry["name"]).read_bytes()).hexdigest()
        assert entry["sha256"] == expected
    assert result.version == "7"
    assert [p.name for p in dest.parent.iterdir()] == ["external"]  # no staging left behind


@pytest.mark.parametrize("failure", ["offline", "empty", "html"])
def test_a_failed_fetch_leaves_the_existing_copy_untouched(tmp_path, failure):
    dest = tmp_path / "data" / "external"
    before = _existing_copy(dest)
    bad = tmp_path / "bad"
    bad.mkdir()

    def downloader(dataset):
        if failure == "offline":
            raise ConnectionError("Failed to resolve 'api.kaggle.com'")
        if failure == "html":
            (bad / "missile_attacks_daily.csv").write_text("<html>rate limited</html>\n")
            (bad / "missiles_and_uavs.csv").write_text("model,category\nKalibr,cruise missile\n")
        return bad, None

    with pytest.raises(FetchError, match="untouched") as caught:
        fetch_record(dest, downloader=downloader)
    assert {"offline": "resolve", "empty": "no missile_attacks_daily",
            "html": "required column"}[failure] in str(caught.value)
    assert _state(dest) == before
    assert sorted(p.name for p in dest.parent.iterdir()) == ["external"]


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failure_while_moving_in_restores_the_previous_version(tmp_path, monkeypatch, failure):
    folder = _downloaded(tmp_path)
    dest = tmp_path / "data" / "external"
    before = _existing_copy(dest)
    real_replace = os.replace
    moved = []

    def failing_replace(source, target):
        moved.append(Path(target).name)
        if len(moved) == 2:  # the first new file is in, the second fails
            raise failure
        return real_replace(source, target)

    monkeypatch.setattr(fetch.os, "replace", failing_replace)
    with pytest.raises((FetchError, KeyboardInterrupt)) as caught:
        fetch_record(dest, downloader=lambda dataset: (folder, "7"))
    if isinstance(failure, OSError):
        assert "No space left" in str(caught.value) and "untouched" in str(caught.value)
    monkeypatch.undo()
    assert _state(dest) == before  # every file back as it was, no staging folder left
    assert sorted(p.name for p in dest.parent.iterdir()) == ["external"]


def test_fetch_replaces_only_its_own_files(tmp_path, monkeypatch):
    folder = _downloaded(tmp_path)
    external = tmp_path / "data" / "external"
    monkeypatch.setattr(fetch.paths, "EXTERNAL_DIR", external)
    _existing_copy(external)
    # A file the earlier fetch wrote that the new download no longer has: it is removed.
    (external / "missile_attacks_daily_old.csv").write_text("gone upstream\n")
    meta = json.loads((external / "PROVENANCE.json").read_text())
    meta["files"].append({"name": "missile_attacks_daily_old.csv",
                          "sha256": hashlib.sha256(b"gone upstream\n").hexdigest()})
    (external / "PROVENANCE.json").write_text(json.dumps(meta))
    # The user's own files beside the fetched ones: left exactly as they are.
    (external / "my-notes.txt").write_text("mine\n")
    (external / "my_record_copy.csv").write_text("a,b\n1,2\n")
    (external / "keep").mkdir()
    (external / "keep" / "x.csv").write_text("x\n")
    mine = {name: (external / name).stat() for name in ("my-notes.txt", "my_record_copy.csv")}
    fetch_record(downloader=lambda dataset: (folder, "7"))  # the default folder
    assert sorted(p.name for p in external.iterdir()) == [
        "PROVENANCE.json", "keep", "missile_attacks_daily.csv", "missiles_and_uavs.csv",
        "my-notes.txt", "my_record_copy.csv"]
    assert (external / "missile_attacks_daily.csv").read_bytes() == (
        folder / "missile_attacks_daily.csv").read_bytes()
    for name, stat in mine.items():
        assert (external / name).stat().st_mtime_ns == stat.st_mtime_ns
    assert (external / "keep" / "x.csv").read_text() == "x\n"


def test_fetch_refuses_to_overwrite_or_mix_with_what_it_did_not_write(tmp_path, monkeypatch):
    folder = _downloaded(tmp_path)
    calls = []

    def downloader(dataset):
        calls.append(dataset)
        return folder, "7"

    # --dest holding someone else's files: refused before downloading anything.
    other = tmp_path / "Documents"
    other.mkdir()
    (other / "thesis.docx").write_text("years of work")
    with pytest.raises(FetchError, match=r"holds files `data fetch` did not write \(thesis.docx\)"):
        fetch_record(other, downloader=downloader)
    assert calls == [] and [p.name for p in other.iterdir()] == ["thesis.docx"]
    # The default folder with a file of the same name that no fetch wrote: refused, kept.
    external = tmp_path / "data" / "external"
    monkeypatch.setattr(fetch.paths, "EXTERNAL_DIR", external)
    external.mkdir(parents=True)
    (external / "missile_attacks_daily.csv").write_text("my own edited record\n")
    with pytest.raises(FetchError, match="did not write; move it away"):
        fetch_record(downloader=downloader)
    assert (external / "missile_attacks_daily.csv").read_text() == "my own edited record\n"
    assert [p.name for p in external.iterdir()] == ["missile_attacks_daily.csv"]
    # A fetched file edited since: refused, kept.
    dest = tmp_path / "fetched"
    _existing_copy(dest)
    (dest / "missiles_and_uavs.csv").write_text("edited by hand\n")
    before = _state(dest)
    with pytest.raises(FetchError, match="was changed since it was fetched"):
        fetch_record(dest, downloader=downloader)
    assert _state(dest) == before
    # A --dest that is a file.
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(FetchError, match="is not a folder"):
        fetch_record(tmp_path / "a-file", downloader=downloader)


def test_fetch_into_the_folder_of_an_earlier_fetch_replaces_it(tmp_path):
    folder = _downloaded(tmp_path)
    dest = tmp_path / "fetched"
    _existing_copy(dest)
    fetch_record(dest, downloader=lambda dataset: (folder, "7"))
    assert sorted(p.name for p in dest.iterdir()) == [
        "PROVENANCE.json", "missile_attacks_daily.csv", "missiles_and_uavs.csv"]
    assert json.loads((dest / "PROVENANCE.json").read_text())["version"] == "7"
    fetch_record(dest, downloader=lambda dataset: (folder, "8"))  # and again: its own files now
    assert json.loads((dest / "PROVENANCE.json").read_text())["version"] == "8"


def test_data_fetch_command_offline(tmp_path, monkeypatch, capsys):
    dest = tmp_path / "external"
    before = _existing_copy(dest)

    def offline(dataset):
        raise ConnectionError("Name or service not known")

    monkeypatch.setattr(fetch, "kagglehub_download", offline)
    code = cli.main(["data", "fetch", "--dest", str(dest)])
    captured = capsys.readouterr()
    assert code != 0
    assert "download of piterfm/massive-missile-attacks-on-ukraine failed" in captured.err
    assert "untouched" in captured.err and "Traceback" not in captured.err
    assert _state(dest) == before


def test_data_fetch_command_then_load(tmp_path, monkeypatch, capsys):
    from analysis.record import load_record

    folder = _downloaded(tmp_path)
    dest = tmp_path / "external"
    monkeypatch.setattr(fetch, "kagglehub_download", lambda dataset: (folder, "7"))
    assert cli.main(["data", "fetch", "--dest", str(dest)]) == 0
    assert "version 7" in capsys.readouterr().out
    with pytest.warns(UserWarning, match="Zmey-9"):
        record = load_record(dest / "missile_attacks_daily.csv")
    assert len(record) == 16


def test_an_offline_download_says_so_in_a_few_words(tmp_path, monkeypatch):
    from analysis.errors import AnalysisError
    from analysis.record import fetch

    class NameResolutionError(Exception):
        pass

    def unreachable(dataset):
        raise NameResolutionError(
            "HTTPSConnectionPool(host='api.kaggle.com', port=443): Max retries exceeded with url: "
            "/v1/datasets.DatasetApiService/GetDataset (Caused by NameResolutionError(...))"
        )

    try:
        fetch.fetch_record(dest=tmp_path / "external", downloader=unreachable)
    except AnalysisError as error:
        message = str(error)
    else:
        raise AssertionError("an unreachable host did not fail")
    assert "could not resolve or reach api.kaggle.com (offline?)" in message
    assert "Max retries" not in message and len(message) < 400
    assert not (tmp_path / "external").exists()
