"""Chart geometry for the organisers' pages, drawn as inline SVG by
templates/organiser/_charts.html: coordinates and axis ticks as plain numbers, so that
the templates only place them. Right-to-left charts are mirrored here, coordinate by
coordinate, rather than by an SVG transform, which would mirror their text too: bars
grow from the reading side and time runs in the reading direction.

Bar charts place bars in percent of the width they are given, so that their text keeps
its size in a narrow column; time charts are drawn in user units and scaled whole."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

#: A bar's row in pixels: its label above, the bar beneath, its value after its end.
ROW = 40
BAR_HEIGHT = 14
#: The longest bar in percent of the width: the rest is room for its value.
LONGEST_BAR = 70
#: Gap in pixels between a bar's end and its value.
VALUE_GAP = 6
#: Longer labels are cut in the drawing; the title and the table give them whole.
LABEL_LENGTH = 48
#: Width of a time chart in SVG user units; the page scales it to its column.
WIDTH = 600
#: The plot area of a time chart within its frame: room for the axes' labels.
TIME_HEIGHT = 220
PLOT_START, PLOT_END, PLOT_TOP, PLOT_BOTTOM = 56, WIDTH - 12, 12, TIME_HEIGHT - 30
#: Labelled days on a time chart's axis, at most.
DAY_TICKS = 6


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: int
    #: The most the value can be (a session's seats); None draws the bar to scale.
    limit: int | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    value: int
    limit: int | None
    #: Horizontal places and lengths in percent of the chart's width, heights in pixels.
    x: float
    width: float
    label_y: float
    bar_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    direction: str
    #: Where labels start, and the track behind bars that have a limit (percent).
    label_x: float
    track_x: float
    track_width: float
    #: The value's shift from its bar's end, in pixels, away from the bar.
    value_gap: int
    bar_height: int = BAR_HEIGHT


@dataclass(frozen=True)
class DayTick:
    label: str
    x: float
    anchor: str = "middle"


@dataclass(frozen=True)
class ValueTick:
    value: int
    y: float


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class TimeChart:
    #: The line through the values, and the area under it, as SVG point lists.
    line: str
    area: str
    #: The last value's point, marked: a single day draws no line.
    end: tuple[float, float]
    columns: list[Column]
    day_ticks: list[DayTick]
    value_ticks: list[ValueTick]
    direction: str
    #: The value axis, and the labels' place beside it.
    axis_x: float
    y_label_x: float
    plot_start: float
    plot_end: float
    baseline: float
    width: int = WIDTH
    height: int = TIME_HEIGHT


def _mirror(rtl: bool, width: float) -> Callable[[float], float]:
    return (lambda x: width - x) if rtl else (lambda x: x)


def bar_chart(rows: Sequence[ChartRow], direction: str = "ltr") -> BarChart:
    """Horizontal bars, one row each, to scale with the largest value; rows with a
    limit are drawn as the share of it, over a track that stands for the limit."""
    mirror = _mirror(direction == "rtl", 100)
    largest = max((row.value for row in rows), default=0)
    bars = []
    for index, row in enumerate(rows):
        scale = row.limit if row.limit is not None else largest
        length = LONGEST_BAR * min(row.value / scale, 1) if scale else 0
        if row.value and length < 0.2:
            length = 0.2  # a few among thousands still shows
        top = index * ROW
        bars.append(
            Bar(
                label=row.label,
                short_label=_shortened(row.label),
                value=row.value,
                limit=row.limit,
                x=round(min(mirror(0), mirror(length)), 2),
                width=round(length, 2),
                label_y=top + 13,
                bar_y=top + 18,
                value_x=round(mirror(length), 2),
                value_y=top + 30,
            )
        )
    return BarChart(
        bars=bars,
        height=max(len(bars), 1) * ROW,
        direction=direction,
        label_x=mirror(0),
        track_x=min(mirror(0), mirror(LONGEST_BAR)),
        track_width=LONGEST_BAR,
        value_gap=-VALUE_GAP if direction == "rtl" else VALUE_GAP,
    )


def time_chart(
    days: Sequence[date],
    values: Sequence[int],
    day_label: Callable[[date], str],
    direction: str = "ltr",
) -> TimeChart:
    """One value per day (at least one day), as a line over an area or as columns,
    with a value axis of round numbers and some days labelled (`day_label` writes them)."""
    mirror = _mirror(direction == "rtl", WIDTH)
    ticks = nice_ticks(max(values))
    top = ticks[-1]
    slot = (PLOT_END - PLOT_START) / max(len(days), 1)

    def x_of(index: int) -> float:
        return round(mirror(PLOT_START + (index + 0.5) * slot), 1)

    def y_of(value: int) -> float:
        return round(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / top, 1)

    points = [f"{x_of(index)},{y_of(value)}" for index, value in enumerate(values)]
    column_width = max(slot * 0.8, 1)
    columns = [
        Column(
            label=day_label(day),
            value=value,
            x=round(x_of(index) - column_width / 2, 1),
            y=y_of(value),
            width=round(column_width, 1),
            height=round(PLOT_BOTTOM - y_of(value), 1),
        )
        for index, (day, value) in enumerate(zip(days, values, strict=True))
    ]
    last = len(values) - 1
    area = [f"{x_of(0)},{PLOT_BOTTOM}", *points, f"{x_of(last)},{PLOT_BOTTOM}"]
    return TimeChart(
        line=" ".join(points),
        area=" ".join(area),
        end=(x_of(last), y_of(values[last])),
        columns=columns,
        day_ticks=_day_ticks(
            [(day_label(days[index]), x_of(index)) for index in _spread(last + 1)],
            crowded=len(days) > DAY_TICKS,
        ),
        value_ticks=[ValueTick(value, y_of(value)) for value in ticks],
        direction=direction,
        axis_x=mirror(PLOT_START),
        y_label_x=mirror(PLOT_START - 6),
        plot_start=min(mirror(PLOT_START), mirror(PLOT_END)),
        plot_end=max(mirror(PLOT_START), mirror(PLOT_END)),
        baseline=PLOT_BOTTOM,
    )


def _day_ticks(labels: list[tuple[str, float]], crowded: bool) -> list[DayTick]:
    """Ticks under their days; on a crowded axis the last day sits near the chart's
    edge, so its label ends there rather than running past it."""
    ticks = [DayTick(label, x) for label, x in labels]
    if crowded:
        ticks[-1] = DayTick(ticks[-1].label, ticks[-1].x, "end")
    return ticks


def nice_ticks(largest: int, count: int = 5) -> list[int]:
    """Round values from 0 up to at least `largest`, in steps of 1, 2 or 5 times a
    power of ten, about `count` steps."""
    step = 1
    while largest > step * count:
        for factor in (2, 5, 10):
            if largest <= step * factor * count:
                step *= factor
                break
        else:
            step *= 10
    steps = max(-(-largest // step), 1)
    return [step * index for index in range(steps + 1)]


def _spread(length: int, most: int = DAY_TICKS) -> list[int]:
    """Up to `most` indexes spread evenly from the first to the last."""
    if length <= most:
        return list(range(length))
    return sorted({round(index * (length - 1) / (most - 1)) for index in range(most)})


def _shortened(label: str) -> str:
    return label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1].rstrip() + "…"
