"""Seat scenarios of the policy lab as background jobs: request one, run it (the task), and
turn its result into a `Report` that the report renderers export (XLSX, CSV, JSON, PDF) and
whose charts the pages show beside their tables.

The computing is `lis1.simulation_data` (the round's data -> the pure `lis1.simulation`);
this module only keeps what it returned, with who asked and when."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from lis1 import simulation_data
from lis1.jobs.services import job_enqueue, job_progress, job_run, job_succeed
from lis1.reports.build import DEC, INT, PCT, TEXT, Chart, Column, Report, Row, Section, Table
from lis1.reports.groups import gettext_noop
from lis1.reports.models import Scenario, ScenarioFile
from lis1.reports.render import Export, report_render
from lis1.rounds.models import Round
from lis1.simulation.documents import GROUP_WORDS

logger = logging.getLogger(__name__)

CHART_CACHE_SECONDS = 24 * 60 * 60
# The formats a scenario is exported in (HTML is the detail page itself).
EXPORT_FORMATS = ("xlsx", "csv", "json", "pdf")

# The figures of one projected round, in the simulation's keys, with their column labels.
ROUND_FIGURES = (
    ("applicants", gettext_noop("Applicants")),
    ("seats", gettext_noop("Seats")),
    ("placed", gettext_noop("Placed")),
    ("without_position", gettext_noop("Without a position")),
    ("without_position_low", gettext_noop("Without a position, low")),
    ("without_position_high", gettext_noop("Without a position, high")),
    ("unfilled", gettext_noop("Seats left unfilled")),
)
# The offer waves' figures beside the central match's: key, label and format.
OFFER_WAVE_FIGURES = (
    ("filled", gettext_noop("Seats filled"), INT),
    ("unfilled", gettext_noop("Seats left unfilled"), INT),
    ("unplaced", gettext_noop("Applicants without a position"), INT),
    ("offers", gettext_noop("Offers made"), INT),
    ("declined", gettext_noop("Offers declined"), INT),
    ("days", gettext_noop("Days until the last seat is filled"), INT),
    ("mean_days_to_fill", gettext_noop("Mean days to fill a seat"), DEC),
    ("mean_choice", gettext_noop("Mean choice obtained (1 = first choice)"), DEC),
    ("blocking_pairs", gettext_noop("Blocking pairs"), INT),
    ("rural_fill", gettext_noop("Rural seats filled (Helse Nord)"), PCT),
)
CHOICE_COMPARISON = (
    ("better_in_central_match", gettext_noop("The central match")),
    ("better_in_offer_waves", gettext_noop("The offer waves")),
    ("same", gettext_noop("Both the same")),
)
# The columns of one offer wave.
WAVE_COLUMNS = {
    "offer_day": gettext_noop("Offer day"),
    "answer_deadline_day": gettext_noop("Answer deadline (day)"),
    "offers": gettext_noop("Offers made"),
    "accepted": gettext_noop("Accepted"),
    "declined": gettext_noop("Offers declined"),
    "filled_after": gettext_noop("Seats filled after the wave"),
}
WAVE_CHART = ("offers", "accepted", "declined", "filled_after")
SOURCES = {
    "database": gettext_noop("Estimated from the database"),
    "published": gettext_noop("From the published figures"),
    "published_scaled": gettext_noop(
        "From the published figures, in proportion to the round's seats"
    ),
    "default": gettext_noop("Default"),
    "user": gettext_noop("Changed in this scenario"),
}


# --- the job ------------------------------------------------------------------------------


def scenario_request(
    *,
    round_: Round,
    name: str,
    parameters: dict[str, Any],
    seats_needed_question: dict[str, int] | None = None,
    requested_by: Any = None,
    language: str | None = None,
) -> Scenario:
    """Record a scenario and hand it to a worker once the row is committed."""
    scenario = Scenario.objects.create(
        round=round_,
        name=name,
        parameters=parameters,
        seats_needed_question=seats_needed_question,
        requested_by=requested_by,
        language=language or translation.get_language() or "nb",
    )
    job_enqueue(scenario)
    return scenario


def scenario_run(*, scenario: Scenario) -> Scenario:
    """Project the scenario and its baseline, simulate the round's offer waves and (when
    asked) search for the seats needed, as a job: progress is the replications done; a bad
    parameter or any other failure is recorded on the scenario with its message."""

    def work(job: Scenario) -> None:
        began = time.perf_counter()
        # The replications, then the offer waves, then the seats-needed search if asked.
        extra_steps = 2 if job.seats_needed_question else 1

        def progress(done: int, total: int) -> None:
            job_progress(job, done=done, total=total + extra_steps)

        with translation.override(job.language):
            result = simulation_data.scenario_json(job.round, job.parameters, progress=progress)
            total = (job.progress_total or extra_steps) - extra_steps
            seed = int(job.parameters.get("seed", 1))
            waves = simulation_data.offer_waves_json(job.round, seed=seed)
            job_progress(job, done=total + 1, total=total + extra_steps)
            needed = None
            if job.seats_needed_question:
                needed = simulation_data.seats_needed_json(
                    job.round, job.parameters, **job.seats_needed_question
                )
                job_progress(job, done=total + 2, total=total + extra_steps)
            # The exports, drawn now so that a download never waits for them.
            job.result, job.offer_waves, job.seats_needed = result, waves, needed
            job.finished_at = timezone.now()
            charts = _charts_in_every_language(job)
            files = scenario_exports(job, charts[job.language])
        with transaction.atomic():
            ScenarioFile.replace_all(job, files)
            job_succeed(
                job,
                result=result,
                offer_waves=waves,
                seats_needed=needed,
                charts=charts,
                duration_ms=round((time.perf_counter() - began) * 1000),
            )
            job.charts = charts

    done = job_run(Scenario, scenario.pk, work)
    return done if done is not None else scenario


# --- the report ---------------------------------------------------------------------------


def _rounds(document: dict[str, Any] | list | None) -> list[dict[str, Any]]:
    """The projected rounds of a scenario document (or of its baseline, a list of them)."""
    if isinstance(document, list):
        return document
    return list((document or {}).get("rounds") or [])


def _number(value: Any) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _round_table(key: str, title: str, short: str, rounds: Sequence[dict[str, Any]]) -> Table:
    columns = [Column("round", gettext_noop("Round"), TEXT)]
    columns += [Column(k, text) for k, text in ROUND_FIGURES]
    return Table(
        key=key,
        title=title,
        short_title=short,
        description=gettext_noop(
            "Means over the replications; low and high bound the middle 90 percent of them."
        ),
        columns=columns,
        rows=[
            Row([str(r.get("index", n))] + [_number(r.get(k)) for k, _ in ROUND_FIGURES])
            for n, r in enumerate(rounds, start=1)
        ],
        chart=Chart("bar", ("placed", "without_position")),
    )


def _without_position_table(scenario_rounds: list, baseline_rounds: list) -> Table:
    rows = []
    for n, r in enumerate(scenario_rounds, start=1):
        base = baseline_rounds[n - 1] if n <= len(baseline_rounds) else {}
        rows.append(
            Row(
                [
                    str(r.get("index", n)),
                    _number(base.get("without_position")),
                    _number(r.get("without_position")),
                    _number(r.get("without_position_low")),
                    _number(r.get("without_position_high")),
                ]
            )
        )
    return Table(
        key="scenario_without_position",
        title=gettext_noop("Doctors without a position, scenario against the baseline"),
        short_title=gettext_noop("Without a position"),
        description=gettext_noop(
            "Each round of the projection, the baseline (no change) and the scenario on the "
            "same seeds; low and high bound the middle 90 percent of the scenario's replications."
        ),
        columns=[
            Column("round", gettext_noop("Round"), TEXT),
            Column("baseline", gettext_noop("Baseline")),
            Column("scenario", gettext_noop("Scenario")),
            Column("scenario_low", gettext_noop("Scenario, low")),
            Column("scenario_high", gettext_noop("Scenario, high")),
        ],
        rows=rows,
        chart=Chart("bar", ("baseline", "scenario")),
    )


# Breakdowns each projected round carries (a mapping of group -> figure), by their key.
BREAKDOWNS = {
    "queue_by_rounds_waited": (
        gettext_noop("Queue by rounds waited, last projected round"),
        gettext_noop(
            "Doctors without a position after the round, by the rounds they have applied in "
            "without one (this round included)."
        ),
        gettext_noop("Queue by rounds waited"),
        gettext_noop("Rounds waited"),
        INT,
    ),
    "placed_share_by_group": (
        gettext_noop("Placed share by place of education, last projected round"),
        gettext_noop("The share of each group's applicants who start in a position."),
        gettext_noop("Placed by place of education"),
        gettext_noop("Place of education"),
        PCT,
    ),
}


def _breakdown_tables(scenario_rounds: list, baseline_rounds: list) -> list[Table]:
    """One table per breakdown of the last projected round: the baseline beside the scenario."""
    if not scenario_rounds:
        return []
    last, base = scenario_rounds[-1], (baseline_rounds[-1] if baseline_rounds else {})
    tables = []
    for key, (title, description, short, group, fmt) in BREAKDOWNS.items():
        value = last.get(key)
        if not isinstance(value, dict):
            continue
        base_values = base.get(key) or {}
        # The scenario's interval over replications, when the document gives it.
        interval = last.get(f"{key}_interval") or {}

        def bound(g: str, i: int, interval: dict = interval) -> int | float | None:
            pair = interval.get(g)
            return _number(pair[i]) if isinstance(pair, list) and len(pair) == 2 else None

        tables.append(
            Table(
                key=f"scenario_{key}",
                title=title,
                description=description,
                short_title=short,
                columns=[
                    Column("group", group, TEXT),
                    Column("baseline", gettext_noop("Baseline"), fmt),
                    Column("scenario", gettext_noop("Scenario"), fmt),
                    Column("scenario_low", gettext_noop("Scenario, low"), fmt),
                    Column("scenario_high", gettext_noop("Scenario, high"), fmt),
                ],
                rows=[
                    Row(
                        [
                            GROUP_WORDS.get(g, str(g)),
                            _number(base_values.get(g)),
                            _number(v),
                            bound(g, 0),
                            bound(g, 1),
                        ]
                    )
                    for g, v in value.items()
                ],
                chart=Chart("bar", ("baseline", "scenario"), percent=fmt == PCT),
            )
        )
    return tables


def _offer_wave_tables(document: dict[str, Any] | None) -> list[Table]:
    if not document:
        return []
    waves, central = document.get("offer_waves") or {}, document.get("central_match") or {}
    summary = Table(
        key="offer_waves_summary",
        title=gettext_noop("The offer waves against the central match, same lists"),
        short_title=gettext_noop("Offer waves and the match"),
        description=gettext_noop(
            "The round's lists run through the national offer waves as they work today, and "
            "through the central match. A blocking pair is an applicant and a position who "
            "both would rather have had each other than what they got."
        ),
        columns=[
            Column("figure", gettext_noop("Figure"), TEXT),
            Column("offer_waves", gettext_noop("Offer waves")),
            Column("central_match", gettext_noop("Central match")),
        ],
        rows=[
            Row([text, _number(waves.get(k)), _number(central.get(k))], fmt=fmt)
            for k, text, fmt in OFFER_WAVE_FIGURES
            if k in waves or k in central
        ],
    )
    tables = [summary]
    choices_waves = waves.get("choice_obtained") or {}
    choices_central = central.get("choice_obtained") or {}
    if choices_waves or choices_central:
        ranks = sorted(set(choices_waves) | set(choices_central), key=_rank_order)
        tables.append(
            Table(
                key="offer_waves_choice",
                title=gettext_noop("Choice obtained, offer waves against the central match"),
                short_title=gettext_noop("Choice obtained, waves"),
                description=gettext_noop(
                    "Placed applicants by the place on their own list of the position they got."
                ),
                columns=[
                    Column("choice", gettext_noop("Choice"), TEXT),
                    Column("offer_waves", gettext_noop("Offer waves")),
                    Column("central_match", gettext_noop("Central match")),
                ],
                rows=[
                    Row([str(r), _number(choices_waves.get(r)), _number(choices_central.get(r))])
                    for r in ranks
                ],
                chart=Chart("bar", ("offer_waves", "central_match")),
            )
        )
    compared = document.get("choice_comparison") or {}
    if compared:
        tables.append(
            Table(
                key="offer_waves_compared",
                title=gettext_noop("Which procedure placed each applicant higher on their list"),
                short_title=gettext_noop("Placed higher by"),
                description=gettext_noop(
                    "Every applicant, by the procedure that gave them the position higher on "
                    "their own list (no position counts as below every position)."
                ),
                columns=[
                    Column("procedure", gettext_noop("Placed higher by"), TEXT),
                    Column("applicants", gettext_noop("Applicants")),
                ],
                rows=[
                    Row([text, _number(compared.get(k))])
                    for k, text in CHOICE_COMPARISON
                    if k in compared
                ],
                chart=Chart("barh", ("applicants",)),
            )
        )
    rows = [w for w in document.get("waves") or [] if isinstance(w, dict)]
    if rows:
        figures = [k for k in WAVE_COLUMNS if k in rows[0]]
        tables.append(
            Table(
                key="offer_waves_by_wave",
                title=gettext_noop("The offer waves one by one"),
                short_title=gettext_noop("Offer waves one by one"),
                description=gettext_noop("Days are counted from the first offer day."),
                columns=[Column("wave", gettext_noop("Wave"), TEXT)]
                + [Column(k, WAVE_COLUMNS[k]) for k in figures],
                rows=[
                    Row([str(w.get("wave")), *(_number(w.get(k)) for k in figures)]) for w in rows
                ],
                chart=Chart("bar", tuple(k for k in WAVE_CHART if k in figures)),
            )
        )
    return tables


def _rank_order(rank: str) -> tuple[int, str]:
    return (int(rank), "") if str(rank).isdigit() else (10**6, str(rank))


# The seats-needed answer's figures, by key.
SEATS_NEEDED_FIGURES = (
    ("extra_seats", gettext_noop("Extra seats per round needed")),
    ("reached", gettext_noop("Target reached")),
    ("queue", gettext_noop("Queue at the round it is reached")),
    ("round_index", gettext_noop("Round it is reached")),
    ("ceiling", gettext_noop("Most extra seats tried")),
    ("evaluations", gettext_noop("Projections run in the search")),
)
SEATS_NEEDED_QUESTION = (
    ("waited_rounds", gettext_noop("Doctors who have waited more than (rounds)")),
    ("target", gettext_noop("At most this many such doctors")),
    ("within", gettext_noop("Within (rounds)")),
)

PARAMETER_LABELS = (
    ("rounds", gettext_noop("Rounds projected")),
    ("replications", gettext_noop("Replications")),
    ("seed", gettext_noop("Seed")),
    ("extra_seats", gettext_noop("Extra seats per round, national")),
    ("extra_seats_by_region", gettext_noop("Extra seats per round by region")),
    ("extra_seats_by_trust", gettext_noop("Extra seats per round by trust")),
    ("part_only_months", gettext_noop("Part-only positions, months (proposal 2)")),
    ("fill_from_last_lists", gettext_noop("Extra seats filled from the last lists (1 and 5)")),
    ("foreign_track_share", gettext_noop("Share of seats in the foreign track (proposal 7)")),
)


def parameter_text(key: str, value: Any) -> str:
    """A parameter's value as a reader reads it (a mapping as "code: n, …")."""
    if value is None:
        return "–"
    if isinstance(value, list | tuple):
        return ", ".join(f"{v:.6g}" if isinstance(v, float) else str(v) for v in value)
    if isinstance(value, bool):
        return gettext_noop("Yes") if value else gettext_noop("No")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "–"
    if key == "foreign_track_share" and isinstance(value, int | float):
        return f"{value * 100:g} %"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _parameter_tables(scenario: Scenario) -> list[Table]:
    params = scenario.parameters or {}
    tables = [
        Table(
            key="scenario_parameters",
            title=gettext_noop("The scenario's parameters"),
            short_title=gettext_noop("Parameters"),
            columns=[
                Column("parameter", gettext_noop("Parameter"), TEXT),
                Column("value", gettext_noop("Value"), TEXT),
            ],
            rows=[
                Row([text, parameter_text(k, params.get(k))])
                for k, text in PARAMETER_LABELS
                if k in params
            ],
        )
    ]
    assumptions = (scenario.result or {}).get("assumptions") or {}
    if assumptions:
        tables.append(
            Table(
                key="scenario_assumptions",
                title=gettext_noop("Assumptions of the projection"),
                short_title=gettext_noop("Assumptions"),
                columns=[
                    Column("assumption", gettext_noop("Assumption"), TEXT),
                    Column("value", gettext_noop("Value"), TEXT),
                    Column("source", gettext_noop("Source"), TEXT),
                ],
                rows=[
                    Row(
                        [
                            str(a.get("label") or name),
                            parameter_text(name, a.get("value")),
                            SOURCES.get(str(a.get("source")), str(a.get("source"))),
                        ]
                    )
                    for name, a in assumptions.items()
                    if isinstance(a, dict)
                ],
            )
        )
    needed = scenario.seats_needed
    if needed:
        tables.append(
            Table(
                key="seats_needed",
                title=gettext_noop("Seats needed"),
                short_title=gettext_noop("Seats needed"),
                columns=[
                    Column("figure", gettext_noop("Figure"), TEXT),
                    Column("value", gettext_noop("Value"), TEXT),
                ],
                rows=[
                    Row([text, parameter_text(k, (scenario.seats_needed_question or {}).get(k))])
                    for k, text in SEATS_NEEDED_QUESTION
                ]
                + [
                    Row([text, parameter_text(k, needed.get(k))])
                    for k, text in SEATS_NEEDED_FIGURES
                    if k in needed
                ],
            )
        )
    return tables


