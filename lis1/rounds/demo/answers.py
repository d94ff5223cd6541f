"""How demo applicants answer their offers: a declared acceptance model, plain Python.

The published reports give the outcome, not the answers behind it, so the model is an
assumption, stated here and calibrated against the spring-2018 round (DOMAIN.md:
456 positions, 1,278 applicants, 454 hired = 36 %; of the 824 without a position 17 % were
educated in Norway and 69 % were Norwegian nationals; tests/reports/test_calibration.py):

- An offer of the applicant's first choice is almost always accepted. Each step down the
  applicant's own list lowers the chance, by an amount that depends on where the applicant
  was educated: doctors educated in Norway have the most alternatives (temporary posts,
  research, the next round with good prospects) and turn lower-ranked offers down most
  often; doctors educated outside the EU/EEA have the fewest and accept nearly anything.
- A small share lets the offer lapse without answering (it expires at the deadline).
- Declined and lapsed offers free their seats for the follow-up match; whoever declined is
  not offered again in that round (the follow-up excludes them), so they end the round
  without a position and may apply again in the next one.

`AcceptanceModel.probability` is a pure function; `answer_offers` draws the answers from a
seeded `random.Random`, so the same seed gives the same answers.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from lis1.rounds.demo.people import EDU_EEA, EDU_NORWAY, EDU_OTHER

ACCEPT, DECLINE, NO_ANSWER = "accept", "decline", "no_answer"


@dataclass(frozen=True)
class RankResponse:
    """P(accept) for one education group: `first` for the applicant's first choice, lowered
    by `step` for each rank further down the list, never below `floor`."""

    first: float
    step: float
    floor: float

    def at(self, rank: int) -> float:
        return max(self.floor, self.first - self.step * (max(rank, 1) - 1))


def _default_groups() -> Mapping[str, RankResponse]:
    return MappingProxyType(
        {
            EDU_NORWAY: RankResponse(first=0.98, step=0.03, floor=0.60),
            EDU_EEA: RankResponse(first=0.99, step=0.015, floor=0.80),
            EDU_OTHER: RankResponse(first=0.995, step=0.005, floor=0.93),
        }
    )


@dataclass(frozen=True)
class AcceptanceModel:
    """The chance that an applicant accepts an offer, by the applicant's rank of the offered
    position and the applicant's education group (see the module docstring)."""

    groups: Mapping[str, RankResponse] = field(default_factory=_default_groups)
    #: The share of offers nobody answers (they expire at the deadline).
    no_answer: float = 0.005
    #: A rank for offers without one (a couple's pair the engine could not rank).
    unranked: int = 5

    def probability(self, *, group: str, choice_rank: int | None) -> float:
        """P(accept) given that the applicant answers."""
        rank = choice_rank if choice_rank is not None else self.unranked
        return self.groups[group].at(rank)

    def answer(self, rng: random.Random, *, group: str, choice_rank: int | None) -> str:
        if rng.random() < self.no_answer:
            return NO_ANSWER
        if rng.random() < self.probability(group=group, choice_rank=choice_rank):
            return ACCEPT
        return DECLINE


DEFAULT_ACCEPTANCE = AcceptanceModel()


@dataclass(frozen=True)
class Offer:
    key: int  # the placement's primary key
    group: str  # the applicant's education group
    choice_rank: int | None
    order: int = 0  # where the applicant is in the round's plan: the order of the draws


def answer_offers(
    *, model: AcceptanceModel, rng: random.Random, offers: Sequence[Offer]
) -> dict[int, str]:
    """Each offer's answer (ACCEPT, DECLINE or NO_ANSWER), by key. The draws follow the
    offers' `order` (then key), not the order they were read in nor the database's keys, so
    that the same seed gives the same answers however the rows were numbered."""
    return {
        offer.key: model.answer(rng, group=offer.group, choice_rank=offer.choice_rank)
        for offer in sorted(offers, key=lambda o: (o.order, o.key))
    }


__all__ = [
    "ACCEPT",
    "DECLINE",
    "DEFAULT_ACCEPTANCE",
    "EDU_EEA",
    "EDU_NORWAY",
    "EDU_OTHER",
    "NO_ANSWER",
    "AcceptanceModel",
    "Offer",
    "RankResponse",
    "answer_offers",
]
