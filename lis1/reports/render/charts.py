"""Charts as SVG with matplotlib, drawn from a table's own cells (so the chart and the table
beside it always show the same figures).

The object API (Figure, not pyplot) keeps no global state, so workers may draw in threads.
Text stays text in the SVG (svg.fonttype none): smaller files, selectable and translatable.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import textwrap

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from lis1.reports.build import PCT, Report, Table
from lis1.reports.render.text import label

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "lis1-report",  # stable ids: the same report draws the same bytes
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
    }
)

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else math.nan


def _unique_ids(svg: str, prefix: str) -> str:
    """Prefix the ids matplotlib gives (figure_1, patch_3 …), which repeat in every chart,
    so that many charts can live in one HTML document."""
    ids = set(re.findall(r'id="([^"]+)"', svg))
    if not ids:
        return svg
    pattern = re.compile(
        r'(id="|#)(' + "|".join(map(re.escape, sorted(ids, key=len, reverse=True))) + r")\b"
    )
    return pattern.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)


def _svg(figure: Figure, key: str, *, tight: bool = True) -> str:
    buffer = io.StringIO()
    figure.savefig(
        buffer, format="svg", bbox_inches="tight" if tight else None, metadata={"Date": None}
    )
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # Scale with the page: keep the viewBox, drop the fixed size.
    svg = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r"<svg\1", svg, count=1)
    svg = _unique_ids(svg, f"chart-{key}")
    return svg.replace("<svg", '<svg aria-hidden="true" focusable="false" class="chart"', 1)


def _body_rows(table: Table) -> list:
    return [row for row in table.rows if not row.total]


def _wrap(text: str, width: int = 16) -> str:
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


# Bar charts are drawn at the width they are printed at, the A4 page less its margins (the
# report's @page), so that a 9 pt label is 9 pt on paper; the page scales them on screen.
PAGE_WIDTH_IN = (210 - 2 * 12) / 25.4
FONT_PT = matplotlib.rcParams["font.size"]
BAR_IN = 0.095  # the thickness of one horizontal bar
GROUP_GAP_IN = 0.075  # between the groups of bars of two rows
FRAME_IN = 0.95  # the value axes above and below and the legend
VERTICAL_HEIGHT_IN = 3.0


def horizontal_height(rows: int, values: int) -> float:
    """A horizontal bar chart's height: one band of `values` bars per row, so it grows with
    the number of rows instead of squeezing their labels together."""
    return max(2.2, rows * (values * BAR_IN + GROUP_GAP_IN) + FRAME_IN)


def _label_width(rows: int) -> int:
    """Characters per line that fit under one group of vertical bars."""
    slot_pt = PAGE_WIDTH_IN * 72 * 0.85 / max(rows, 1)
    return max(6, int(slot_pt / (0.62 * FONT_PT)))


def overlapping_labels(figure: Figure, axis: str = "x") -> list[tuple[str, str]]:
    """Pairs of neighbouring tick labels whose boxes overlap, as drawn (measured with Agg,
    which sets text in the same DejaVu Sans as the SVG)."""
    canvas = (
        figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    )
    figure.draw_without_rendering()
    renderer = canvas.get_renderer()
    axes = figure.axes[0]
    ticks = axes.get_xticklabels() if axis == "x" else axes.get_yticklabels()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ticks if t.get_text()]
    return [(a, b) for (a, box_a), (b, box_b) in itertools.pairwise(boxes) if box_a.overlaps(box_b)]


def bar_figure(table: Table, *, horizontal: bool = False) -> Figure:
    """The figure of a bar chart: vertical groups of bars, or horizontal ones (one band per
    row, full names beside them, e.g. the 22 trusts)."""
    assert table.chart is not None
    rows = _body_rows(table)
    names = [label(str(row.cells[0])) for row in rows]
    keys = table.chart.values
    height = horizontal_height(len(rows), len(keys)) if horizontal else VERTICAL_HEIGHT_IN
    figure = Figure(figsize=(PAGE_WIDTH_IN, height), layout="constrained")
    axes = figure.add_subplot()
    band = 0.8 / len(keys)
    for i, key in enumerate(keys):
        column = table.columns[table.index(key)]
        values = [_number(row.cells[table.index(key)]) for row in rows]
        positions = [n + (i - (len(keys) - 1) / 2) * band for n in range(len(rows))]
        if horizontal:
            axes.barh(positions, values, band, label=label(column.label), color=COLOURS[i])
        else:
            axes.bar(positions, values, band, label=label(column.label), color=COLOURS[i])
    ticks = list(range(len(rows)))
    value_axis = axes.xaxis if horizontal else axes.yaxis
    if table.chart.percent:
        value_axis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    else:
        value_axis.set_major_locator(MaxNLocator(integer=True))
        value_axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}".replace(",", " ")))
    if horizontal:
        axes.set_yticks(ticks, names)
        axes.set_ylim(len(rows) - 0.5, -0.5)  # the first row on top, no empty band
        axes.tick_params(axis="y", length=0)
        # A tall chart shows its scale at the top as well as at the foot.
        axes.tick_params(axis="x", top=True, labeltop=True)
        axes.grid(axis="x", color="#ddd", linewidth=0.6)
    else:
        axes.set_xticks(ticks, [_wrap(n, _label_width(len(rows))) for n in names])
        axes.grid(axis="y", color="#ddd", linewidth=0.6)
    axes.set_axisbelow(True)
    if len(keys) > 1:
        axes.legend(
            frameon=False,
            loc="lower center" if horizontal else "upper center",
            bbox_to_anchor=(0.5, 1.04) if horizontal else (0.5, -0.14),
            ncols=len(keys),
        )
    if not horizontal and overlapping_labels(figure):
        # Still too long side by side once wrapped: slant them.
        for tick in axes.get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    return figure


def bar_chart(table: Table, *, horizontal: bool = False) -> str:
    return _svg(bar_figure(table, horizontal=horizontal), table.key, tight=False)


def series_labels(table: Table) -> list[str]:
    """One category per round, oldest first: "Spring" over "2018" in the report's language."""
    season_i, year_i = table.index("season"), table.index("year")
    return [f"{label(str(row.cells[season_i]))}\n{row.cells[year_i]}" for row in _body_rows(table)]


