"""The employer's ranked list of a position's applicants: reorder, add, remove, submit, CSV.

Applicants left off the list are not acceptable to the position. The list is editable until
the round's ranking deadline (checked on the server), read-only afterwards. Every change
goes through `employer_ranking_set`, which writes the list with the one ordered-list writer
(`lis1.rounds.services.ordered`): only the rows that change, with the actor in the audit.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lis1.dbstats import analyze_tables
from lis1.rounds.audit import audit_context
from lis1.rounds.calendar import Action, calendar_allows, calendar_check
from lis1.rounds.enums import ApplicationStatus
from lis1.rounds.errors import InputInvalid, RuleViolation
from lis1.rounds.models import Application, EmployerRanking, Position
from lis1.rounds.selectors import employer_ranking_entries
from lis1.rounds.services.csvio import CsvImportError, csv_bytes, csv_rows
from lis1.rounds.services.ordered import EMPLOYER_LIST, list_step


class RankingError(RuleViolation):
    """A ranking cannot be changed or submitted; the message says why."""

    default_rule = "ranking"


class RankingInputInvalid(InputInvalid, RankingError):
    """The list sent is not valid (answered 400, not 409)."""

    default_rule = "ranking_input"


def ranking_open(position: Position) -> bool:
    return calendar_allows(position.round, Action.RANK)


def _locked_open(position: Position) -> Position:
    """The position under its row lock, which every change of its list takes first (no key
    lock: rows that refer to the position can still be written), refused when the ranking
    is closed."""
    locked = (
        Position.objects.select_for_update(of=("self",), no_key=True)
        .select_related("round")
        .get(pk=position.pk)
    )
    calendar_check(locked.round, Action.RANK, error=RankingError)
    return locked


def ranking_ids(position: Position) -> list[int]:
    return EMPLOYER_LIST.keys({"position": position})


def rankable_applicant_ids(position: Position) -> set[int]:
    """Applicants with a submitted application to the position."""
    return set(
        Application.objects.filter(
            position=position, status=ApplicationStatus.SUBMITTED
        ).values_list("applicant_id", flat=True)
    )


@transaction.atomic
def employer_ranking_set(*, position: Position, applicant_ids: list[int], user=None) -> list[int]:
    """Make the position's list exactly `applicant_ids`, best first."""
    position = _locked_open(position)
    if len(set(applicant_ids)) != len(applicant_ids):
        raise RankingInputInvalid(_("An applicant appears more than once in the ranking."))
    unknown = set(applicant_ids) - rankable_applicant_ids(position)
    if unknown:
        raise RankingInputInvalid(_("Only applicants who applied to this position can be ranked."))
    diff = EMPLOYER_LIST.write(
        owner={"position": position}, keys=applicant_ids, actor=user, action="employer_ranking_set"
    )
    if diff.changed and position.ranking_submitted_at:
        # A changed list must be submitted (and approved) again.
        with audit_context(user=user, action="employer_ranking_set", position=position.pk):
            Position.objects.filter(pk=position.pk).update(
                ranking_submitted_at=None, ranking_submitted_by=None
            )
    return applicant_ids


@transaction.atomic
def employer_ranking_step(
    *, position: Position, applicant_id: int, offset: int, user=None
) -> list[int]:
    """Move a ranked applicant `offset` places (-1 up, +1 down), kept within the list: the
    list's up and down buttons."""
    ids = _locked_ids(position)
    try:
        ids = list_step(ids, applicant_id, offset)
    except ValueError:
        raise RankingError("not_on_ranking", _("The applicant is not on the ranking.")) from None
    return employer_ranking_set(position=position, applicant_ids=ids, user=user)


class RankingPlaceInvalid(InputInvalid, RankingError):
    """The place asked for is not on the list (1 to the number of ranked applicants): bad
    input about the `place` field (400), still a RankingError to the pages."""

    default_rule = "ranking_place_out_of_range"
    field = "place"


def _locked_ids(position: Position) -> list[int]:
    """The list, read under the position's row lock (as `employer_ranking_set` takes it), so
    that the change computed from it is not based on a list another request is changing; refused
    first when the ranking is closed, so a no-op still says why."""
    return ranking_ids(_locked_open(position))


@transaction.atomic
def employer_ranking_move(
    *, position: Position, applicant_id: int, place: int, user=None
) -> list[int]:
    """Move a ranked applicant to `place` (1 = first). The place is checked, not clamped: a
    typed number outside 1..N is a mistake to show, not to guess."""
    ids = _locked_ids(position)
    if applicant_id not in ids:
        raise RankingError("not_on_ranking", _("The applicant is not on the ranking."))
    if not 1 <= place <= len(ids):
        raise RankingPlaceInvalid(
            _("Choose a place from 1 to %(count)s.") % {"count": len(ids)}
            if len(ids) > 1
            else _("The list has one applicant: the only place is 1.")
        )
    ids.remove(applicant_id)
    ids.insert(place - 1, applicant_id)
    return employer_ranking_set(position=position, applicant_ids=ids, user=user)


