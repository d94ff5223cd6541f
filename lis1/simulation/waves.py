"""Today's offer waves against the central match, on the same lists.

The waves as they run today: a number of national waves, each with an offer day and an answer
deadline. In every wave each employer offers its free seats to the next applicants down its
ranked list; an applicant holds the best offer they have (by their own list), declines the
rest, and gives up a held offer when a better one comes (the seat is free again in the next
wave). After the last wave the held offers are the result; seats freed after it stay unfilled.
This is employer-proposing deferred acceptance cut off after a few rounds of offers.

The central match is ``lis1.matching.solve`` on the same instance. Both results are checked by
the same verifier, ``lis1.matching.verify``, for blocking pairs (an applicant and a position
that would both rather have each other).

Couples are treated as singles here: each member ranks the positions in the order they appear
in the couple's pairs (the waves have no way to coordinate two offers).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from lis1.matching import Instance, parse_instance, solve, verify
from lis1.matching.compiled import NONE, compile_instance
from lis1.simulation.market import build_market
from lis1.simulation.model import GROUPS, Assumptions, MarketSnapshot

# Spring 2024: offers 2, 8, 16, 24, 29 May; answers by 5, 9, 20, 26, 30 May (days from 2 May).
WAVE_CALENDAR: tuple[tuple[int, int], ...] = ((0, 3), (6, 7), (14, 18), (22, 24), (27, 28))
WAVE_GAP_DAYS = 7
"""Waves beyond the calendar's come a week apart with a two-day answer deadline."""
CENTRAL_ANSWER_DAYS = 7
"""Days from the central match's results to its answer deadline, when the round gives none."""


def wave_calendar(waves: int) -> list[tuple[int, int]]:
    out = list(WAVE_CALENDAR[:waves])
    while len(out) < waves:
        offer = out[-1][0] + WAVE_GAP_DAYS
        out.append((offer, offer + 2))
    return out


@dataclass(frozen=True)
class Outcome:
    """One procedure's result and its figures."""

    matches: dict[str, str]
    filled: int
    unfilled: int
    offers: int
    declined: int
    days: int  # from the first offer to the answer deadline that filled the last seat
    mean_days_to_fill: float
    blocking_pairs: int
    choices: dict[str, int]  # the placed by the rank of their position on their own list
    mean_choice: float | None
    rural_seats: int
    rural_filled: int
    unplaced: int
    waves: tuple[dict[str, int], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "filled": self.filled,
            "unfilled": self.unfilled,
            "offers": self.offers,
            "declined": self.declined,
            "days": self.days,
            "mean_days_to_fill": round(self.mean_days_to_fill, 1),
            "blocking_pairs": self.blocking_pairs,
            "choice_obtained": self.choices,
            "mean_choice": None if self.mean_choice is None else round(self.mean_choice, 2),
            "rural_seats": self.rural_seats,
            "rural_filled": self.rural_filled,
            "rural_fill": round(self.rural_filled / self.rural_seats, 3)
            if self.rural_seats
            else None,
            "unplaced": self.unplaced,
        }