def scenario_report(scenario: Scenario) -> Report:
    """The scenario as a report of sections and tables (labels are msgids; the renderers
    translate them)."""
    scenario_rounds = _rounds(scenario.result)
    baseline_rounds = _rounds((scenario.result or {}).get("baseline"))
    round_ = scenario.round
    results = [
        _without_position_table(scenario_rounds, baseline_rounds),
        _round_table(
            "scenario_rounds",
            gettext_noop("The scenario round by round"),
            gettext_noop("Scenario by round"),
            scenario_rounds,
        ),
        _round_table(
            "baseline_rounds",
            gettext_noop("The baseline round by round"),
            gettext_noop("Baseline by round"),
            baseline_rounds,
        ),
        *_breakdown_tables(scenario_rounds, baseline_rounds),
    ]
    sections = [
        Section("results", gettext_noop("The scenario against the baseline"), results),
        Section(
            "offer_waves",
            gettext_noop("The offer waves against the central match"),
            _offer_wave_tables(scenario.offer_waves),
        ),
        Section(
            "parameters", gettext_noop("Parameters and assumptions"), _parameter_tables(scenario)
        ),
    ]
    return Report(
        title=gettext_noop("Seat scenario"),
        round_slug=f"{round_.slug}-{scenario.pk}",
        round_name=f"{scenario.name} ({round_})",
        season=round_.season,
        year=round_.year,
        data_as_of=scenario.finished_at or scenario.created_at or timezone.now(),
        internal=True,
        previous_round_name=None,
        without_position_basis="offered",
        sections=[s for s in sections if s.tables],
        notes=[
            gettext_noop(
                "A scenario is a projection, not a forecast: it shows what the assumptions "
                "imply, on synthetic rankings calibrated to the round."
            ),
            gettext_noop(
                "The scenario and its baseline are simulated on the same seeds, so that a "
                "difference between them comes from the scenario, not from chance."
            ),
        ],
    )


