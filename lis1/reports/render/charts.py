"""Charts as SVG with matplotlib, drawn from a table's own cells (so the chart and the table
beside it always show the same figures).

The object API (Figure, not pyplot) keeps no global state, so workers may draw in threads.
Text stays text in the SVG (svg.fonttype none): smaller files, selectable and translatable.
"""

from __future__ import annotations

import io
import math
import re
import textwrap

import matplotlib

matplotlib.use("Agg")

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


def _svg(figure: Figure, key: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # Scale with the page: keep the viewBox, drop the fixed size.
    svg = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r"<svg\1", svg, count=1)
    svg = _unique_ids(svg, f"chart-{key}")
    return svg.replace("<svg", '<svg aria-hidden="true" focusable="false" class="chart"', 1)


def _body_rows(table: Table) -> list:  # type: ignore[type-arg]
    return [row for row in table.rows if not row.total]


def _wrap(text: str, width: int = 16) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def bar_chart(table: Table, *, horizontal: bool = False) -> str:
    assert table.chart is not None
    rows = _body_rows(table)
    names = [label(str(row.cells[0])) for row in rows]
    keys = table.chart.values
    height = max(2.6, 0.28 * len(rows) * len(keys) + 0.8) if horizontal else 3.0
    figure = Figure(figsize=(6.4, height))
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
        axes.set_yticks(ticks, [_wrap(n, 34) for n in names])
        axes.invert_yaxis()
        axes.grid(axis="x", color="#ddd", linewidth=0.6)
    else:
        axes.set_xticks(ticks, [_wrap(n) for n in names])
        axes.grid(axis="y", color="#ddd", linewidth=0.6)
    axes.set_axisbelow(True)
    if len(keys) > 1:
        axes.legend(
            frameon=False,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12 if not horizontal else -0.06),
            ncols=len(keys),
        )
    return _svg(figure, table.key)


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
