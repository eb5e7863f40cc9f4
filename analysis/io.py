"""Files written safely (readers see the old content or the new, never half a file), locks, and JSON read back."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analysis.errors import AnalysisError


class OutputPathError(AnalysisError):
    """An output path the command may not write: not a regular file, or a name too long."""


TEMPORARY_SUFFIX = ".tmp"
_RANDOM_PART = 8  # mkstemp's random letters
_DEFAULT_NAME_MAX = 255


def name_max(folder: str | os.PathLike) -> int:
    """The longest file name (in bytes) the file system of `folder` takes (255 where unknown)."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return _DEFAULT_NAME_MAX


def _cut_bytes(name: str, limit: int) -> str:
    """`name` cut to at most `limit` bytes of the file-system encoding, never mid-character."""
    encoded = os.fsencode(name)
    if len(encoded) <= limit:
        return name
    return encoded[: max(0, limit)].decode(sys.getfilesystemencoding(), "ignore")


def temporary_prefix(path: str | os.PathLike, suffix: str = TEMPORARY_SUFFIX) -> str:
    """The prefix of a temporary file beside `path`: `.NAME.`, the name cut so that the whole
    temporary name (prefix, random letters, `suffix`) fits the file system's limit."""
    path = Path(path)
    room = name_max(path.parent if path.parent.is_dir() else ".") - len(suffix) - _RANDOM_PART - 2
    return f".{_cut_bytes(path.name, room)}."


def describe_kind(mode: int) -> str:
    """What a file of `mode` is, in words (for a refusal)."""
    for test, words in ((stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link"),
                        (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                        (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return words
    return "not a regular file"


def check_output_path(path: str | os.PathLike, what: str = "output") -> Path:
    """Refuse, with one line naming `path`, anything an output may not replace.

    An output is written by renaming a temporary file over its path, which would replace whatever
    is there: so the path must be missing or a regular file. A folder, a device (`/dev/null`), a
    named pipe, a socket and a symbolic link are refused: a link is never written through (name
    the file itself), so an output lands where its path says and nowhere else. A name longer
    than the file system takes is refused too."""
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise OutputPathError(f"{what} {shorten_path(path)}: {_os_problem(error, path)}") from None
    if mode is not None and not stat.S_ISREG(mode):
        advice = ("; name the file itself" if stat.S_ISLNK(mode) else
                  "; name a file in it" if stat.S_ISDIR(mode) else "; outputs replace only regular files")
        raise OutputPathError(f"{what} {shorten_path(path)}: is {describe_kind(mode)}, not a regular file{advice}")
    limit = name_max(path.parent if path.parent.is_dir() else ".")
    if len(os.fsencode(path.name)) > limit:
        raise OutputPathError(f"{what} {shorten_path(path)}: the file name is "
                              f"{len(os.fsencode(path.name))} bytes, over the file system's limit of {limit}")
    return path


def _os_problem(error: OSError, path: Path) -> str:
    """An OSError in words, without repeating the path."""
    if error.errno == errno.ENAMETOOLONG:
        longest = max((len(os.fsencode(part)) for part in path.parts), default=0)
        return (f"a name in the path is {longest} bytes, over the file system's limit of "
                f"{name_max('.')}" if longest > name_max(".") else "the path is longer than the file system allows")
    if error.errno == errno.ENOTDIR:
        return "a part of the path is not a folder"
    return error.strerror or type(error).__name__


def shorten_path(path: str | os.PathLike, limit: int = 120) -> str:
    """A path for a message: a very long one cut in the middle."""
    text = str(path)
    return text if len(text) <= limit else text[: limit // 2 - 2] + "..." + text[-(limit // 2 - 2):]


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`.

    `path` must be missing or a regular file (`check_output_path`: a device, pipe, socket, folder
    or link there is refused, never replaced). Creates the parent folders. The file is readable
    by all (0644): outputs are for sharing. On any failure the temporary file is removed and
    `path` is left as it was.
    """
    path = check_output_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=temporary_prefix(path),
                                         suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes files private
        check_output_path(path)  # the path may have changed kind while we wrote
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """`atomic_write_bytes` of `text` encoded as `encoding`, line endings kept as they are."""
    atomic_write_bytes(path, text.encode(encoding))


@contextlib.contextmanager
def file_lock(path: str | os.PathLike) -> Iterator[None]:
    """An exclusive lock on `path` held for the block; another process waits for it.

    `filelock` keeps it portable (flock on Unix, msvcrt on Windows); the lock file stays.
    """
    from filelock import FileLock

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path)):
        yield


def read_json(path: str | os.PathLike) -> Any:
    """The JSON in `path`, or None when it is missing or not whole JSON (a damaged output)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