def tables_charts(key: str, tables: Iterable[Table]) -> dict[str, str]:
    """The tables' charts (SVG by table key), cached by `key` and the language: the same
    figures draw the same charts, so the job, the page and the PDF draw them once."""
    cache_key = f"lis1:scenario-charts:{translation.get_language() or 'nb'}:{key}"
    charts = cache.get(cache_key)
    if charts is None:
        charts = _draw_charts(tables)
        cache.set(cache_key, charts, CHART_CACHE_SECONDS)
    return charts


def _draw_charts(tables: Iterable[Table]) -> dict[str, str]:
    from lis1.reports.render.charts import chart_svg

    charts = {}
    for table in tables:
        svg = chart_svg(table)
        if svg:
            charts[table.key] = svg
    return charts


def scenario_charts(scenario: Scenario, report: Report | None = None) -> dict[str, str]:
    """A scenario's charts in the current language: the ones its job stored (every
    language), else drawn and cached (a scenario finished before the job stored them)."""
    stored = (scenario.charts or {}).get(translation.get_language() or settings.LANGUAGE_CODE)
    if stored is not None:
        return dict(stored)
    report = report or scenario_report(scenario)
    return tables_charts(f"{scenario.pk}:{scenario.attempt}", report.tables())


def _charts_in_every_language(scenario: Scenario) -> dict[str, dict[str, str]]:
    """The finished scenario's charts drawn in each UI language, for the job to store (in
    the row, not also in the cache: the page reads the row)."""
    charts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            charts[language] = _draw_charts(scenario_report(scenario).tables())
    return charts


