import json

import pytest
from django.test import Client
from django.urls import reverse

from lis1.jobs.models import JobStatus
from lis1.rounds.models import MatchRun
from lis1.rounds.services import matching as service
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(small_round):  # type: ignore[no-untyped-def]
    created = service.match_run_create(round_=small_round["round"], seed=11)
    return service.round_run_match(match_run=created)


def test_round_page_starts_a_run_that_runs_after_commit(
    small_round,
    directorate_user,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(directorate_user)
    url = reverse("directorate:round", args=[small_round["round"].slug])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "main", "seed": "42"})
    run = MatchRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("directorate:match_run", args=[run.pk])
    run.refresh_from_db()
    assert (run.status, run.seed, run.requested_by) == (
        JobStatus.SUCCEEDED,
        42,
        directorate_user,
    )


def test_round_page_rejects_bad_seed(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    url = reverse("directorate:round", args=[small_round["round"].slug])
    response = client_for(directorate_user).post(url, {"kind": "main", "seed": "-1"})
    assert response.status_code == 400
    assert "seed" in response.context["form"].errors
    assert MatchRun.objects.count() == 0


def test_round_page_shows_service_refusal_as_form_error(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    url = reverse("directorate:round", args=[small_round["round"].slug])
    client = client_for(directorate_user)
    client.cookies["lis1_language"] = "en"
    response = client.post(url, {"kind": "follow_up", "seed": "1"})
    assert response.status_code == 409
    assert (
        "A follow-up match runs once the follow-up is opened, after the answer deadline."
        in response.context["form"].non_field_errors()
    )
    assert MatchRun.objects.count() == 0


def test_match_run_page_shows_statistics(run, directorate_user) -> None:  # type: ignore[no-untyped-def]
    response = client_for(directorate_user).get(reverse("directorate:match_run", args=[run.pk]))
    assert response.status_code == 200
    assert response.context["choices"] == [(1, 1), (2, 1)]
    body = response.content.decode()
    assert run.input_sha256 in body


def test_status_fragment_asks_htmx_to_reload_when_finished(run, directorate_user) -> None:  # type: ignore[no-untyped-def]
    response = client_for(directorate_user).get(
        reverse("directorate:match_run_status", args=[run.pk])
    )
    assert response["HX-Refresh"] == "true"
    MatchRun.objects.filter(pk=run.pk).update(status=JobStatus.RUNNING)
    response = client_for(directorate_user).get(
        reverse("directorate:match_run_status", args=[run.pk])
    )
    assert "HX-Refresh" not in response


def test_downloads_are_the_stored_instance_and_result(run, directorate_user) -> None:  # type: ignore[no-untyped-def]
    client = client_for(directorate_user)
    instance = client.get(reverse("directorate:match_run_instance", args=[run.pk]))
    result = client.get(reverse("directorate:match_run_result", args=[run.pk]))
    assert instance.content == run.instance_json.encode()
    assert json.loads(result.content)["input_sha256"] == run.input_sha256
    assert instance["Content-Disposition"].startswith("attachment;")


def test_verify_and_publish_through_the_pages(
    run, directorate_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(directorate_user)
    client.cookies["lis1_language"] = "en"
    publish = reverse("directorate:match_run_publish", args=[run.pk])
    refused = client.post(publish, {"confirm": "on", "reason": "x"})
    assert refused.status_code == 409
    assert "Only a verified run can be published" in refused.context["error"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("directorate:match_run_verify", args=[run.pk]))
    run.refresh_from_db()
    assert run.verified_ok is True
    confirm = client.get(publish)
    assert confirm.status_code == 200
    assert confirm.context["unranked_count"] == 2
    run.refresh_from_db()
    assert run.published_at is None  # GET only asks
    # Neither position's ranking was submitted: a confirmation with a reason is needed.
    refused = client.post(publish)
    assert refused.status_code == 409
    assert "2 positions have no submitted ranking" in refused.context["error"]
    run.refresh_from_db()
    assert run.published_at is None
    client.post(publish, {"confirm": "on", "reason": "Two trusts confirmed by phone."})
    run.refresh_from_db()
    assert (run.published_at is not None, run.published_by) == (True, directorate_user)
    assert run.publish_reason == "Two trusts confirmed by phone."
    event = run.round.events.get(kind="published")
    assert (event.actor, event.reason, event.details["positions_without_submitted_ranking"]) == (
        directorate_user,
        "Two trusts confirmed by phone.",
        2,
    )


@pytest.mark.parametrize(
    "name",
    [
        "directorate:match_run",
        "directorate:match_run_status",
        "directorate:match_run_instance",
        "directorate:match_run_result",
        "directorate:match_run_publish",
    ],
)
def test_other_roles_cannot_see_match_runs(
    run, applicant, employer_user, municipality_user, name
) -> None:  # type: ignore[no-untyped-def]
    url = reverse(name, args=[run.pk])
    for user in (applicant.user, employer_user, municipality_user):
        assert client_for(user).get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to the log-in page


def test_other_roles_cannot_verify_or_publish(run, employer_user) -> None:  # type: ignore[no-untyped-def]
    client = client_for(employer_user)
    assert client.post(reverse("directorate:match_run_verify", args=[run.pk])).status_code == 403
    assert client.post(reverse("directorate:match_run_publish", args=[run.pk])).status_code == 403
    run.refresh_from_db()
    assert run.published_at is None


def test_unknown_run_is_404(directorate_user) -> None:  # type: ignore[no-untyped-def]
    assert (
        client_for(directorate_user)
        .get(reverse("directorate:match_run", args=[999999]))
        .status_code
        == 404
    )


def test_directorate_cannot_start_a_direct_offer_run(small_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    url = reverse("directorate:round", args=[small_round["round"].slug])
    response = client_for(directorate_user).post(url, {"kind": "direct_offer", "seed": "1"})
    assert response.status_code == 400
    assert "kind" in response.context["form"].errors
    assert MatchRun.objects.count() == 0


def test_direct_offer_run_is_labelled_and_not_verifiable(run, directorate_user) -> None:  # type: ignore[no-untyped-def]
    from lis1.rounds.enums import MatchRunKind

    MatchRun.objects.filter(pk=run.pk).update(kind=MatchRunKind.DIRECT_OFFER)
    run.refresh_from_db()
    with pytest.raises(service.MatchRunError):
        service.match_run_verify(match_run=run)
    response = client_for(directorate_user).get(reverse("directorate:match_run", args=[run.pk]))
    assert reverse("directorate:match_run_verify", args=[run.pk]) not in response.content.decode()
