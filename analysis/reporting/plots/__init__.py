"""Plots in one house style. Each topic has its own module; all of them start from `style`."""

from analysis.reporting.plots.style import (
    CLASS_COLORS,
    CLASS_ORDER,
    apply_house_style,
    mark_conventions,
)

__all__ = ["CLASS_COLORS", "CLASS_ORDER", "apply_house_style", "mark_conventions"]
