"""Atomic writes: the target holds the old content or the new, and no temporary file is left."""

from __future__ import annotations

import json

import pytest

from analysis.io import atomic_write_bytes, atomic_write_text


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "out" / "x.json"
    atomic_write_text(target, "{}")
    atomic_write_text(target, '{"a": 1}')
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in target.parent.iterdir()] == ["x.json"]
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_atomic_write_bytes_and_text_keep_the_content_as_given(tmp_path):
    target = tmp_path / "x.csv"
    atomic_write_bytes(target, b"a,b\r\n1,2\r\n")
    assert target.read_bytes() == b"a,b\r\n1,2\r\n"
    atomic_write_text(str(target), "a\n\u00e9\n")
    assert target.read_bytes() == "a\n\u00e9\n".encode()


def test_a_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "x.txt"
    target.write_text("old")
    with pytest.raises(TypeError):
        atomic_write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]
