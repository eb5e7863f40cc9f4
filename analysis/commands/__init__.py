"""Subcommands of `python -m analysis`.

Each module here defines `register(subparsers)`, adding its parser with `func` set to a handler
that returns an exit code. Modules import their heavy dependencies inside the handler, so that
`--help` stays fast. Modules named `_*` (e.g. `_common`) hold shared helpers and are not commands.
"""
