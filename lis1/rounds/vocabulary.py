"""The outcome vocabulary, defined once: what "offered", "accepted", "declined", "expired",
"withdrew after accepting", "hired" and "without a position" mean, for the status report,
the directorate's pages and the API alike. Pure Python (the report builder imports it); the
database conditions of each term are in lis1.rounds.outcomes.

Each term counts PEOPLE: the applicants with at least one placement of a published run (the
main match, a follow-up or a direct offer from a list) in that state. One person can be in
several (declined the main match's offer, accepted a follow-up's). Counts of OFFERS (one per
placement) are a different unit and are always labelled as offers (`offers_label`); a column
never mixes the two.

- offered: any placement of a published run;
- accepted ("takket ja"): answered yes, whatever happened after (still holding the position,
  withdrew before the start, or left after it);
- declined ("takket nei"): answered no;
- expired: the answer deadline passed without an answer;
- withdrew after accepting: an accepted position given up, before or after the start;
- hired: the employer has confirmed the day the doctor started (`Placement.started_on`);
- without a position: neither an open offer, an accepted position still held, nor a
  confirmed start.

Labels are English msgids (`gettext_noop`); templates and renderers translate them.
"""

from __future__ import annotations

from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    return message


@dataclass(frozen=True)
class Term:
    key: str
    label: str  # a count of people in this state
    offers_label: str  # a count of offers (placements) in this state
    definition: str


OFFERED = Term(
    "offered",
    gettext_noop("Offered a position"),
    gettext_noop("Offers made"),
    gettext_noop(
        "Offered a position: applicants offered a position by a published match run (main "
        "or follow-up) or directly from an employer's list, whatever they answered."
    ),
)
ACCEPTED = Term(
    "accepted",
    gettext_noop("Accepted"),
    gettext_noop("Offers accepted"),
    gettext_noop(
        "Accepted: applicants who accepted an offer, including those who gave the position "
        "up later."
    ),
)
DECLINED = Term(
    "declined",
    gettext_noop("Declined"),
    gettext_noop("Offers declined"),
    gettext_noop("Declined: applicants who turned an offer down."),
)
EXPIRED = Term(
    "expired",
    gettext_noop("Expired"),
    gettext_noop("Offers expired"),
    gettext_noop("Expired: applicants whose offer lapsed at its deadline without an answer."),
)
WITHDRAWN = Term(
    "withdrawn",
    gettext_noop("Withdrew after accepting"),
    gettext_noop("Accepted offers given up"),
    gettext_noop(
        "Withdrew after accepting: applicants who accepted and then gave the position up, "
        "before the start or after it."
    ),
)
HIRED = Term(
    "hired",
    gettext_noop("Hired"),
    gettext_noop("Offers leading to a start"),
    gettext_noop(
        "Hired: applicants whose employer has confirmed the day they started (recorded on "
        "the placed-doctors page; it defaults to the position's start date)."
    ),
)

TERMS = (OFFERED, ACCEPTED, DECLINED, EXPIRED, WITHDRAWN, HIRED)

WITHOUT_POSITION_DEFINITION = gettext_noop(
    "Without a position: applicants with neither an open offer, an accepted position they "
    "still hold, nor a confirmed start. Before any answer this is the applicants not offered "
    "a position; once every position is started, the applicants not hired."
)