def series_figure(table: Table) -> Figure:
    """Counts per round (spring and autumn as separate lines) over an axis of rounds, the
    shares on a second axis: the directorate's recurring chart. A figure not published is a
    gap in its line, never a zero."""
    assert table.chart is not None
    rows = _body_rows(table)
    season_i = table.index("season")
    keys = [k for k in table.chart.values if table.columns[table.index(k)].fmt != PCT]
    share_keys = [k for k in table.chart.values if table.columns[table.index(k)].fmt == PCT]
    figure = Figure(figsize=(6.4, 3.6))
    axes = figure.add_subplot()
    has_shares = any(
        isinstance(row.cells[table.index(k)], int | float) for row in rows for k in share_keys
    )
    share_axes = axes.twinx() if has_shares else None
    if share_axes is not None:
        share_axes.spines["right"].set_visible(True)
    seasons: dict[str, list[int]] = {}
    for x, row in enumerate(rows):
        seasons.setdefault(str(row.cells[season_i]), []).append(x)
    styles = {0: "-", 1: "--"}
    for n, (season, xs) in enumerate(sorted(seasons.items(), key=lambda s: s[0] != "Spring")):
        name = label(season).lower()
        plots = [(axes, key, i) for i, key in enumerate(keys)]
        if share_axes is not None:
            plots += [(share_axes, key, len(keys) + i) for i, key in enumerate(share_keys)]
        for target, key, colour in plots:
            column = table.columns[table.index(key)]
            target.plot(
                xs,
                [_number(rows[x].cells[table.index(key)]) for x in xs],
                styles.get(n, ":"),
                marker="^" if column.fmt == PCT else "os"[n % 2],
                color=COLOURS[colour % len(COLOURS)],
                label=f"{label(column.label)} ({name})",
            )
    labels = series_labels(table)
    axes.set_xticks(range(len(rows)), labels, fontsize=8 if len(rows) <= 14 else 7)
    axes.set_xlim(-0.5, len(rows) - 0.5)
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}".replace(",", " ")))
    axes.grid(axis="y", color="#ddd", linewidth=0.6)
    handles, legend_labels = axes.get_legend_handles_labels()
    if share_axes is not None:
        share_axes.set_ylim(0, 1)
        share_axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        more_handles, more_labels = share_axes.get_legend_handles_labels()
        handles, legend_labels = handles + more_handles, legend_labels + more_labels
    axes.legend(
        handles,
        legend_labels,
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncols=2,
        fontsize=8,
    )
    return figure


def series_chart(table: Table) -> str:
    return _svg(series_figure(table), table.key)


def chart_svg(table: Table) -> str | None:
    if table.chart is None or not _body_rows(table):
        return None
    if table.chart.kind == "series":
        return series_chart(table)
    return bar_chart(table, horizontal=table.chart.kind == "barh")


def report_charts(report: Report) -> dict[str, str]:
    """Every chart of the report, by table key."""
    charts = {}
    for table in report.tables():
        svg = chart_svg(table)
        if svg:
            charts[table.key] = svg
    return charts