@transaction.atomic
def ranking_reorder(
    *, position: Position, offset: int, applicant_ids: list[int], user=None
) -> list[int]:
    """Put one stretch of the list (a page: places offset+1 to offset+len) in a new order,
    leaving the rest where it is. The stretch must hold the same applicants as now: were the
    list changed meanwhile (another tab, a colleague), the order would mix two lists."""
    ids = _locked_ids(position)
    end = offset + len(applicant_ids)
    if offset < 0 or sorted(ids[offset:end]) != sorted(applicant_ids):
        raise RankingError(
            "ranking_changed",
            _("The ranking was changed meanwhile: here is the current order. Try again."),
        )
    ids[offset:end] = applicant_ids
    return employer_ranking_set(position=position, applicant_ids=ids, user=user)


@transaction.atomic
def ranking_add_many(*, position: Position, applicant_ids: list[int], user=None) -> list[int]:
    """Put applicants at the end of the list in the given order; those already on it keep
    their place. Returns the new list."""
    ids = _locked_ids(position)
    ranked = set(ids)
    new = [a for a in dict.fromkeys(applicant_ids) if a not in ranked]
    if not new:
        return ids
    return employer_ranking_set(position=position, applicant_ids=[*ids, *new], user=user)


def ranking_add(*, position: Position, applicant_id: int, user=None) -> list[int]:
    """Put an applicant at the end of the list."""
    return ranking_add_many(position=position, applicant_ids=[applicant_id], user=user)


@transaction.atomic
def ranking_remove(*, position: Position, applicant_id: int, user=None) -> list[int]:
    """Leave an applicant off the list: not acceptable to the position."""
    ids = [a for a in _locked_ids(position) if a != applicant_id]
    return employer_ranking_set(position=position, applicant_ids=ids, user=user)


@transaction.atomic
def ranking_submit(*, position: Position, user) -> Position:
    """Mark the list as the employer's final ranking (it can still change until the deadline,
    which clears the submission)."""
    position = _locked_open(position)
    if not EmployerRanking.objects.filter(position=position).exists():
        raise RankingError(_("Rank at least one applicant before submitting."))
    position.ranking_submitted_at = timezone.now()
    position.ranking_submitted_by = user
    position.save(update_fields=["ranking_submitted_at", "ranking_submitted_by", "updated_at"])
    return position


RANKING_CSV_COLUMNS = ("rank", "applicant_id", "hpr_number", "name")


def ranking_export_csv(*, position: Position) -> tuple[str, str, bytes]:
    entries = employer_ranking_entries(position)
    rows = (
        (e.rank, e.applicant_id, e.applicant.hpr_number, e.applicant.full_name) for e in entries
    )
    return (
        f"ranking-{position.reference}.csv",
        "text/csv; charset=utf-8",
        csv_bytes(RANKING_CSV_COLUMNS, rows),
    )


def ranking_import_csv(*, position: Position, data: bytes, user=None) -> list[int]:
    """Replace the list from a CSV (columns rank and applicant_id, or hpr_number), all or
    nothing; errors name their line."""
    rows = csv_rows(data, required=("rank",))
    applications = Application.objects.filter(
        position=position, status=ApplicationStatus.SUBMITTED
    ).select_related("applicant")
    applied = {a.applicant_id for a in applications}
    by_hpr = {
        a.applicant.hpr_number: a.applicant_id for a in applications if a.applicant.hpr_number
    }
    errors: list[tuple[int, str]] = []
    ranked: list[tuple[int, int, int]] = []
    seen_ranks: dict[int, int] = {}
    seen_applicants: dict[int, int] = {}
    for line, row in rows:
        try:
            rank = int(row.get("rank", ""))
            if rank < 1:
                raise ValueError
        except ValueError:
            errors.append((line, _("rank must be a whole number of at least 1.")))
            continue
        applicant = None
        if row.get("applicant_id"):
            try:
                number: int | None = int(row["applicant_id"])
            except ValueError:
                number = None
            applicant = number if number in applied else None
        elif row.get("hpr_number"):
            applicant = by_hpr.get(row["hpr_number"])
        if applicant is None:
            errors.append((line, _("not an applicant to this position.")))
            continue
        if rank in seen_ranks:
            errors.append(
                (
                    line,
                    _("rank %(rank)s also on line %(line)s.")
                    % {"rank": rank, "line": seen_ranks[rank]},
                )
            )
            continue
        if applicant in seen_applicants:
            errors.append(
                (
                    line,
                    _("the applicant is also on line %(line)s.")
                    % {"line": seen_applicants[applicant]},
                )
            )
            continue
        seen_ranks[rank] = line
        seen_applicants[applicant] = line
        ranked.append((rank, line, applicant))
    if errors:
        raise CsvImportError(errors)
    ordered = [applicant for _rank, _line, applicant in sorted(ranked)]
    try:
        saved = employer_ranking_set(position=position, applicant_ids=ordered, user=user)
    except RankingError as error:
        raise CsvImportError([(1, str(error))]) from None
    analyze_tables(EmployerRanking, rows=len(ordered))  # a big file: fresh statistics
    return saved
