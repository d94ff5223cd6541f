"""The database side of the outcome vocabulary (lis1.rounds.vocabulary): each term's
condition on a Placement of a published run, for counting people with `Count("applicant",
distinct=True, filter=...)`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from lis1.rounds import vocabulary
from lis1.rounds.enums import ENDED, HOLDING, PlacementStatus


@dataclass(frozen=True)
class Outcome:
    term: vocabulary.Term
    condition: Q

    @property
    def key(self) -> str:
        return self.term.key

    @property
    def label(self) -> str:
        return self.term.label

    @property
    def definition(self) -> str:
        return self.term.definition


OFFERED = Outcome(vocabulary.OFFERED, Q())
ACCEPTED = Outcome(vocabulary.ACCEPTED, Q(status__in=[PlacementStatus.ACCEPTED, *ENDED]))
DECLINED = Outcome(vocabulary.DECLINED, Q(status=PlacementStatus.DECLINED))
EXPIRED = Outcome(vocabulary.EXPIRED, Q(status=PlacementStatus.EXPIRED))
WITHDRAWN = Outcome(vocabulary.WITHDRAWN, Q(status__in=ENDED))
HIRED = Outcome(vocabulary.HIRED, Q(started_on__isnull=False))

TERMS = (OFFERED, ACCEPTED, DECLINED, EXPIRED, WITHDRAWN, HIRED)

#: Has a position: an open offer, an accepted position not given up, or a confirmed start
#: (also of a doctor who left after it). The other applicants are without a position.
WITH_POSITION = Q(status__in=HOLDING) | HIRED.condition
