"""`data fetch` without a network: a fake downloader stands in for kagglehub."""

from __future__ import annotations

import hashlib
import json
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
    dest.mkdir(parents=True)
    (dest / "missile_attacks_daily.csv").write_text("old record\n")
    (dest / "PROVENANCE.json").write_text('{"version": "1"}\n')
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


def test_a_failed_swap_restores_the_existing_copy(tmp_path, monkeypatch):
    folder = _downloaded(tmp_path)
    dest = tmp_path / "data" / "external"
    before = _existing_copy(dest)
    real_rename = Path.rename

    def failing_rename(self, target):
        if self.name.startswith(".external-staging-"):
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing_rename)
    with pytest.raises(FetchError, match="No space left"):
        fetch_record(dest, downloader=lambda dataset: (folder, "7"))
    assert _state(dest) == before
    assert sorted(p.name for p in dest.parent.iterdir()) == ["external"]


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
