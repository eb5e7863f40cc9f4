"""Text for a terminal: what comes from an input file is shown, never obeyed.

Claim text, scenario names, model names of the record and file names reach warnings, errors and
summaries. A terminal obeys control characters in them: ESC sequences retitle the window, move
the cursor or hide text, BEL rings, a carriage return overwrites the line, and Unicode direction
overrides reorder what is read. `printable` shows each as an escape (`\\x1b`, `\\r`, `\\u202e`), as
`data check` shows values (Python's repr does the same for the C0 and C1 controls).
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

# C0 controls but tab and newline, DEL, C1 controls, line and paragraph separators, and the
# characters that change the direction of text or hide it.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return {0x0D: "\\r", 0x0B: "\\v", 0x0C: "\\f"}.get(code) or (
        f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: object, *, keep_newlines: bool = True) -> str:
    """`text` with every control character shown as an escape; newlines kept unless
    `keep_newlines` is false (then shown as `\\n`), tabs kept."""
    shown = _UNSAFE.sub(_escape, str(text))
    return shown if keep_newlines else shown.replace("\n", "\\n")


def show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                 file: TextIO | None = None, line: str | None = None) -> None:
    """A `warnings.showwarning` that prints `warning: FILE:LINE: message` on one line (the
    command line's and a report kernel's; here, not in `analysis.cli`, so that a report's code
    key need not follow the CLI's imports).

    A RecordWarning is raised at the record's file and line, so FILE:LINE names the row of the
    record; other warnings name the code that raised them."""
    text = " ".join(printable(message).split())
    where = f"{printable(filename, keep_newlines=False)}:{lineno}: " if filename else ""
    print(f"warning: {where}{text}", file=file or sys.stderr, flush=True)
