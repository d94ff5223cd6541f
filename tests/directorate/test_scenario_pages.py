"""The directorate's scenario pages ("Scenarier"): the form with its defaults and sources, the
job (run eagerly after commit), the results beside their charts, exports, comparison, retry
and delete; bad input is a form error (never a 500), and only directorate staff get in."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from lis1 import simulation_data
from lis1.jobs.models import JobStatus
from lis1.reports.models import Scenario
from lis1.reports.scenarios import scenario_request, scenario_run
from tests.conftest import client_for
from tests.reports import conftest as report_fixtures

pytestmark = pytest.mark.django_db

# The round the scenarios start from (two regions, three trusts, seven applicants).
report_round = report_fixtures.report_round

# Small enough to run in a test; the defaults (10 rounds, 200 replications) are for people.
QUICK = {"rounds": "3", "replications": "4", "seed": "7", "extra_seats": "2"}


def _post_data(round_, **changes):  # type: ignore[no-untyped-def]
    """The form as its defaults fill it, with QUICK and `changes` on top."""
    defaults = simulation_data.scenario_defaults(round_)
    data = {"name": "Two more seats", **QUICK}
    for name, assumption in (defaults.get("assumptions") or {}).items():
        value = assumption["value"]
        data[f"assumption_{name}"] = (
            ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        )
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _new_url(round_) -> str:  # type: ignore[no-untyped-def]
    return reverse("directorate:scenario_new") + f"?runde={round_.slug}"


def _finished(round_, name="Scenario", language="en", **params):  # type: ignore[no-untyped-def]
    parameters = {**simulation_data.scenario_defaults(round_), "rounds": 3, "replications": 4}
    parameters.update(params)
    scenario = scenario_request(round_=round_, name=name, parameters=parameters, language=language)
    return scenario_run(scenario=scenario)


@pytest.fixture
def english(directorate_user):  # type: ignore[no-untyped-def]
    client = client_for(directorate_user)
    client.cookies["lis1_language"] = "en"
    return client


def test_form_shows_the_round_defaults_with_their_sources(report_round, english) -> None:  # type: ignore[no-untyped-def]
    round_ = report_round["round"]
    response = english.get(_new_url(round_))
    assert response.status_code == 200
    form = response.context["form"]
    defaults = simulation_data.scenario_defaults(round_)
    assert form.initial["rounds"] == defaults["rounds"]
    assert form.initial["replications"] == defaults["replications"]
    body = response.content.decode()
    for assumption in defaults["assumptions"].values():
        assert escape(str(assumption["label"])) in body
    # Every numeric assumption is editable and says where its default comes from.
    assert form.assumption_fields
    assert all("Source:" in str(field.help_text) for field in form.assumption_fields)
    # The regions and the trusts of the round each have a field for their extra seats.
    assert {f.name for f in form.region_fields} == {"region_nord", "region_vest"}
    assert len(form.trust_fields) == 3
    assert 'role="switch"' in body


def test_a_scenario_runs_as_a_job_after_commit_and_shows_its_results(  # type: ignore[no-untyped-def]
    report_round, english, directorate_user, django_capture_on_commit_callbacks
) -> None:
    round_ = report_round["round"]
    data = _post_data(round_, region_vest="1", fill_from_last_lists="on")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = english.post(_new_url(round_), data)
    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("directorate:scenario", args=[scenario.pk])
    assert (scenario.status, scenario.requested_by, scenario.round) == (
        JobStatus.QUEUED,
        directorate_user,
        round_,
    )
    assert scenario.parameters["extra_seats"] == 2
    assert scenario.parameters["extra_seats_by_region"] == {"Helse Vest RHF": 1}
    assert scenario.parameters["fill_from_last_lists"] is True
    assert scenario.parameters["part_only_months"] == 0
    assert scenario.parameters["assumptions"] == {}  # the defaults, posted back unchanged
    # Queued: the page polls its status (and refreshes without JavaScript).
    page = english.get(response.url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert '<meta http-equiv="refresh"' in page
    status = reverse("directorate:scenario_status", args=[scenario.pk])
    assert "HX-Refresh" not in english.get(status)

    for callback in callbacks:
        callback()

    scenario.refresh_from_db()
    assert scenario.status == JobStatus.SUCCEEDED, scenario.error
    assert scenario.result["format"] == "lis1-scenario/1"
    assert [r["index"] for r in scenario.result["rounds"]] == [1, 2, 3]
    assert len(scenario.result["baseline"]) == 3
    assert scenario.offer_waves["format"] == "lis1-offer-waves/1"
    assert scenario.progress_total and scenario.progress_done == scenario.progress_total
    assert english.get(status)["HX-Refresh"] == "true"

    page = english.get(response.url)
    body = page.content.decode()
    assert 'hx-trigger="every 2s"' not in body
    assert body.count('src="data:image/svg+xml;base64,') >= 3
    without = next(
        t
        for s in page.context["sections"]
        for t in s["tables"]
        if t["key"] == "scenario_without_position"
    )
    assert len(without["rows"]) == 3
    assert "The offer waves against the central match" in body
    tables = {t["key"]: t for s in page.context["sections"] for t in s["tables"]}
    keys = set(tables)
    # The breakdowns of the last round: one row per group, the figures of both runs.
    last, base = scenario.result["rounds"][-1], scenario.result["baseline"][-1]
    queue = tables["scenario_queue_by_rounds_waited"]["rows"]
    assert [r["cells"][0].text for r in queue] == list(last["queue_by_rounds_waited"])
    shares = tables["scenario_placed_share_by_group"]["rows"]
    assert len(shares) == len(last["placed_share_by_group"]) == 3
    assert all(c.text != "–" for r in queue + shares for c in r["cells"])
    assert [r["cells"][0].text for r in shares] == [
        {"norway": "educated in Norway", "eea": "educated in another EU/EEA country"}.get(
            g, "educated outside the EU/EEA"
        )
        for g in last["placed_share_by_group"]
    ]
    assert base["queue_by_rounds_waited"].keys() == last["queue_by_rounds_waited"].keys()
    # Only the breakdowns, each with the scenario's interval beside its mean.
    assert not any(k.endswith("_interval") for k in keys)
    assert [h["text"] for h in tables["scenario_queue_by_rounds_waited"]["headers"]][-2:] == [
        "Scenario, low",
        "Scenario, high",
    ]
    waves = tables["offer_waves_by_wave"]
    assert [h["text"] for h in waves["headers"]][:4] == [
        "Wave",
        "Offer day",
        "Answer deadline (day)",
        "Offers made",
    ]
    assert len(waves["rows"]) == 5
    assert {
        "offer_waves_summary",
        "offer_waves_compared",
        "offer_waves_by_wave",
        "scenario_queue_by_rounds_waited",
        "scenario_placed_share_by_group",
        "scenario_assumptions",
    } <= keys
    for fmt in ("xlsx", "csv", "json", "pdf"):
        assert reverse("directorate:scenario_download", args=[scenario.pk, fmt]) in body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rounds": "0"}, "rounds"),
        ({"rounds": "many"}, "rounds"),
        ({"replications": "100000"}, "replications"),
        ({"seed": "-1"}, "seed"),
        ({"extra_seats": "-5"}, "extra_seats"),
        ({"region_vest": "-1"}, "region_vest"),
        ({"name": ""}, "name"),
        ({"part_only": "on"}, "part_only_months"),
        ({"foreign_track": "on", "foreign_track_share": "150"}, "foreign_track_share"),
        ({"foreign_track": "on"}, "foreign_track_share"),
        ({"waited_rounds": "2", "target": "10", "within": "9"}, "within"),
        ({"waited_rounds": "2"}, "__all__"),
    ],
)
def test_bad_input_is_a_form_error_and_runs_nothing(report_round, english, changes, field) -> None:  # type: ignore[no-untyped-def]
    round_ = report_round["round"]
    response = english.post(_new_url(round_), _post_data(round_, **changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Please correct the following" in response.content.decode()
    assert Scenario.objects.count() == 0


def test_a_bad_assumption_value_is_a_form_error(report_round, english) -> None:  # type: ignore[no-untyped-def]
    round_ = report_round["round"]
    form = english.get(_new_url(round_)).context["form"]
    name = form.assumption_fields[0].name
    response = english.post(_new_url(round_), _post_data(round_, **{name: "lots"}))
    assert response.status_code == 400
    assert name in response.context["form"].errors


def test_an_unknown_round_is_a_form_error(report_round, english) -> None:  # type: ignore[no-untyped-def]
    response = english.get(reverse("directorate:scenario_new") + "?runde=no-such-round")
    assert response.status_code == 400
    assert "runde" in response.context["rounds"].errors


def test_a_changed_assumption_is_passed_on_and_marked_as_changed(  # type: ignore[no-untyped-def]
    report_round, english, django_capture_on_commit_callbacks
) -> None:
    round_ = report_round["round"]
    defaults = simulation_data.scenario_defaults(round_)["assumptions"]
    assert defaults["withdrawal_rate"]["source"] != "user"
    changed = 0.2 if defaults["withdrawal_rate"]["value"] != 0.2 else 0.3
    data = _post_data(round_, assumption_withdrawal_rate=str(changed))
    with django_capture_on_commit_callbacks(execute=True):
        english.post(_new_url(round_), data)
    scenario = Scenario.objects.get()
    # Only the changed assumption is passed on; the result marks it as changed.
    assert scenario.parameters["assumptions"] == {"withdrawal_rate": changed}
    assert scenario.status == JobStatus.SUCCEEDED, scenario.error
    used = scenario.result["assumptions"]["withdrawal_rate"]
    assert (used["value"], used["source"]) == (changed, "user")
    assert all(
        a["source"] != "user"
        for n, a in scenario.result["assumptions"].items()
        if n != "withdrawal_rate"
    )


def test_the_form_as_shown_posts_back_no_changed_assumption(report_round, english) -> None:  # type: ignore[no-untyped-def]
    round_ = report_round["round"]
    form = english.get(_new_url(round_)).context["form"]
    # What the page shows (estimates to six significant digits), sent back as it is.
    shown = {f.name: str(form.initial[f.name]) for f in form.assumption_fields}
    assert any(len(v) < 12 for v in shown.values())
    response = english.post(_new_url(round_), {**_post_data(round_), **shown})
    assert response.status_code == 302
    assert Scenario.objects.get().parameters["assumptions"] == {}


def test_the_simulations_own_rules_are_form_errors(report_round, english) -> None:  # type: ignore[no-untyped-def]
    round_ = report_round["round"]
    # A share above 1 and a list of the wrong length pass the field types but not the lab.
    response = english.post(_new_url(round_), _post_data(round_, assumption_withdrawal_rate="1.5"))
    assert response.status_code == 400
    assert "assumption_withdrawal_rate" in response.context["form"].errors
    response = english.post(
        _new_url(round_), _post_data(round_, assumption_reapply_norway="0.5, 0.4")
    )
    assert response.status_code == 400
    assert "assumption_reapply_norway" in response.context["form"].errors
    assert Scenario.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "label", "rule"),
    [
        ("nb", "Andel plasserte leger som trekker seg før start", "må være en andel fra 0 til 1"),
        ("nn", "Del plasserte legar som trekkjer seg før start", "må vere ein del frå 0 til 1"),
        ("en", "Share of placed doctors who withdraw before the start", "must be a share from 0"),
    ],
)
def test_the_simulations_rules_speak_the_pages_language(  # type: ignore[no-untyped-def]
    report_round, directorate_user, language, label, rule
) -> None:
    round_ = report_round["round"]
    client = client_for(directorate_user)
    client.cookies["lis1_language"] = language
    response = client.post(_new_url(round_), _post_data(round_, assumption_withdrawal_rate="1.5"))
    assert response.status_code == 400
    # The message names the field by its label in the page's language, not the lab's key.
    [message] = response.context["form"].errors["assumption_withdrawal_rate"]
    assert message.startswith(f"«{label}» {rule}"), message
    assert "withdrawal_rate" not in message
    assert Scenario.objects.count() == 0


def test_a_round_too_large_for_the_lab_is_a_form_error(  # type: ignore[no-untyped-def]
    report_round, directorate_user, monkeypatch
) -> None:
    from lis1.simulation import projection

    monkeypatch.setattr(projection, "MAX_MARKET_CELLS", 10)
    round_ = report_round["round"]
    client = client_for(directorate_user)  # Bokmål
    response = client.post(_new_url(round_), _post_data(round_))
    assert response.status_code == 400
    [message] = response.context["form"].non_field_errors()
    assert message.startswith("Runden er for stor for scenarioberegningen:"), message
    assert "leger over rundene og 3 stillinger, mer enn 5 par" in message
    assert Scenario.objects.count() == 0


def test_the_job_stores_the_charts_in_every_language_and_the_page_draws_none(  # type: ignore[no-untyped-def]
    report_round, directorate_user, monkeypatch
) -> None:
    from django.core.cache import cache

    from lis1.reports.render import charts as chart_module

    scenario = _finished(report_round["round"], language="en")
    assert set(scenario.charts) == {"nb", "nn", "en"}
    assert all(svg.lstrip().startswith("<") for svg in scenario.charts["nn"].values())
    assert scenario.charts["nn"] != scenario.charts["en"]  # the titles are translated
    # Days later (the cache is gone), in another language: the page shows the stored charts.
    cache.clear()

    def no_drawing(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the page drew a chart")

    monkeypatch.setattr(chart_module, "chart_svg", no_drawing)
    client = client_for(directorate_user)
    client.cookies["lis1_language"] = "nn"
    body = client.get(reverse("directorate:scenario", args=[scenario.pk])).content.decode()
    assert body.count('src="data:image/svg+xml;base64,') == len(scenario.charts["nn"]) >= 3


def test_the_seats_needed_question_is_answered(
    report_round, english, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = report_round["round"]
    data = _post_data(round_, waited_rounds="1", target="0", within="3")
    with django_capture_on_commit_callbacks(execute=True):
        english.post(_new_url(round_), data)
    scenario = Scenario.objects.get()
    assert scenario.status == JobStatus.SUCCEEDED, scenario.error
    assert scenario.seats_needed_question == {"waited_rounds": 1, "target": 0, "within": 3}
    assert scenario.seats_needed
    page = english.get(reverse("directorate:scenario", args=[scenario.pk])).content.decode()
    assert "Seats needed" in page


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_exports_parse_in_every_language(report_round, directorate_user, language) -> None:  # type: ignore[no-untyped-def]
    # The exports are rendered by the job, in the language the scenario was asked in.
    scenario = _finished(report_round["round"], name="Eksport", language=language)
    assert sorted(scenario.files.values_list("format", flat=True)) == ["csv", "json", "pdf", "xlsx"]
    client = client_for(directorate_user)
    client.cookies["lis1_language"] = language

    def get(fmt: str):  # type: ignore[no-untyped-def]
        response = client.get(reverse("directorate:scenario_download", args=[scenario.pk, fmt]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert "lis1-scenario-" in response["Content-Disposition"]
        return response.content

    workbook = openpyxl.load_workbook(io.BytesIO(get("xlsx")), read_only=True)
    assert len(workbook.sheetnames) >= 6
    assert all(len(name) <= 31 for name in workbook.sheetnames), workbook.sheetnames
    assert len(set(workbook.sheetnames)) == len(workbook.sheetnames)
    document = json.loads(get("json"))
    tables = {t["key"]: t for s in document["sections"] for t in s["tables"]}
    assert len(tables["scenario_without_position"]["rows"]) == 3
    assert document["language"] == language
    with zipfile.ZipFile(io.BytesIO(get("csv"))) as archive:
        names = archive.namelist()
        assert any(n.endswith("scenario_without_position.csv") for n in names)
        name = next(n for n in names if n.endswith("scenario_without_position.csv"))
        rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        assert len(rows) == 4  # the header and three rounds
    assert get("pdf").startswith(b"%PDF")


def test_unknown_export_format_and_unfinished_scenario_are_404(report_round, english) -> None:  # type: ignore[no-untyped-def]
    done = _finished(report_round["round"])
    queued = Scenario.objects.create(round=report_round["round"], name="q", parameters={})
    assert (
        english.get(reverse("directorate:scenario_download", args=[done.pk, "docx"])).status_code
        == 404
    )
    assert (
        english.get(reverse("directorate:scenario_download", args=[queued.pk, "pdf"])).status_code
        == 404
    )


def test_a_failure_is_shown_and_the_retry_runs_it_again(  # type: ignore[no-untyped-def]
    report_round, english, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # Parameters the simulation refuses (the form would not let them through).
    scenario = _finished(report_round["round"], name="Broken", rounds=0)
    assert scenario.status == JobStatus.FAILED
    assert scenario.error
    assert "\n" not in scenario.error.strip()
    url = reverse("directorate:scenario", args=[scenario.pk])
    page = english.get(url).content.decode()
    assert scenario.error in page
    assert reverse("directorate:scenario_retry", args=[scenario.pk]) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(reverse("directorate:scenario_retry", args=[scenario.pk]))
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert (scenario.status, scenario.attempt) == (JobStatus.FAILED, 2)  # ran (eagerly) again

    done = _finished(report_round["round"])
    refused = english.post(reverse("directorate:scenario_retry", args=[done.pk]), follow=True)
    assert "Only a failed scenario can be tried again." in refused.content.decode()
    done.refresh_from_db()
    assert done.attempt == 1


def test_a_running_scenario_shows_its_progress(report_round, english) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    scenario = Scenario.objects.create(
        round=report_round["round"],
        name="Busy",
        parameters={},
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        progress_done=50,
        progress_total=201,
    )
    response = english.get(reverse("directorate:scenario_status", args=[scenario.pk]))
    body = response.content.decode()
    assert "HX-Refresh" not in response
    assert "50 of 201 (25 %)" in body
    assert '<progress class="scenario-progress" max="100" value="25"' in body
    page = english.get(reverse("directorate:scenario", args=[scenario.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "Download" not in page  # nothing to export yet


def test_delete_asks_then_deletes(report_round, english) -> None:  # type: ignore[no-untyped-def]
    scenario = _finished(report_round["round"], name="Old one")
    url = reverse("directorate:scenario_delete", args=[scenario.pk])
    assert "Old one" in english.get(url).content.decode()
    assert Scenario.objects.filter(pk=scenario.pk).exists()
    response = english.post(url)
    assert response.url == reverse("directorate:scenarios")
    assert not Scenario.objects.filter(pk=scenario.pk).exists()


def test_list_shows_saved_scenarios_and_the_nav_links_to_it(report_round, english) -> None:  # type: ignore[no-untyped-def]
    done = _finished(report_round["round"], name="Saved one")
    queued = Scenario.objects.create(round=report_round["round"], name="Waiting", parameters={})
    page = english.get(reverse("directorate:scenarios"))
    body = page.content.decode()
    assert "Saved one" in body and "Waiting" in body
    assert f'name="s" value="{done.pk}"' in body
    assert f'name="s" value="{queued.pk}"' not in body  # only finished ones compare
    assert (
        reverse("directorate:scenarios")
        in english.get(reverse("directorate:dashboard")).content.decode()
    )


def test_the_list_loads_no_result_blobs(report_round, english) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _finished(report_round["round"], name="Big result")
    with CaptureQueriesContext(connection) as queries:
        assert english.get(reverse("directorate:scenarios")).status_code == 200
    scenario_selects = [q["sql"] for q in queries if 'FROM "reports_scenario"' in q["sql"]]
    assert len(scenario_selects) == 1
    assert '"reports_scenario"."result"' not in scenario_selects[0]
    assert '"reports_scenario"."offer_waves"' not in scenario_selects[0]


def test_compare_shows_scenarios_side_by_side(report_round, english) -> None:  # type: ignore[no-untyped-def]
    round_ = report_round["round"]
    few = _finished(round_, name="No more seats", extra_seats=0)
    many = _finished(round_, name="Ten more seats", extra_seats=10)
    url = reverse("directorate:scenario_compare") + f"?s={few.pk}&s={many.pk}"
    response = english.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "No more seats" in body and "Ten more seats" in body
    tables = {t["key"]: t for t in response.context["tables"]}
    compared = tables["scenarios_compared"]
    assert [h["text"] for h in compared["headers"]][2:] == [
        f"No more seats (#{few.pk})",
        f"Ten more seats (#{many.pk})",
    ]
    assert len(compared["rows"]) == 3
    assert compared["chart"].startswith("data:image/svg+xml;base64,")
    # More seats never leave more doctors without a position in the last round.
    last = {r["cells"][0].text: r["cells"] for r in tables["scenarios_last_round"]["rows"]}
    assert (
        few.result["rounds"][-1]["without_position"]
        >= many.result["rounds"][-1]["without_position"]
    )
    assert "Without a position" in last


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?s=abc", "Choose scenarios by their numbers."),
        ("?s=1", "Choose from 2 to 5 scenarios to compare; you chose 1."),
        ("", "Choose from 2 to 5 scenarios to compare; you chose 0."),
        ("?s=1&s=2&s=3&s=4&s=5&s=6", "Choose from 2 to 5 scenarios to compare; you chose 6."),
        (
            "?s=999998&s=999999",
            "These scenarios do not exist or have not finished: 999998, 999999.",
        ),
    ],
)
def test_compare_refuses_bad_choices_with_a_message(english, query, message) -> None:  # type: ignore[no-untyped-def]
    response = english.get(reverse("directorate:scenario_compare") + query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_compare_refuses_an_unfinished_scenario(report_round, english) -> None:  # type: ignore[no-untyped-def]
    done = _finished(report_round["round"])
    queued = Scenario.objects.create(round=report_round["round"], name="q", parameters={})
    response = english.get(reverse("directorate:scenario_compare") + f"?s={done.pk}&s={queued.pk}")
    assert response.status_code == 400
    assert f"have not finished: {queued.pk}." in response.content.decode()


@pytest.fixture
def stored(report_round):  # type: ignore[no-untyped-def]
    return _finished(report_round["round"])


@pytest.mark.parametrize(
    ("name", "method", "with_pk"),
    [
        ("directorate:scenarios", "get", False),
        ("directorate:scenario_new", "get", False),
        ("directorate:scenario_new", "post", False),
        ("directorate:scenario_compare", "get", False),
        ("directorate:scenario", "get", True),
        ("directorate:scenario_status", "get", True),
        ("directorate:scenario_retry", "post", True),
        ("directorate:scenario_delete", "post", True),
    ],
)
def test_other_roles_are_refused(  # type: ignore[no-untyped-def]
    stored, applicant, employer_user, municipality_user, name, method, with_pk
) -> None:
    url = reverse(name, args=[stored.pk] if with_pk else [])
    for user in (applicant.user, employer_user, municipality_user):
        assert getattr(client_for(user), method)(url).status_code == 403
    assert getattr(Client(), method)(url).status_code == 302  # to the log-in page
    assert Scenario.objects.filter(pk=stored.pk).exists()


def test_other_roles_cannot_download(stored, employer_user) -> None:  # type: ignore[no-untyped-def]
    url = reverse("directorate:scenario_download", args=[stored.pk, "json"])
    assert client_for(employer_user).get(url).status_code == 403
