"""How large a batch of simulations may be before it is refused (light: the command line's help
reads these without importing the engine). Each limit is stated in the refusal, with the option
that raises it."""

from __future__ import annotations

#: Points of one sweep (sweep --max-points raises it).
MAX_SWEEP_POINTS = 100_000
#: Points (or experiments) x runs x days of one sweep or exploration: about a day of two cores
#: (sweep and explore --max-run-days raise it).
MAX_RUN_DAYS = 1e11
