"""An applicant never reads or changes another applicant's objects: every page that takes an
object id answers 404 for someone else's, for GET and POST alike, and changes nothing. And
each page runs a bounded number of queries whatever the size of the round."""

import pytest
from django.test import Client
from django.urls import reverse

from applicants.models import ApplicationDocument, Document
from lis1.rounds.models import Application, Couple, Placement
from tests.conftest import client_for
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    DocumentFactory,
    PositionFactory,
    SiteFactory,
    matched_placement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(open_round):  # type: ignore[no-untyped-def]
    """Another applicant with a document, an application, a placement and a couple."""
    owner = ApplicantFactory(given_name="Offer")
    document = DocumentFactory(applicant=owner)
    application = ApplicationFactory(applicant=owner, position=open_round["positions"][0])
    ApplicationDocument.objects.create(application=application, document=document)
    placement = matched_placement(owner)
    couple = Couple.objects.create(
        round=open_round["round"], first=owner, second=ApplicantFactory(), status="invited"
    )
    return {
        "document": document.pk,
        "application": application.pk,
        "placement": placement.pk,
        "couple": couple.pk,
    }


OBJECT_URLS = [
    ("applicants:document_replace", "document", ()),
    ("applicants:document_delete", "document", ()),
    ("applicants:document_download", "document", ()),
    ("applicants:application", "application", ()),
    ("applicants:application_withdraw", "application", ()),
    ("applicants:offer", "placement", ()),
    ("applicants:offer_answer", "placement", ("godta",)),
    ("applicants:offer_answer", "placement", ("avsla",)),
    ("applicants:couple_answer", "couple", ()),
    ("applicants:couple_dissolve", "couple", ()),
    ("applicants:couple_pairs", "couple", ()),
]


@pytest.mark.parametrize(("name", "kind", "extra"), OBJECT_URLS)
def test_another_applicants_object_is_not_found(me, victim, name, kind, extra) -> None:  # type: ignore[no-untyped-def]
    url = reverse(name, args=[victim[kind], *extra])
    client = client_for(me.user)
    statuses = {client.get(url).status_code, client.post(url, {"answer": "accept"}).status_code}
    # 404 for the method the view serves; 405 for the other one (GET- or POST-only views).
    assert 404 in statuses
    assert statuses <= {404, 405}
    assert Document.objects.filter(pk=victim["document"]).exists()
    assert Application.objects.get(pk=victim["application"]).status == "submitted"
    assert Placement.objects.get(pk=victim["placement"]).status == "offered"
    assert Couple.objects.get(pk=victim["couple"]).status == "invited"


@pytest.mark.parametrize(
    "name",
    [
        "applicants:dashboard",
        "applicants:profile",
        "applicants:profile_edit",
        "applicants:documents",
        "applicants:positions",
        "applicants:ranking",
        "applicants:couple",
    ],
)
def test_pages_need_an_applicant(name, employer_user) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(reverse(name)).status_code == 302
    assert client_for(employer_user).get(reverse(name)).status_code == 403


def test_forms_are_csrf_protected(me) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(me.user)
    assert client.post(reverse("applicants:profile_edit"), {}).status_code == 403
    assert client.post(reverse("applicants:ranking"), {}).status_code == 403


# Query counts ------------------------------------------------------------------------------


@pytest.fixture
def busy(me, open_round):  # type: ignore[no-untyped-def]
    """A round with many positions and sites, the applicant applied to many, with documents."""
    round_ = open_round["round"]
    client = client_for(me.user)
    DocumentFactory(applicant=me)
    DocumentFactory(applicant=me)

    employer, town = open_round["site"].parent, open_round["town"]

    def grow(n: int) -> None:
        for _ in range(n):
            position = PositionFactory(round=round_, employer=employer, municipality=town)
            position.sites.add(SiteFactory(parent=employer), SiteFactory(parent=employer))
            client.post(reverse("applicants:apply", args=[position.pk]), {"motivation": "x"})

    return {"client": client, "grow": grow, "round": round_}


# Measured with the shared cache (as `make test` runs), plus one query to spare for a session
# that is not in the cache. The positions page is measured with an empty cache.
PAGE_QUERY_LIMITS = {
    "applicants:dashboard": 6,
    "applicants:profile": 2,
    "applicants:profile_edit": 2,
    "applicants:documents": 3,
    "applicants:positions": 10,
    "applicants:ranking": 4,
    "applicants:couple": 3,
}


@pytest.mark.parametrize(("name", "limit"), list(PAGE_QUERY_LIMITS.items()))
def test_page_query_count_is_bounded(busy, name, limit, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    busy["grow"](3)
    with django_assert_max_num_queries(limit) as small:
        assert busy["client"].get(reverse(name)).status_code == 200
    busy["grow"](12)
    with django_assert_max_num_queries(limit) as large:
        assert busy["client"].get(reverse(name)).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_object_pages_query_count_is_bounded(me, busy, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    busy["grow"](5)
    application = Application.objects.filter(applicant=me).first()
    position = application.position
    for url, limit in [
        (reverse("applicants:position", args=[position.pk]), 8),
        (
            reverse(
                "applicants:apply",
                args=[PositionFactory(round=busy["round"], municipality=position.municipality).pk],
            ),
            9,
        ),
        (reverse("applicants:application", args=[application.pk]), 8),
    ]:
        with django_assert_max_num_queries(limit):
            assert busy["client"].get(url).status_code == 200


def test_offer_page_query_count_is_bounded(me, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    placement = matched_placement(me)
    client = client_for(me.user)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("applicants:offer", args=[placement.pk])).status_code == 200


def test_placement_pages_leave_the_runs_instance_and_result_in_the_database(me) -> None:  # type: ignore[no-untyped-def]
    """A national run's instance and result are megabytes; showing a placement must not load
    them with every row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    placement = matched_placement(me)
    client = client_for(me.user)
    with CaptureQueriesContext(connection) as queries:
        for url in [
            reverse("applicants:dashboard"),
            reverse("applicants:offer", args=[placement.pk]),
            "/api/applicant/placements/",
        ]:
            assert client.get(url).status_code == 200
    joined = [q["sql"] for q in queries.captured_queries if "rounds_placement" in q["sql"]]
    assert joined
    assert not [sql for sql in joined if "instance_json" in sql or "result_json" in sql]
