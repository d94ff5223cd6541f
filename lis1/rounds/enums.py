"""Choices of the shared model, in one place so that forms, API and reports agree."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    HEALTH_TRUST = "health_trust", _("Health trust")
    PRIVATE_HOSPITAL = "private_hospital", _("Private non-profit hospital")
    HOSPITAL_SITE = "hospital_site", _("Hospital site")
    MUNICIPALITY = "municipality", _("Municipality")
    DIRECTORATE = "directorate", _("Directorate")


EMPLOYER_KINDS = (OrganisationKind.HEALTH_TRUST, OrganisationKind.PRIVATE_HOSPITAL)


class Season(models.TextChoices):
    SPRING = "spring", _("Spring")
    AUTUMN = "autumn", _("Autumn")


class RoundPhase(models.TextChoices):
    """Where a round is, derived from its calendar and the decisions taken on it (see
    lis1.rounds.calendar); never stored."""

    DRAFT = "draft", _("Planned")
    ADVERTISING = "advertising", _("Positions advertised")
    APPLICATIONS = "applications", _("Application period")
    RANKING = "ranking", _("Screening and ranking")
    MATCHING = "matching", _("Lists locked, match to be published")
    ANSWERS = "answers", _("Results published, answers due")
    ANSWERS_IN = "answers_in", _("Answer deadline passed")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


class RoundEventKind(models.TextChoices):
    """The decisions and changes recorded in a round's log."""

    CREATED = "created", _("Round created")
    CALENDAR_CHANGED = "calendar_changed", _("Calendar changed")
    MATCH_STARTED = "match_started", _("Match run started")
    PUBLISHED = "published", _("Results published")
    FOLLOW_UP_OPENED = "follow_up_opened", _("Follow-up opened")
    CLOSED = "closed", _("Round closed")
    SEATS_ADDED = "seats_added", _("Extra seats added")


class Rotation(models.TextChoices):
    TWO_PART = "two_part", _("Two-part (internal medicine, surgery)")
    THREE_PART = "three_part", _("Three-part (internal medicine, surgery, psychiatry)")


class PositionKind(models.TextChoices):
    FULL = "full", _("Full (18 months)")
    HOSPITAL_ONLY = "hospital_only", _("Hospital part only (12 months)")
    MUNICIPALITY_ONLY = "municipality_only", _("Municipal part only (6 months)")


class PositionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AuthorisationStatus(models.TextChoices):
    AUTHORISED = "authorised", _("Authorisation as a doctor")
    LICENCE = "licence", _("Licence")
    APPLIED = "applied", _("Applied, not yet decided")
    NONE = "none", _("None")


class NorwegianProficiency(models.TextChoices):
    NATIVE = "native", _("Native speaker")
    C1 = "c1", _("C1 or higher")
    B2 = "b2", _("B2")
    BELOW_B2 = "below_b2", _("Below B2")


class Gender(models.TextChoices):
    """Self-declared; never derived from the identity number."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNSPECIFIED = "unspecified", _("Prefer not to say")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CoupleStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DISSOLVED = "dissolved", _("Dissolved")


class MatchRunKind(models.TextChoices):
    MAIN = "main", _("Main match")
    FOLLOW_UP = "follow_up", _("Follow-up match")
    # An employer offers a vacant seat to the next on its list: a published "run" of one
    # placement, so seat counts and later follow-up matches see the seat as taken.
    DIRECT_OFFER = "direct_offer", _("Direct offer from the ranked list")


class PlacementStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Turned down")
    EXPIRED = "expired", _("Expired")
    # An accepted doctor can withdraw before the start date or leave after it; either way
    # the seat is vacant again and can be filled from the ranked list.
    WITHDRAWN = "withdrawn", _("Withdrew before start")
    LEFT = "left", _("Left after start")


#: The placements that hold a seat: an open offer or an accepted one.
HOLDING = (PlacementStatus.OFFERED, PlacementStatus.ACCEPTED)
#: An accepted placement that ended: the seat became vacant.
ENDED = (PlacementStatus.WITHDRAWN, PlacementStatus.LEFT)
