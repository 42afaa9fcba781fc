"""The admin's 30-day chart as a PNG: earnings, generations by section, failures and refunds.

matplotlib is imported on first use (about half a second) and the drawing runs in a worker
thread, so neither start-up nor other users' updates wait for it.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping, Sequence
from typing import Any

from kiegram.billing.activity import OTHER, DayActivity
from kiegram.bot.deps import Text
from kiegram.catalog.menu import MENU_SECTIONS

WIDTH_PX, HEIGHT_PX, DPI = 1200, 1500, 100
UNITS_COLOR = "#2b6cb0"  # the earnings bars; the tests look for it
STARS_COLOR = "#d69e2e"
FAILED_COLOR = "#c53030"
REFUNDED_COLOR = "#805ad5"
SECTION_COLORS = (
    "#3182ce",
    "#38a169",
    "#dd6b20",
    "#d53f8c",
    "#319795",
    "#b7791f",
    "#5a67d8",
    "#718096",
    "#e53e3e",
    "#4a5568",
)


def plain(label: str) -> str:
    """A menu label without its leading emoji (the chart's font has none)."""
    head, _sep, rest = label.partition(" ")
    return rest if rest and not head.isalnum() else label


def section_names(_: Text) -> dict[str, str]:
    """Menu section id -> its name as the legend shows it."""
    names = {sid: plain(_(f"bot.section.{sid}")) for sid in MENU_SECTIONS}
    names[OTHER] = _("chart.other")
    return names


def caption(days: Sequence[DayActivity], _: Text) -> str:
    """The chart's numbers in words (a photo caption, under 1024 characters)."""
    generations = sum(sum(d.by_section.values()) for d in days)
    return _(
        "chart.caption",
        days=len(days),
        units=sum(d.units for d in days),
        stars=sum(d.stars for d in days),
        refunded=sum(d.refunded_stars for d in days),
        generations=generations,
        failed=sum(d.failed for d in days),
    )


def render(
    days: Sequence[DayActivity], names: Mapping[str, str], titles: Mapping[str, str]
) -> bytes:
    """The chart as PNG bytes (WIDTH_PX x HEIGHT_PX)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    money, jobs, trouble = figure.subplots(3, 1, sharex=True)
    x = list(range(len(days)))
    ticks = [d.day.strftime("%d.%m") for d in days]
    _earnings(money, x, days, titles)
    _sections(jobs, x, days, names, titles)
    _trouble(trouble, x, days, titles)
    trouble.set_xticks(x[::3], ticks[::3])
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _earnings(ax: Any, x: list[int], days: Sequence[DayActivity], t: Mapping[str, str]) -> None:
    ax.bar(x, [d.units for d in days], color=UNITS_COLOR, label=t["units"])
    ax.set_title(t["money"])
    stars = ax.twinx()
    stars.plot(x, [d.stars for d in days], color=STARS_COLOR, marker="o", label=t["stars"])
    handles = ax.get_legend_handles_labels()[0] + stars.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper left")


def _sections(
    ax: Any,
    x: list[int],
    days: Sequence[DayActivity],
    names: Mapping[str, str],
    t: Mapping[str, str],
) -> None:
    bottom = [0] * len(days)
    used = [s for s in names if any(d.by_section.get(s) for d in days)]
    for index, sid in enumerate(used):
        heights = [d.by_section.get(sid, 0) for d in days]
        color = SECTION_COLORS[index % len(SECTION_COLORS)]
        ax.bar(x, heights, bottom=bottom, color=color, label=names[sid])
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_title(t["generations"])
    if used:
        ax.legend(loc="upper left", fontsize="small", ncols=2)


def _trouble(ax: Any, x: list[int], days: Sequence[DayActivity], t: Mapping[str, str]) -> None:
    ax.bar(x, [d.failed for d in days], color=FAILED_COLOR, label=t["failed"])
    ax.plot(
        x, [d.refunded_stars for d in days], color=REFUNDED_COLOR, marker="o", label=t["refunded"]
    )
    ax.set_title(t["trouble"])
    ax.legend(loc="upper left")


def titles(_: Text) -> dict[str, str]:
    """The chart's titles and legend entries in the admin's language."""
    keys = ("money", "units", "stars", "generations", "trouble", "failed", "refunded")
    return {key: _(f"chart.{key}") for key in keys}


async def png(days: Sequence[DayActivity], _: Text) -> bytes:
    """Render in a worker thread: matplotlib holds the GIL less than the loop would wait."""
    return await asyncio.to_thread(render, days, section_names(_), titles(_))
