"""The match instance built from plain tuples is the instance the round's rules define: the
same document as one built plainly from the model objects, on a seeded round with couples,
ineligible applicants and every kind of position, in one query per relation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lis1.matching.instance import canonical_json_bytes
from lis1.rounds.demo import demo_round_seed
from lis1.rounds.eligibility import HOSPITAL_MONTHS, is_matchable, part_needed
from lis1.rounds.enums import (
    ApplicationStatus,
    AuthorisationStatus,
    CoupleStatus,
    MatchRunKind,
    PositionStatus,
)
from lis1.rounds.models import (
    Applicant,
    ApplicantRanking,
    Application,
    Couple,
    EmployerRanking,
    Position,
    Round,
)
from lis1.rounds.services.matching import match_instance_build

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

#: Positions, applications, applicants, the applicants' lists, the employers' lists, couples'
#: pairs and couples: one query each, whatever the round's size.
QUERIES = 7


def _reference(round_: Round, seed: int) -> dict[str, object]:
    """The rules read straight off the model objects, one relation at a time."""
    positions = {
        p.pk: p for p in Position.objects.filter(round=round_, status=PositionStatus.PUBLISHED)
    }
    applications = Application.objects.filter(
        position__round=round_, status=ApplicationStatus.SUBMITTED
    ).select_related("applicant")
    applied = {(a.applicant_id, a.position_id) for a in applications}
    kind = {}
    for application in applications:
        person = application.applicant
        needed = part_needed(
            prior_hospital_months=person.prior_hospital_months,
            prior_municipal_months=person.prior_municipal_months,
        )
        if needed and is_matchable(
            authorisation=person.authorisation,
            has_identity_number=person.national_id_hash is not None,
        ):
            kind[person.pk] = needed

    def acceptable(applicant: int, position: int | None) -> bool:
        return (
            position in positions
            and (applicant, position) in applied
            and positions[position].kind == kind.get(applicant)
        )

    accepted = list(
        Couple.objects.filter(round=round_, status=CoupleStatus.ACCEPTED)
        .order_by("pk")
        .prefetch_related("preferences")
    )
    members = {m for c in accepted for m in (c.first_id, c.second_id)}
    couples = []
    for couple in accepted:
        if couple.first_id not in kind or couple.second_id not in kind:
            continue
        pairs = sorted(couple.preferences.all(), key=lambda p: p.rank)
        couples.append(
            {
                "id": f"C{couple.pk}",
                "members": [f"A{couple.first_id}", f"A{couple.second_id}"],
                "ranking": [
                    [
                        f"P{p.first_position_id}" if p.first_position_id else None,
                        f"P{p.second_position_id}" if p.second_position_id else None,
                    ]
                    for p in pairs
                    if (
                        p.first_position_id is None
                        or acceptable(couple.first_id, p.first_position_id)
                    )
                    and (
                        p.second_position_id is None
                        or acceptable(couple.second_id, p.second_position_id)
                    )
                ],
            }
        )
    in_couples = {m for c in couples for m in c["members"]}
    applicants = [
        {
            "id": f"A{pk}",
            "ranking": [
                f"P{r.position_id}"
                for r in ApplicantRanking.objects.filter(round=round_, applicant_id=pk).order_by(
                    "rank"
                )
                if acceptable(pk, r.position_id)
            ],
        }
        for pk in sorted(kind)
        if pk not in members
    ]
    programs = [
        {
            "id": f"P{pk}",
            "capacity": positions[pk].seats,
            "ranking": [
                f"A{r.applicant_id}"
                for r in EmployerRanking.objects.filter(position_id=pk).order_by("rank")
                if acceptable(r.applicant_id, pk)
                and (r.applicant_id not in members or f"A{r.applicant_id}" in in_couples)
            ],
        }
        for pk in sorted(positions)
    ]
    return {
        "format": "lis1-match/1",
        "seed": seed,
        "meta": {"round": round_.slug, "kind": MatchRunKind.MAIN},
        "programs": programs,
        "applicants": applicants,
        "couples": couples,
    }


def test_the_instance_is_the_rounds_rules_in_one_query_per_relation() -> None:
    summary = demo_round_seed(seed=4, applicants=500, positions=15, seats=200)
    round_ = Round.objects.get(slug=summary.round_slug)
    # A couple whose member may not be placed, applicants who need only the municipal part,
    # and a withdrawn advertisement: all of them filtered out of some lists.
    couples = Couple.objects.filter(round=round_, status=CoupleStatus.ACCEPTED).order_by("pk")
    assert couples.count() >= 2
    couple = couples[0]
    Applicant.objects.filter(pk=couple.first_id).update(authorisation=AuthorisationStatus.NONE)
    applied = Application.objects.filter(position__round=round_).values("applicant_id")
    Applicant.objects.filter(pk__in=applied.order_by("applicant_id")[:20]).update(
        prior_hospital_months=HOSPITAL_MONTHS
    )
    Position.objects.filter(pk=Position.objects.filter(round=round_).order_by("pk")[0].pk).update(
        status=PositionStatus.WITHDRAWN
    )
    with CaptureQueriesContext(connection) as queries:
        built = match_instance_build(round_=round_, kind=MatchRunKind.MAIN, seed=11)
    assert len(queries) == QUERIES
    expected = _reference(round_, 11)
    assert len(built["couples"]) == couples.count() - 1
    assert len(built["applicants"]) > 100
    assert canonical_json_bytes(built) == canonical_json_bytes(expected)
