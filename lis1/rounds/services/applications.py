"""The applicant's workflow: apply, withdraw, rank, form a couple, answer an offer.

Every function asks the round's calendar (lis1.rounds.calendar: deadlines stored as aware
datetimes, shown in Europe/Oslo) and raises `ApplicationError` with a message for the
applicant when the action is not allowed. The
callers (pages and API) fetch the objects through the scoped querysets of `permissions`, so
these functions may trust that the applicant owns what it acts on, and check the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lis1.rounds.calendar import Action, calendar_allows, calendar_check
from lis1.rounds.eligibility import RULE_PART_NEEDED, kind_refusal
from lis1.rounds.enums import ApplicationStatus, CoupleStatus, PositionStatus
from lis1.rounds.errors import RuleViolation
from lis1.rounds.models import (
    Applicant,
    Application,
    Couple,
    Position,
    Round,
)
from lis1.rounds.services import notices
from lis1.rounds.services.ordered import APPLICANT_LIST, COUPLE_LIST, list_step


class ApplicationError(RuleViolation):
    """An applicant's action is not allowed now; the message says why, in the user's language."""

    default_rule = "application"


def _lock(applicant: Applicant) -> Applicant:
    # Serialises one applicant's concurrent requests (double clicks, two tabs).
    return Applicant.objects.select_for_update(no_key=True).get(pk=applicant.pk)


def round_accepts_applications(round_: Round) -> bool:
    return calendar_allows(round_, Action.APPLY)


def round_accepts_ranking(round_: Round) -> bool:
    return calendar_allows(round_, Action.RANK)


def _check_applications_open(round_: Round) -> None:
    calendar_check(round_, Action.APPLY, error=ApplicationError)


def _check_ranking_open(round_: Round) -> None:
    calendar_check(round_, Action.RANK, error=ApplicationError)


# Applications ------------------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *, applicant: Applicant, position: Position, motivation: str = "", user: Any = None
) -> Application:
    """Apply to a published position before the deadline; the position joins the end of the
    applicant's ranking. Applying again after a withdrawal re-submits the same application.
    Only a position of the kind the applicant still needs (lis1.rounds.eligibility): the match
    would never place them in another."""
    applicant = _lock(applicant)
    position = Position.objects.select_related("round", "employer").get(pk=position.pk)
    if position.status != PositionStatus.PUBLISHED:
        raise ApplicationError(_("This position is not open for applications."))
    _check_applications_open(position.round)
    refusal = kind_refusal(
        prior_hospital_months=applicant.prior_hospital_months,
        prior_municipal_months=applicant.prior_municipal_months,
        kind=position.kind,
    )
    if refusal:
        raise ApplicationError(RULE_PART_NEEDED, refusal)
    now = timezone.now()
    application = Application.objects.filter(applicant=applicant, position=position).first()
    if application and application.status == ApplicationStatus.SUBMITTED:
        raise ApplicationError(_("You have already applied to this position."))
    if application is None:
        application = Application(applicant=applicant, position=position, created_at=now)
    application.motivation = motivation.strip()
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    application.withdrawn_at = None
    application.save()
    ranked = ranking_position_ids(applicant=applicant, round_=position.round)
    if position.pk not in ranked:
        APPLICANT_LIST.write(
            owner={"applicant": applicant, "round": position.round},
            keys=[*ranked, position.pk],
            actor=user,
            action="application_submit",
        )
    notices.notice_application_received(application=application)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, user: Any = None) -> Application:
    """Withdraw before the application deadline: the position leaves the ranking and the
    couple's list; a receipt is e-mailed."""
    application = Application.objects.select_related("position__round", "applicant").get(
        pk=application.pk
    )
    applicant = _lock(application.applicant)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationError(_("This application is already withdrawn."))
    round_ = application.position.round
    _check_applications_open(round_)
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at"])
    remaining = [
        pk
        for pk in ranking_position_ids(applicant=applicant, round_=round_)
        if pk != application.position_id
    ]
    APPLICANT_LIST.write(
        owner={"applicant": applicant, "round": round_},
        keys=remaining,
        actor=user,
        action="application_withdraw",
    )
    # Pairs with the withdrawn position go; the rest of a couple's list closes up.
    couples = (
        Couple.objects.filter(round=round_)
        .filter(Q(first=applicant) | Q(second=applicant))
        .exclude(status=CoupleStatus.DISSOLVED)
    )
    for couple in couples:
        side = 0 if couple.first_id == applicant.pk else 1
        pairs = couple_pairs(couple=couple)
        kept = [pair for pair in pairs if pair[side] != application.position_id]
        if kept != pairs:
            COUPLE_LIST.write(
                owner={"couple": couple}, keys=kept, actor=user, action="application_withdraw"
            )
    notices.notice_application_withdrawn(application=application)
    return application


# Ranking -----------------------------------------------------------------------------------


def ranking_position_ids(*, applicant: Applicant, round_: Round) -> list[int]:
    return APPLICANT_LIST.keys({"applicant": applicant, "round": round_})


@transaction.atomic
def applicant_ranking_set(
    *, applicant: Applicant, round_: Round, position_ids: Sequence[int], user: Any = None
) -> list[int]:
    """Save a new order of the positions applied to; it must hold each of them exactly once."""
    applicant = _lock(applicant)
    _check_ranking_open(round_)
    applied = set(
        Application.objects.filter(
            applicant=applicant, position__round=round_, status=ApplicationStatus.SUBMITTED
        ).values_list("position_id", flat=True)
    )
    order = [int(pk) for pk in position_ids]
    if len(order) != len(set(order)) or set(order) != applied:
        raise ApplicationError(
            _("The ranking must list each position you applied to exactly once.")
        )
    APPLICANT_LIST.write(
        owner={"applicant": applicant, "round": round_},
        keys=order,
        actor=user,
        action="applicant_ranking_set",
    )
    return order


