"""Before a municipal placement runs, the area page and the API show what it would work with
(placed doctors, wish lists, places); a run with doctors lacking a wish list or fewer places
than doctors needs an explicit confirmation; the result says who got no place and why."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lis1.rounds.enums import PlacementStatus
from lis1.rounds.models import MunicipalArea, Placement
from municipalities.models import (
    MunicipalAssignment,
    MunicipalityPreference,
    MunicipalPlacementRun,
    MunicipalPlaces,
)
from municipalities.services import (
    MunicipalError,
    municipal_placement_readiness,
    municipal_placement_start,
)
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _prefer(placement: Placement, *municipalities) -> None:  # type: ignore[no-untyped-def]
    for rank, municipality in enumerate(municipalities, start=1):
        MunicipalityPreference.objects.create(
            placement=placement, municipality=municipality, rank=rank
        )


@pytest.fixture
def small_area(trust, municipality):  # type: ignore[no-untyped-def]
    """Testdalen (Testvik, Andrevik). First start date: five doctors placed, one of whom
    turned the seat down; two want Testvik (1 place), one wants Andrevik (no places), one has
    no wish list. A later start date: one doctor, who wants Andrevik (2 places)."""
    second = f.MunicipalityFactory(name="Andrevik")
    area = MunicipalArea.objects.create(employer=trust, name="Testdalen")
    area.municipalities.add(municipality, second)
    round_ = f.RoundFactory()
    position = f.PositionFactory(
        round=round_, employer=trust, municipality=None, municipal_area=area, seats=5
    )
    doctors = f.applicants_for(position, 5)
    later = f.PositionFactory(
        round=round_,
        employer=trust,
        municipality=None,
        municipal_area=area,
        seats=1,
        start_date=position.start_date + dt.timedelta(days=30),
    )
    late_doctor = f.applicants_for(later, 1)[0]
    match_run = f.publish_main_run(
        round_,
        [*((d, position) for d in doctors), (late_doctor, later)],
        status=PlacementStatus.ACCEPTED,
    )
    placements = [Placement.objects.get(applicant=d) for d in doctors]
    Placement.objects.filter(pk=placements[4].pk).update(status=PlacementStatus.DECLINED)
    _prefer(placements[0], municipality)
    _prefer(placements[1], municipality)
    _prefer(placements[2], second)
    MunicipalPlaces.objects.create(
        area=area, municipality=municipality, start_date=position.start_date, places=1
    )
    _prefer(Placement.objects.get(applicant=late_doctor), second, municipality)
    MunicipalPlaces.objects.create(
        area=area, municipality=second, start_date=later.start_date, places=2
    )
    return {
        "area": area,
        "round": round_,
        "second": second,
        "position": position,
        "later": later,
        "placements": placements,
        "match_run": match_run,
        "url": reverse("municipalities:area", args=[area.pk]),
    }


def _english(user):  # type: ignore[no-untyped-def]
    client = client_for(user)
    client.cookies["lis1_language"] = "en"
    return client


def _counts(body: str) -> dict[str, str]:
    return dict(re.findall(r'data-count="([a-z-]+)">([^<]*)<', body))


def _run_post(start_date: dt.date, **extra: object) -> dict[str, object]:
    return {"form": "run", "run-start_date": start_date.isoformat(), "run-seed": 5, **extra}


def test_area_page_shows_the_numbers_for_the_chosen_start_date(
    municipality_user, small_area
) -> None:  # type: ignore[no-untyped-def]
    client = _english(municipality_user)
    body = client.get(small_area["url"]).content.decode()
    assert _counts(body) == {
        "doctors": "4",
        "with-wish-list": "3",
        "without-wish-list": "1",
        "places": "1",
        "without-places": "Andrevik",
    }
    places = body[
        body.index('id="readiness-places"') : body.index(
            "</table>", body.index('id="readiness-places"')
        )
    ]
    assert re.search(r"Testvik</th><td class=\"num\">1<", places)
    assert re.search(r"Andrevik</th><td class=\"num\">None<", places)
    assert "Run anyway: 1 of 4 doctors has no wish list. There is 1 place for 4 doctors." in body
    assert 'name="run-confirm"' in body
    assert '<legend class="ds-label">Confirmation</legend>' in body
    assert 'for="id_run-confirm"' in body

    later = small_area["later"].start_date
    body = client.get(small_area["url"], {"start_date": later.isoformat()}).content.decode()
    assert _counts(body) == {
        "doctors": "1",
        "with-wish-list": "1",
        "without-wish-list": "0",
        "places": "2",
        "without-places": "Testvik",
    }
    assert 'name="run-confirm"' not in body
    assert f'<option value="{later.isoformat()}" selected>' in body


def test_a_run_without_confirmation_is_refused_and_not_created(
    municipality_user, small_area, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = _english(municipality_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(small_area["url"], _run_post(small_area["position"].start_date))
    assert response.status_code == 409
    body = response.content.decode()
    assert "runs only when confirmed" in body
    assert "1 of 4 doctors has no wish list. There is 1 place for 4 doctors." in body
    assert 'name="run-confirm"' in body
    assert not MunicipalPlacementRun.objects.exists()
    assert not Placement.objects.filter(municipality__isnull=False).exists()


def test_the_rule_lives_in_the_service(municipality_user, small_area) -> None:  # type: ignore[no-untyped-def]
    area, round_ = small_area["area"], small_area["round"]
    start = small_area["position"].start_date
    with pytest.raises(MunicipalError) as refused:
        municipal_placement_start(
            area=area, round_=round_, start_date=start, seed=1, user=municipality_user
        )
    assert refused.value.rule == "confirmation_required"
    # Every doctor with a wish list, but still fewer places than doctors.
    _prefer(small_area["placements"][3], small_area["second"])
    readiness = municipal_placement_readiness(area=area, round_=round_, start_date=start)
    assert (readiness.without_wish_list, readiness.short_of_places) == (0, 3)
    with pytest.raises(MunicipalError) as refused:
        municipal_placement_start(
            area=area, round_=round_, start_date=start, seed=1, user=municipality_user
        )
    assert refused.value.rule == "confirmation_required"
    # Enough places and every list: no confirmation needed.
    MunicipalPlaces.objects.create(
        area=area, municipality=small_area["second"], start_date=start, places=3
    )
    assert not municipal_placement_readiness(
        area=area, round_=round_, start_date=start
    ).needs_confirmation
    assert municipal_placement_start(
        area=area, round_=round_, start_date=start, seed=1, user=municipality_user
    )
    # No places at all stays a refusal, confirmed or not.
    MunicipalPlaces.objects.filter(area=area).update(places=0)
    with pytest.raises(MunicipalError) as refused:
        municipal_placement_start(
            area=area, round_=round_, start_date=start, seed=1, user=municipality_user, confirm=True
        )
    assert refused.value.rule == "no_places"


def test_a_confirmed_run_says_who_got_no_place_and_why(
    municipality_user, municipality, small_area, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = _english(municipality_user)
    placements = small_area["placements"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            small_area["url"], _run_post(small_area["position"].start_date, **{"run-confirm": "on"})
        )
    assert response.status_code == 302
    run = MunicipalPlacementRun.objects.get()
    assert run.status == "succeeded"
    assert MunicipalAssignment.objects.filter(run=run).count() == 4
    got = {a.placement_id: a.municipality_id for a in MunicipalAssignment.objects.filter(run=run)}
    winner = next(p for p, m in got.items() if m is not None)
    assert winner in (placements[0].pk, placements[1].pk)
    assert list(Placement.objects.filter(municipality__isnull=False)) == [
        Placement.objects.get(pk=winner)
    ]
    loser = placements[1] if winner == placements[0].pk else placements[0]
    expected = {
        loser.pk: "choices_full",
        placements[2].pk: "choices_full",  # Andrevik has no places
        placements[3].pk: "no_wish_list",
    }

    body = client.get(reverse("municipalities:run", args=[run.pk])).content.decode()
    assert "1 placed, 3 without a place: 1 without a wish list, 2 whose choices were full." in body
    table = body[
        body.index('id="without-place"') : body.index("</table>", body.index('id="without-place"'))
    ]
    for placement_id, reason in expected.items():
        name = Placement.objects.get(pk=placement_id).applicant.full_name
        assert re.search(rf"{name}</th><td>[^<]*</td><td data-reason=\"{reason}\">", table)
    assert table.count("Every municipality on the list was full") == 2
    assert table.count("No wish list") == 1

    export = client.get(reverse("municipalities:run_export", args=[run.pk])).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.DictReader(io.StringIO(export)))
    assert [r["order"] for r in rows] == ["1", "2", "3", "4"]
    by_name = {r["doctor"]: r for r in rows}
    for placement_id, reason in expected.items():
        row = by_name[Placement.objects.get(pk=placement_id).applicant.full_name]
        assert (row["municipality"], row["reason"]) == ("", reason)
    won = by_name[Placement.objects.get(pk=winner).applicant.full_name]
    assert (won["municipality"], won["reason"]) == (municipality.name, "")


def test_a_start_date_with_lists_and_places_runs_without_confirmation(
    municipality_user, small_area, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = _english(municipality_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(small_area["url"], _run_post(small_area["later"].start_date))
    assert response.status_code == 302
    run = MunicipalPlacementRun.objects.get()
    body = client.get(reverse("municipalities:run", args=[run.pk])).content.decode()
    assert "1 placed: every doctor got a municipality." in body
    assert 'id="without-place"' not in body


def test_api_readiness_refusal_and_confirmed_run(
    municipality_user, municipality, small_area, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(municipality_user)
    area, start = small_area["area"], small_area["position"].start_date
    base = "/api/municipality/placement-runs/"
    readiness = client.get(
        base + "readiness/",
        {"area": area.pk, "round": small_area["round"].slug, "start_date": start.isoformat()},
    ).json()
    assert {k: readiness[k] for k in ("doctors", "with_wish_list", "without_wish_list")} == {
        "doctors": 4,
        "with_wish_list": 3,
        "without_wish_list": 1,
    }
    assert readiness["places_total"] == 1
    assert {p["name"]: p["places"] for p in readiness["places"]} == {
        "Testvik": 1,
        "Andrevik": 0,
    }
    assert readiness["municipalities_without_places"] == [small_area["second"].municipality_number]
    assert readiness["needs_confirmation"] is True

    payload = {"area": area.pk, "round": small_area["round"].slug, "start_date": start.isoformat()}
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(base, {**payload, "seed": 3}, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["rule"] == "confirmation_required"
    assert not MunicipalPlacementRun.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            base, {**payload, "seed": 3, "confirm": True}, content_type="application/json"
        )
    assert created.status_code == 201, created.content
    assert "confirm" not in created.json()
    run = client.get(f"{base}{created.json()['id']}/").json()
    assert run["status"] == "succeeded"
    assert run["summary"] == {
        "placed": 1,
        "without_place": 3,
        "without_wish_list": 1,
        "choices_full": 2,
    }
    reasons = {
        a["applicant_id"]: a["reason"] for a in run["assignments"] if a["municipality"] is None
    }
    no_list = small_area["placements"][3].applicant_id
    assert reasons.pop(no_list) == "no_wish_list"
    assert sorted(reasons.values()) == ["choices_full", "choices_full"]
    placed = [a for a in run["assignments"] if a["municipality"] is not None]
    assert [(a["municipality"], a["reason"]) for a in placed] == [
        (municipality.municipality_number, None)
    ]


def test_api_readiness_is_404_outside_the_area(small_area) -> None:  # type: ignore[no-untyped-def]
    outsider = client_for(f.MembershipFactory(organisation=f.MunicipalityFactory()).user)
    response = outsider.get(
        "/api/municipality/placement-runs/readiness/",
        {
            "area": small_area["area"].pk,
            "round": small_area["round"].slug,
            "start_date": small_area["position"].start_date.isoformat(),
        },
    )
    assert response.status_code == 404


# Measured: 13 (the readiness numbers are two of them), plus one to spare.
AREA_PAGE_QUERY_LIMIT = 14


def test_area_page_query_count_is_bounded(
    municipality_user, small_area, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(municipality_user)
    area, round_, position = small_area["area"], small_area["round"], small_area["position"]

    def grow(n: int) -> None:
        for _ in range(n):
            town = f.MunicipalityFactory()
            area.municipalities.add(town)
            MunicipalPlaces.objects.create(
                area=area, municipality=town, start_date=position.start_date, places=2
            )
            doctor = f.applicants_for(position, 1)[0]
            placement = Placement.objects.create(
                match_run=small_area["match_run"],
                applicant=doctor,
                position=position,
                status=PlacementStatus.ACCEPTED,
                answered_at=timezone.now(),
            )
            _prefer(placement, town, small_area["second"])
            MunicipalPlacementRun.objects.create(
                area=area, round=round_, start_date=position.start_date, seed=1
            )

    grow(1)
    with django_assert_max_num_queries(AREA_PAGE_QUERY_LIMIT) as small:
        assert client.get(small_area["url"]).status_code == 200
    grow(6)
    with django_assert_max_num_queries(AREA_PAGE_QUERY_LIMIT) as large:
        assert client.get(small_area["url"]).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_api_run_list_queries_do_not_grow_with_the_runs(
    municipality_user, small_area, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(municipality_user)
    base = "/api/municipality/placement-runs/"

    def run() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            municipal_placement_start(
                area=small_area["area"],
                round_=small_area["round"],
                start_date=small_area["position"].start_date,
                seed=1,
                user=municipality_user,
                confirm=True,
            )

    run()
    client.get(base)  # the user's roles are looked up once
    with CaptureQueriesContext(connection) as one:
        assert client.get(base).status_code == 200
    for _ in range(4):
        run()
    with CaptureQueriesContext(connection) as five:
        response = client.get(base)
    assert len(five.captured_queries) == len(one.captured_queries)
    runs = response.json()["results"]
    assert len(runs) == 5
    for row in runs:
        assert row["summary"] == {
            "placed": 1,
            "without_place": 3,
            "without_wish_list": 1,
            "choices_full": 2,
        }
        assert len(row["assignments"]) == 4
