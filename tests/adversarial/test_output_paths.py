"""Outputs never replace what they should not: a device, pipe, socket, folder or symbolic link at
an output path is refused with one line and left as it was; names work up to the file system's
limit; --output-dir makes at most one missing folder outside the project."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.io import atomic_write_bytes, atomic_write_text, check_output_path, name_max
from analysis.record import SAMPLE_RECORD

SAMPLE = str(SAMPLE_RECORD)


def _kinds(tmp_path: Path) -> dict[str, Path]:
    """A FIFO, a symlink (to a regular file), a socket and a folder, made here."""
    made: dict[str, Path] = {}
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    made["fifo"] = fifo
    target = tmp_path / "target.csv"
    target.write_text("kept\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    made["symlink"] = link
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    made["dangling symlink"] = dangling
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    made["folder"] = folder
    sock_path = tmp_path / "s.csv"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sock_path))
        made["socket"] = sock_path
    finally:
        server.close()
    return made


def _identity(path: Path) -> tuple:
    info = os.lstat(path)
    return stat.S_IFMT(info.st_mode), info.st_ino


@pytest.mark.parametrize("kind", ["fifo", "symlink", "dangling symlink", "folder", "socket"])
def test_a_path_that_is_not_a_regular_file_is_refused_and_left_alone(tmp_path, kind, capsys):
    path = _kinds(tmp_path)[kind]
    before = _identity(path)
    code = main(["rates", "--record", SAMPLE, "-o", str(path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and err[0].startswith("error: -o "), err
    assert "not a regular file" in err[0]
    assert _identity(path) == before  # the same kind and inode: nothing replaced it
    if kind == "symlink":
        assert (tmp_path / "target.csv").read_text() == "kept\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("kind", ["fifo", "symlink", "socket", "folder"])
def test_the_writer_itself_refuses_them_for_every_caller(tmp_path, kind):
    """Reports, sweeps and parts go through `atomic_write_bytes` without the command-line check."""
    path = _kinds(tmp_path)[kind]
    before = _identity(path)
    with pytest.raises(Exception, match="not a regular file"):
        atomic_write_bytes(path, b"x")
    assert _identity(path) == before


def test_a_character_device_is_refused(tmp_path, capsys):
    """`rates -o /dev/null` run as root replaced the machine's /dev/null with a file. A device
    node made here when allowed (root), else the system's /dev/null, which only root could
    replace: never as root, where a regression would break the machine."""
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError):
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            pytest.skip("root without mknod: not tried on the system's /dev/null")
        device = Path(os.devnull)
    if not device.exists() or not stat.S_ISCHR(os.lstat(device).st_mode):
        pytest.skip("no character device to test with")
    before = _identity(device)
    code = main(["waves", "--record", SAMPLE, "-o", str(device)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "character device" in err[0], err
    assert _identity(device) == before
    with pytest.raises(Exception, match="character device"):
        atomic_write_text(device, "x")
    assert _identity(device) == before


def test_a_regular_file_is_still_replaced_whole(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("old\n")
    assert main(["rates", "--record", SAMPLE, "-o", str(path)]) == 0
    assert path.read_text().startswith("class,")
    assert check_output_path(path) == path


def test_a_name_at_the_file_systems_limit_works_and_one_over_is_one_line(tmp_path, capsys):
    limit = name_max(tmp_path)
    longest = tmp_path / ("r" * (limit - 4) + ".csv")
    assert main(["rates", "--record", SAMPLE, "-o", str(longest)]) == 0
    assert longest.is_file() and [p.name for p in tmp_path.iterdir()] == [longest.name]
    capsys.readouterr()
    too_long = tmp_path / ("r" * (limit + 1) + ".csv")
    assert main(["rates", "--record", SAMPLE, "-o", str(too_long)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "limit" in err[0] and len(err[0]) < 400, err


@pytest.mark.parametrize("args", [
    ["rates", "--record", "{long}", "-o", "-"],
    ["waves", "--record", "{long}", "-o", "-"],
    ["data", "check", "{long}"],
    ["rates", "--record", SAMPLE, "-o", "{long}"],
    ["waves", "--record", SAMPLE, "-o", "{long}/x.csv"],
    ["simulate", "baseline", "--runs", "10", "--json", "{long}"],
    ["claims", "--record", SAMPLE, "--json", "{long}"],
    ["explore", "{long}", "-o", "x.parquet"],
    ["sweep", "{long}", "-o", "{long}.parquet"],
    ["report", "01-explore-strike-record", "--output-dir", "{long}"],
])
def test_a_name_over_255_bytes_is_one_line_for_every_option(tmp_path, args, capsys):
    long = str(tmp_path / ("n" * 300))
    code = main([a.replace("{long}", long) for a in args])
    err = capsys.readouterr().err.strip().splitlines()
    assert code in (1, 2) and len(err) == 1 and err[0].startswith("error: "), err
    assert "Traceback" not in err[0] and len(err[0]) < 500


def test_report_output_dir_naming_a_file_is_refused(tmp_path, capsys):
    existing = tmp_path / "reports"
    existing.write_text("a file\n")
    code = main(["report", "01-explore-strike-record", "--output-dir", str(existing)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "not a folder" in err[0], err
    assert existing.read_text() == "a file\n"


def test_output_dir_creates_at_most_one_missing_level_outside_the_project(tmp_path, capsys):
    deep = tmp_path / "a" / "b" / "c"
    code = main(["report", "01-explore-strike-record", "--record", SAMPLE, "--output-dir", str(deep)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and "create the folder first" in err[-1], err
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize("command", ["sweep", "explore"])
def test_a_resumable_table_needs_room_for_its_parts_folder(tmp_path, command, capsys):
    """A 250-byte name is fine for a file; the folder NAME.parts beside it would not fit: said at
    once, not after the first point ran."""
    output = tmp_path / ("t" * (name_max(tmp_path) - 10) + ".parquet")
    source = "data/grids/baseline-ballistic-x-pac3.yaml" if command == "sweep" else "baseline-assumptions"
    assert main([command, source, "-o", str(output)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "finished parts" in err[0], err
    assert list(tmp_path.iterdir()) == []
