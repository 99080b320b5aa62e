"""The wrap-up's picture of the money over the night: pledged and received climbing towards the goal.

Drawn with Pillow (small, fast, no plotting stack) into a PNG of a few kilobytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from rules.money import format_cents
from storage.reports import MoneyEvent

WIDTH, HEIGHT = 800, 400
LEFT, RIGHT, TOP, BOTTOM = 90, 30, 50, 50
BACKGROUND = (32, 34, 37)
GRID = (70, 73, 78)
TEXT = (220, 221, 222)
PLEDGED = (201, 162, 39)
RECEIVED = (67, 181, 129)
GOAL = (237, 66, 69)


def money_chart(events: Sequence[MoneyEvent], goal_cents: int | None, title: str, timezone: str) -> bytes:
    """A PNG of the cumulative pledged and received totals over time, with the goal as a line."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    draw.text((LEFT, 15), title[:40], fill=TEXT, font=font)

    pledged = list(accumulate(e.pledged_cents for e in events))
    received = list(accumulate(e.received_cents for e in events))
    top_cents = max([100, goal_cents or 0, *pledged, *received])
    start = events[0].at if events else datetime.now().astimezone()
    end = events[-1].at if events else start
    span = max((end - start).total_seconds(), 60.0)

    def x(moment: datetime) -> float:
        return LEFT + (moment - start).total_seconds() / span * (WIDTH - LEFT - RIGHT)

    def y(cents: int) -> float:
        return HEIGHT - BOTTOM - cents / top_cents * (HEIGHT - TOP - BOTTOM)

    step_cents = nice_step(top_cents)
    for cents in range(0, top_cents + 1, step_cents):
        draw.line([(LEFT, y(cents)), (WIDTH - RIGHT, y(cents))], fill=GRID)
        draw.text((8, y(cents) - 8), format_cents(cents), fill=TEXT, font=font)
    zone = ZoneInfo(timezone)
    for moment, label in axis_ticks(start, start + timedelta(seconds=span), zone):
        left = min(x(moment) - 18, WIDTH - 4 - draw.textlength(label, font=font))
        draw.line([(x(moment), HEIGHT - BOTTOM), (x(moment), HEIGHT - BOTTOM + 4)], fill=GRID)
        draw.text((max(left, LEFT - 18), HEIGHT - BOTTOM + 8), label, fill=TEXT, font=font)

    if goal_cents:
        goal_y = y(goal_cents)
        for left in range(LEFT, WIDTH - RIGHT, 16):
            draw.line([(left, goal_y), (min(left + 8, WIDTH - RIGHT), goal_y)], fill=GOAL, width=2)
        # Below the line when it runs near the top, so it never covers the legend.
        label_y = goal_y + 6 if goal_y < TOP + 24 else goal_y - 20
        draw.text((WIDTH - RIGHT - 140, label_y), f"goal {format_cents(goal_cents)}", fill=GOAL, font=font)

    for totals, colour, label, row in ((pledged, PLEDGED, "pledged", 0), (received, RECEIVED, "received", 1)):
        points = _steps([x(e.at) for e in events], [y(total) for total in totals], y(0))
        if len(points) > 1:
            draw.line(points, fill=colour, width=3)
        final = totals[-1] if totals else 0
        draw.text(
            (WIDTH - RIGHT - 340 + row * 170, 15), f"{label} {format_cents(final)}", fill=colour, font=font
        )

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def axis_ticks(start: datetime, end: datetime, zone: ZoneInfo, most: int = 8) -> list[tuple[datetime, str]]:
    """Where the time axis is labelled, and how: the whole hours of the night in the party's time zone
    ("17:00", "18:00", ...; every second or third hour on a long night), or five even marks with
    minutes and seconds when the night is shorter than two hours and whole hours would be too few.
    """
    span = (end - start).total_seconds()
    if span < 2 * 3600:
        clock = "%H:%M" if span >= 8 * 60 else "%H:%M:%S"
        marks = [start + timedelta(seconds=span * step / 4) for step in range(5)]
        return [(moment, f"{moment.astimezone(zone):{clock}}") for moment in marks]
    hours = 1
    while span / (hours * 3600) > most:
        hours += 1
    local = start.astimezone(zone)
    # The first whole hour at or after the start, counted in UTC so a DST change never repeats a label.
    moment = (local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)).astimezone(zone)
    if local.minute == local.second == local.microsecond == 0:
        moment = local
    ticks = []
    while moment <= end:
        ticks.append((moment, f"{moment.astimezone(zone):%H:%M}"))
        moment = (moment.astimezone(UTC) + timedelta(hours=hours)).astimezone(zone)
    return ticks


def nice_step(top_cents: int, lines: int = 4) -> int:
    """A round grid step (1, 2 or 5 times a power of ten, in whole dollars) giving about `lines` lines."""
    rough = max(top_cents / lines, 100)
    power = 10 ** (len(str(int(rough))) - 1)
    for factor in (1, 2, 5):
        if factor * power >= rough:
            return factor * power
    return 10 * power


def _steps(xs: Sequence[float], ys: Sequence[float], baseline: float) -> list[tuple[float, float]]:
    """A staircase: money jumps when it arrives and stays level until the next change."""
    if not xs:
        return []
    points = [(xs[0], baseline)]
    level = baseline
    for x, y in zip(xs, ys, strict=True):
        points.append((x, level))
        points.append((x, y))
        level = y
    points.append((WIDTH - RIGHT, level))
    return points