def applicant_ranking_step(
    *, applicant: Applicant, round_: Round, position_id: int, offset: int, user: Any = None
) -> list[int]:
    """Move one position `offset` places (-1 up, +1 down), kept within the ranking: the list's
    up and down buttons."""
    try:
        order = list_step(
            ranking_position_ids(applicant=applicant, round_=round_), position_id, offset
        )
    except ValueError:
        raise ApplicationError(_("This position is not in your ranking.")) from None
    return applicant_ranking_set(
        applicant=applicant,
        round_=round_,
        position_ids=order,
        user=user,
    )


# Couples -----------------------------------------------------------------------------------


def _active_couple_exists(applicant: Applicant, round_: Round) -> bool:
    return (
        Couple.objects.filter(round=round_)
        .filter(Q(first=applicant) | Q(second=applicant))
        .exclude(status=CoupleStatus.DISSOLVED)
        .exists()
    )


@transaction.atomic
def couple_invite(*, inviter: Applicant, round_: Round, partner_email: str) -> Couple:
    """Invite another applicant (by the e-mail address of the partner's account) to rank
    pairs of positions together in this round."""
    inviter = _lock(inviter)
    _check_ranking_open(round_)
    partner = Applicant.objects.filter(user__email__iexact=partner_email.strip()).first()
    if partner is None:
        raise ApplicationError(_("No applicant has an account with this e-mail address."))
    if partner.pk == inviter.pk:
        raise ApplicationError(_("You cannot form a couple with yourself."))
    if _active_couple_exists(inviter, round_):
        raise ApplicationError(_("You are already in a couple or invitation in this round."))
    if _active_couple_exists(partner, round_):
        raise ApplicationError(_("This applicant is already in a couple in this round."))
    couple = Couple.objects.create(round=round_, first=inviter, second=partner)
    notices.notice_couple_invited(couple=couple)
    return couple


@transaction.atomic
def couple_answer(*, couple: Couple, applicant: Applicant, accept: bool) -> Couple:
    """The invited partner accepts or declines the invitation."""
    couple = (
        Couple.objects.select_for_update(of=("self",), no_key=True)
        .select_related("round")
        .get(pk=couple.pk)
    )
    if couple.second_id != applicant.pk or couple.status != CoupleStatus.INVITED:
        raise ApplicationError(_("This invitation cannot be answered."))
    _check_ranking_open(couple.round)
    if accept:
        couple.status = CoupleStatus.ACCEPTED
        couple.accepted_at = timezone.now()
    else:
        couple.status = CoupleStatus.DISSOLVED
    couple.save(update_fields=["status", "accepted_at"])
    return couple


@transaction.atomic
def couple_dissolve(*, couple: Couple, applicant: Applicant, user: Any = None) -> Couple:
    """Either member ends the couple (or withdraws the invitation); both rank alone again."""
    couple = (
        Couple.objects.select_for_update(of=("self",), no_key=True)
        .select_related("round")
        .get(pk=couple.pk)
    )
    if applicant.pk not in (couple.first_id, couple.second_id):
        raise ApplicationError(_("This couple is not yours."))
    _check_ranking_open(couple.round)
    COUPLE_LIST.write(owner={"couple": couple}, keys=[], actor=user, action="couple_dissolve")
    couple.status = CoupleStatus.DISSOLVED
    couple.save(update_fields=["status"])
    return couple


def couple_pairs(*, couple: Couple) -> list[tuple[int | None, int | None]]:
    return COUPLE_LIST.keys({"couple": couple})


@transaction.atomic
def couple_pairs_set(
    *,
    couple: Couple,
    applicant: Applicant,
    pairs: Sequence[tuple[int | None, int | None]],
    user: Any = None,
) -> list[tuple[int | None, int | None]]:
    """Save the couple's joint list of position pairs (first member's, second member's).
    Each side must be a position that member applied to, or empty (stays unplaced)."""
    couple = (
        Couple.objects.select_for_update(of=("self",), no_key=True)
        .select_related("round")
        .get(pk=couple.pk)
    )
    if applicant.pk not in (couple.first_id, couple.second_id):
        raise ApplicationError(_("This couple is not yours."))
    if couple.status != CoupleStatus.ACCEPTED:
        raise ApplicationError(_("The partner has not accepted the invitation yet."))
    _check_ranking_open(couple.round)
    applied = {
        member: set(
            Application.objects.filter(
                applicant_id=member,
                position__round=couple.round,
                status=ApplicationStatus.SUBMITTED,
            ).values_list("position_id", flat=True)
        )
        for member in (couple.first_id, couple.second_id)
    }
    cleaned: list[tuple[int | None, int | None]] = []
    for first, second in pairs:
        first = int(first) if first else None
        second = int(second) if second else None
        if first is None and second is None:
            raise ApplicationError(_("At least one of the pair must get a position."))
        if (first is not None and first not in applied[couple.first_id]) or (
            second is not None and second not in applied[couple.second_id]
        ):
            raise ApplicationError(_("Each member can only be paired with positions applied to."))
        if (first, second) in cleaned:
            raise ApplicationError(_("This pair is already on the list."))
        cleaned.append((first, second))
    COUPLE_LIST.write(owner={"couple": couple}, keys=cleaned, actor=user, action="couple_pairs_set")
    return cleaned


# Offers: the answer and the rest of the placement lifecycle live in services.placements.