def singles_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` with every couple's members as singles (see the module note)."""
    applicants = [dict(a) for a in document.get("applicants", [])]
    for couple in document.get("couples", []):
        for k, member in enumerate(couple["members"]):
            ranking: list[str] = []
            for pair in couple["ranking"]:
                program = pair[k]
                if program is not None and program not in ranking:
                    ranking.append(program)
            applicants.append({"id": member, "ranking": ranking})
    out = {key: value for key, value in document.items() if key != "couples"}
    out["applicants"] = applicants
    out["couples"] = []
    return out


def _choices(instance: Instance, matches: Mapping[str, str]) -> tuple[dict[str, int], float | None]:
    ranking = {a.id: a.ranking for a in instance.applicants}
    buckets = {"1": 0, "2": 0, "3-5": 0, "6+": 0}
    ranks = []
    for applicant, program in matches.items():
        rank = ranking[applicant].index(program) + 1
        ranks.append(rank)
        key = "1" if rank == 1 else "2" if rank == 2 else "3-5" if rank <= 5 else "6+"
        buckets[key] += 1
    return buckets, (sum(ranks) / len(ranks) if ranks else None)


def _outcome(
    instance: Instance,
    matches: dict[str, str],
    *,
    offers: int,
    declined: int,
    fill_days: list[int],
    rural: Collection[str],
    waves: tuple[dict[str, int], ...] = (),
) -> Outcome:
    seats = sum(p.capacity for p in instance.programs)
    rural_seats = sum(p.capacity for p in instance.programs if p.id in rural)
    choices, mean_choice = _choices(instance, matches)
    return Outcome(
        matches=matches,
        filled=len(matches),
        unfilled=seats - len(matches),
        offers=offers,
        declined=declined,
        days=max(fill_days, default=0),
        mean_days_to_fill=sum(fill_days) / len(fill_days) if fill_days else 0.0,
        # The same verifier as the central match's: lis1.matching.verify.
        blocking_pairs=len(verify(instance, matches)),
        choices=choices,
        mean_choice=mean_choice,
        rural_seats=rural_seats,
        rural_filled=sum(1 for p in matches.values() if p in rural),
        unplaced=len(instance.applicants) - len(matches),
        waves=waves,
    )


def offer_waves(instance: Instance, waves: int = 5, rural: Collection[str] = ()) -> Outcome:
    """The offer waves on a singles instance (see :func:`singles_document`)."""
    if instance.couples:
        raise ValueError("the offer waves take singles only; see singles_document.")
    c = compile_instance(instance)
    n_programs = len(c.program_ids)
    # An applicant's preference for a program: its index in their list (lower is better).
    pref_rank = [{p: i for i, p in enumerate(prefs)} for prefs in c.prefs]
    holding = [NONE] * len(c.applicant_ids)
    held_since = [0] * len(c.applicant_ids)  # answer-deadline day of the held offer
    holders = [0] * n_programs
    pointer = [0] * n_programs
    offers = declined = 0
    log: list[dict[str, int]] = []
    for number, (offer_day, deadline) in enumerate(wave_calendar(waves), start=1):
        received: dict[int, list[int]] = {}
        made = 0
        for p in range(n_programs):
            free = c.capacity[p] - holders[p]
            ranked = c.program_list[p]
            while free > 0 and pointer[p] < len(ranked):
                a = ranked[pointer[p]]
                pointer[p] += 1
                received.setdefault(a, []).append(p)
                free -= 1
                made += 1
        wave_declined = accepted = 0
        for a in sorted(received):
            mine = pref_rank[a]
            best = holding[a]
            for p in received[a]:
                if p not in mine:
                    wave_declined += 1  # not on the applicant's list: turned down
                elif best == NONE or mine[p] < mine[best]:
                    if best != NONE:
                        wave_declined += 1  # the offer held so far, or a worse new one
                    best = p
                else:
                    wave_declined += 1
            if best != holding[a]:
                if holding[a] != NONE:
                    holders[holding[a]] -= 1
                holders[best] += 1
                holding[a] = best
                held_since[a] = deadline
                accepted += 1
        offers += made
        declined += wave_declined
        log.append(
            {
                "wave": number,
                "offer_day": offer_day,
                "answer_deadline_day": deadline,
                "offers": made,
                "accepted": accepted,
                "declined": wave_declined,
                "filled_after": sum(holders),
            }
        )
    matches = {c.applicant_ids[a]: c.program_ids[p] for a, p in enumerate(holding) if p != NONE}
    fill_days = [held_since[a] for a, p in enumerate(holding) if p != NONE]
    return _outcome(
        instance,
        matches,
        offers=offers,
        declined=declined,
        fill_days=fill_days,
        rural=rural,
        waves=tuple(log),
    )


def central_match(
    instance: Instance, rural: Collection[str] = (), answer_days: int = CENTRAL_ANSWER_DAYS
) -> Outcome:
    """``lis1.matching.solve`` on the same instance: one offer per placed applicant, and
    applicants placed by their own lists accept (nothing they would rather have is free)."""
    result = solve(instance)
    matches = dict(result.matches)
    return _outcome(
        instance,
        matches,
        offers=len(matches),
        declined=0,
        fill_days=[answer_days] * len(matches),
        rural=rural,
    )


def synthetic_round(snapshot: MarketSnapshot, seed: int = 1) -> tuple[dict[str, Any], set[str]]:
    """A ``lis1-match/1`` document of the snapshot's round on synthetic lists (the projection's
    market for one round), and the ids of its rural programs."""
    per_group = [sum(c.count for c in snapshot.cohorts if c.group == g) for g in GROUPS]
    market = build_market(snapshot, Assumptions(), per_group, seed)
    n = market.programs
    programs: list[dict[str, Any]] = [
        {"id": p.id, "capacity": p.capacity, "ranking": list(p.ranking)}
        for p in market.instance.programs[:n]
    ]
    applicants = [
        {"id": a.id, "ranking": [p for p in a.ranking if not p.startswith("T")]}
        for a in market.instance.applicants
    ]
    rural = {market.instance.programs[i].id for i in range(n) if market.rural[i]}
    document = {
        "format": "lis1-match/1",
        "seed": seed,
        "programs": programs,
        "applicants": applicants,
        "couples": [],
    }
    return document, rural


def compare_waves(
    document: Mapping[str, Any],
    waves: int = 5,
    rural: Collection[str] = (),
    central_answer_days: int = CENTRAL_ANSWER_DAYS,
) -> tuple[Outcome, Outcome, Instance]:
    """The waves and the central match on the same (singles) instance."""
    instance = parse_instance(singles_document(document))
    return (
        offer_waves(instance, waves, rural),
        central_match(instance, rural, central_answer_days),
        instance,
    )


def choice_comparison(instance: Instance, waved: Outcome, central: Outcome) -> dict[str, int]:
    """Applicants by which procedure gave them the position higher on their own list
    (unplaced counts as below every position)."""
    out = {"better_in_central_match": 0, "better_in_offer_waves": 0, "same": 0}
    for applicant in instance.applicants:
        unplaced = len(applicant.ranking)
        ranks = [
            applicant.ranking.index(m[applicant.id]) if applicant.id in m else unplaced
            for m in (waved.matches, central.matches)
        ]
        if ranks[1] < ranks[0]:
            out["better_in_central_match"] += 1
        elif ranks[0] < ranks[1]:
            out["better_in_offer_waves"] += 1
        else:
            out["same"] += 1
    return out


def offer_waves_document(
    document: Mapping[str, Any],
    *,
    waves: int = 5,
    rural: Collection[str] = (),
    round_slug: str = "",
    source: str = "database",
    central_answer_days: int = CENTRAL_ANSWER_DAYS,
) -> dict[str, Any]:
    waved, central, instance = compare_waves(document, waves, rural, central_answer_days)
    return {
        "format": "lis1-offer-waves/1",
        "round": round_slug,
        "lists": source,
        "applicants": len(instance.applicants),
        "seats": sum(p.capacity for p in instance.programs),
        "waves_count": waves,
        "assumptions": [
            "couples are treated as singles in both procedures",
            "rural positions are those of Helse Nord",
            f"the central match's answer deadline is {central_answer_days} days after results",
            "wave days follow spring 2024 (offers 2, 8, 16, 24, 29 May)",
        ],
        "offer_waves": waved.to_json(),
        "central_match": central.to_json(),
        "waves": list(waved.waves),
        "choice_comparison": choice_comparison(instance, waved, central),
    }


__all__ = [
    "Outcome",
    "central_match",
    "choice_comparison",
    "compare_waves",
    "offer_waves",
    "offer_waves_document",
    "singles_document",
    "synthetic_round",
    "wave_calendar",
]