def scenario_exports(scenario: Scenario, charts: dict[str, str]) -> list[tuple[str, Export]]:
    """Every export format, with the charts already drawn in the current language."""
    report = scenario_report(scenario)
    exports = []
    for fmt in EXPORT_FORMATS:
        filename, content_type, content = report_render(report, fmt, charts=charts)
        exports.append(
            (fmt, (filename.replace("lis1-report-", "lis1-scenario-", 1), content_type, content))
        )
    return exports


def scenarios_compare_table(scenarios: Iterable[Scenario]) -> Table:
    """Doctors without a position round by round, one column per scenario (and the first
    one's baseline), for the side-by-side page."""
    scenarios = list(scenarios)
    per = [_rounds(s.result) for s in scenarios]
    baseline = _rounds((scenarios[0].result or {}).get("baseline")) if scenarios else []
    length = max([len(r) for r in per] + [len(baseline)], default=0)
    columns = [
        Column("round", gettext_noop("Round"), TEXT),
        Column("baseline", gettext_noop("Baseline")),
    ]
    columns += [Column(f"s{s.pk}", f"{s.name} (#{s.pk})") for s in scenarios]

    def at(rows: list, n: int) -> int | float | None:
        return _number(rows[n].get("without_position")) if n < len(rows) else None

    return Table(
        key="scenarios_compared",
        title=gettext_noop("Doctors without a position, the scenarios side by side"),
        short_title=gettext_noop("Scenarios compared"),
        columns=columns,
        rows=[Row([str(n + 1), at(baseline, n)] + [at(r, n) for r in per]) for n in range(length)],
        chart=Chart("bar", tuple(c.key for c in columns[1:])),
    )


