"""The outcome vocabulary, defined once: what "offered", "accepted", "declined", "expired",
"withdrew after accepting" and "hired" mean, for the status report, the directorate's pages
and the API alike.

Each term counts PEOPLE: the applicants with at least one placement of a published run (the
main match, a follow-up or a direct offer from a list) in that state. One person can be in
several (declined the main match's offer, accepted a follow-up's). Counts of OFFERS (one per
placement) are a different unit and are always labelled as offers (`OFFER_LABELS`); a column
never mixes the two.

- offered: any placement of a published run;
- accepted ("takket ja"): answered yes, whatever happened after (still holding the position,
  withdrew before the start, or left after it);
- declined ("takket nei"): answered no;
- expired: the answer deadline passed without an answer;
- withdrew after accepting: an accepted position given up, before or after the start;
- hired: the employer has confirmed the day the doctor started (`Placement.started_on`).

Labels are English msgids (`gettext_noop`) so that pure code can carry them; templates and
renderers translate them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from lis1.rounds.enums import ENDED, PlacementStatus


def gettext_noop(message: str) -> str:
    return message


@dataclass(frozen=True)
class Term:
    key: str
    label: str  # a count of people in this state
    offers_label: str  # a count of offers (placements) in this state
    definition: str
    condition: Q  # on Placement, within published runs


OFFERED = Term(
    "offered",
    gettext_noop("Offered a position"),
    gettext_noop("Offers made"),
    gettext_noop(
        "Offered a position: applicants offered a position by a published match run (main "
        "or follow-up) or directly from an employer's list, whatever they answered."
    ),
    Q(),
)
ACCEPTED = Term(
    "accepted",
    gettext_noop("Accepted"),
    gettext_noop("Offers accepted"),
    gettext_noop(
        "Accepted: applicants who accepted an offer, including those who gave the position "
        "up later."
    ),
    Q(status__in=[PlacementStatus.ACCEPTED, *ENDED]),
)
DECLINED = Term(
    "declined",
    gettext_noop("Declined"),
    gettext_noop("Offers declined"),
    gettext_noop("Declined: applicants who turned an offer down."),
    Q(status=PlacementStatus.DECLINED),
)
EXPIRED = Term(
    "expired",
    gettext_noop("Expired"),
    gettext_noop("Offers expired"),
    gettext_noop("Expired: applicants whose offer lapsed at its deadline without an answer."),
    Q(status=PlacementStatus.EXPIRED),
)
WITHDRAWN = Term(
    "withdrawn",
    gettext_noop("Withdrew after accepting"),
    gettext_noop("Accepted offers given up"),
    gettext_noop(
        "Withdrew after accepting: applicants who accepted and then gave the position up, "
        "before the start or after it."
    ),
    Q(status__in=ENDED),
)
HIRED = Term(
    "hired",
    gettext_noop("Hired"),
    gettext_noop("Offers leading to a start"),
    gettext_noop(
        "Hired: applicants whose employer has confirmed the day they started (recorded on "
        "the placed-doctors page; it defaults to the position's start date)."
    ),
    Q(started_on__isnull=False),
)

TERMS = (OFFERED, ACCEPTED, DECLINED, EXPIRED, WITHDRAWN, HIRED)
#: An accepted position still held: accepted and not given up.
HOLDING_ACCEPTED = Q(status=PlacementStatus.ACCEPTED)