def scenarios_compare_tables(scenarios: Sequence[Scenario]) -> list[Table]:
    """The side-by-side page: doctors without a position by round (with its chart), then the
    last projected round's figures and the parameters, one column per scenario."""
    columns = [Column(f"s{s.pk}", f"{s.name} (#{s.pk})") for s in scenarios]
    lasts = [(_rounds(s.result) or [{}])[-1] for s in scenarios]
    last_round = Table(
        key="scenarios_last_round",
        title=gettext_noop("The last projected round, the scenarios side by side"),
        short_title=gettext_noop("Last round compared"),
        columns=[Column("figure", gettext_noop("Figure"), TEXT), *columns],
        rows=[Row([text] + [_number(last.get(k)) for last in lasts]) for k, text in ROUND_FIGURES],
    )
    parameters = Table(
        key="scenarios_parameters",
        title=gettext_noop("The parameters, the scenarios side by side"),
        short_title=gettext_noop("Parameters compared"),
        columns=[Column("parameter", gettext_noop("Parameter"), TEXT)]
        + [Column(c.key, c.label, TEXT) for c in columns],
        rows=[
            Row([text, *(parameter_text(k, (s.parameters or {}).get(k)) for s in scenarios)])
            for k, text in PARAMETER_LABELS
        ]
        + [Row([gettext_noop("Round"), *(str(s.round) for s in scenarios)])],
    )
    return [scenarios_compare_table(scenarios), last_round, parameters]
