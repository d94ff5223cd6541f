"""Employers' positions: create, edit and publish while advertising is open; CSV import and
export. Deadlines are checked on the server against the round's calendar (Europe/Oslo)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lis1.dbstats import analyze_tables
from lis1.rounds.calendar import Action, calendar_allows, calendar_check
from lis1.rounds.enums import (
    OrganisationKind,
    PositionKind,
    PositionStatus,
    Rotation,
)
from lis1.rounds.errors import InputInvalid, RuleViolation
from lis1.rounds.models import POSITION_FIELDS, MunicipalArea, Organisation, Position, Round
from lis1.rounds.services.csvio import CsvImportError, csv_bytes, csv_rows


class PositionError(RuleViolation):
    """A position cannot be created, changed or published; the message says why."""


class PositionInputInvalid(InputInvalid, PositionError):
    """The position entered is not valid (answered 400, not 409)."""

    default_rule = "position_input"


def round_open_for_positions(round_: Round) -> bool:
    """Trusts post and edit positions until the application deadline (lis1.rounds.calendar)."""
    return calendar_allows(round_, Action.EDIT_POSITIONS)


def rounds_open_for_positions():
    """The rounds whose positions can still change: the queryset form of the same rule."""
    return Round.objects.filter(closed_at__isnull=True, applications_close__gt=timezone.now())


def _check_open(round_: Round) -> None:
    calendar_check(round_, Action.EDIT_POSITIONS, error=PositionError)


def _check_parts(position: Position, sites: list[Organisation]) -> None:
    employer = position.employer
    if any(site.parent_id != employer.pk for site in sites):
        raise PositionInputInvalid(_("Hospital sites must belong to the employer."))
    if position.municipal_area_id and position.municipal_area.employer_id != employer.pk:  # type: ignore[union-attr]
        raise PositionInputInvalid(_("The municipal area must be one of the employer's areas."))
    try:
        position.full_clean(exclude=["round", "employer", "sites"], validate_unique=False)
    except ValidationError as error:
        raise PositionInputInvalid(" ".join(error.messages)) from None


# The row's own fields, which position_save sets; `sites` is the relation set beside it.
POSITION_ROW_FIELDS = tuple(name for name in POSITION_FIELDS if name != "sites")


@transaction.atomic
def position_save(
    *,
    position: Position | None = None,
    round_: Round,
    employer: Organisation,
    data: dict[str, Any],
    sites: list[Organisation],
) -> Position:
    """Create a position (as a draft) or change one, while the round takes positions.

    `data` holds fields of POSITION_ROW_FIELDS only: any other name is a caller's mistake and
    refused, never dropped."""
    unknown = sorted(set(data) - set(POSITION_ROW_FIELDS))
    if unknown:
        raise TypeError(f"position_save: not an employer's field of a position: {unknown}")
    _check_open(round_)
    if position is None:
        position = Position(round=round_, employer=employer, status=PositionStatus.DRAFT)
    elif position.employer_id != employer.pk or position.round_id != round_.pk:
        raise PositionInputInvalid(_("This position belongs to another employer or round."))
    for name in POSITION_ROW_FIELDS:
        if name in data:
            setattr(position, name, data[name])
    _check_parts(position, sites)
    try:
        with transaction.atomic():
            position.save()
    except IntegrityError:
        raise PositionError(
            _("The reference %(reference)s is already used in this round.")
            % {"reference": position.reference}
        ) from None
    position.sites.set(sites)
    return position


@transaction.atomic
def position_publish(*, position: Position) -> Position:
    """Publish a draft so applicants can apply (until the application deadline)."""
    position = (
        Position.objects.select_for_update(of=("self",), no_key=True)
        .select_related("round")
        .get(pk=position.pk)
    )
    _check_open(position.round)
    if position.status == PositionStatus.PUBLISHED:
        raise PositionError(_("The position is already published."))
    position.status = PositionStatus.PUBLISHED
    position.save(update_fields=["status", "updated_at"])
    return position


@transaction.atomic
def position_withdraw(*, position: Position) -> Position:
    """Take a published position back to draft, only while nobody has applied."""
    position = (
        Position.objects.select_for_update(of=("self",), no_key=True)
        .select_related("round")
        .get(pk=position.pk)
    )
    _check_open(position.round)
    if position.applications.exists():
        raise PositionError(_("Applicants have applied: the position can no longer be withdrawn."))
    position.status = PositionStatus.DRAFT
    position.save(update_fields=["status", "updated_at"])
    return position


# --- CSV ------------------------------------------------------------------------------------

# The CSV's columns are the declared fields (two under the names people know them by), then
# the status; the export writes and the import reads each of them.
_CSV_NAMES = {"municipality": "municipality_number", "municipal_area": "area"}
POSITION_CSV_COLUMNS = tuple(_CSV_NAMES.get(name, name) for name in (*POSITION_FIELDS, "status"))

_CSV_VALUES: dict[str, Callable[[Position], object]] = {
    "sites": lambda p: "|".join(site.code for site in p.sites.all()),
    "municipality": lambda p: p.municipality.municipality_number if p.municipality else "",
    "municipal_area": lambda p: p.municipal_area.name if p.municipal_area else "",
    "start_date": lambda p: p.start_date.isoformat(),
}


def _csv_row(position: Position) -> tuple[object, ...]:
    return tuple(
        _CSV_VALUES[name](position) if name in _CSV_VALUES else getattr(position, name)
        for name in (*POSITION_FIELDS, "status")
    )


def positions_export_csv(*, positions, round_: Round) -> tuple[str, str, bytes]:
    rows = (
        _csv_row(p)
        for p in positions.select_related("municipality", "municipal_area").prefetch_related(
            "sites"
        )
    )
    return (
        f"positions-{round_.slug}.csv",
        "text/csv; charset=utf-8",
        csv_bytes(POSITION_CSV_COLUMNS, rows),
    )


@dataclass
class _Row:
    line: int
    data: dict[str, Any]
    sites: list[Organisation]


def _parse_position_row(
    line: int,
    row: dict[str, str],
    *,
    sites_by_code: dict[str, Organisation],
    municipalities: dict[str, Organisation],
    areas: dict[str, MunicipalArea],
) -> tuple[_Row | None, list[str]]:
    errors: list[str] = []
    data: dict[str, Any] = {}
    for name in ("reference", "title"):
        if not row.get(name):
            errors.append(_("%(column)s is required.") % {"column": name})
        data[name] = row.get(name, "")
    if len(data["reference"]) > 40:
        errors.append(_("reference is longer than 40 characters."))
    kind = row.get("kind") or PositionKind.FULL
    if kind not in PositionKind.values:
        errors.append(
            _("kind must be one of %(values)s.") % {"values": ", ".join(PositionKind.values)}
        )
    data["kind"] = kind
    rotation = row.get("rotation", "")
    if rotation and rotation not in Rotation.values:
        errors.append(
            _("rotation must be one of %(values)s.") % {"values": ", ".join(Rotation.values)}
        )
    data["rotation"] = rotation
    sites = []
    for code in filter(None, (c.strip() for c in row.get("sites", "").split("|"))):
        if code not in sites_by_code:
            errors.append(_("unknown hospital site %(code)s.") % {"code": code})
        else:
            sites.append(sites_by_code[code])
    number = row.get("municipality_number", "")
    data["municipality"] = None
    if number:
        if number not in municipalities:
            errors.append(_("unknown municipality number %(number)s.") % {"number": number})
        else:
            data["municipality"] = municipalities[number]
    area = row.get("area", "")
    data["municipal_area"] = None
    if area:
        if area not in areas:
            errors.append(_("unknown municipal area %(area)s.") % {"area": area})
        else:
            data["municipal_area"] = areas[area]
    try:
        data["start_date"] = dt.date.fromisoformat(row.get("start_date", ""))
    except ValueError:
        errors.append(_("start_date must be a date like 2026-09-01."))
    try:
        data["seats"] = int(row.get("seats") or "1")
        if data["seats"] < 1:
            raise ValueError
    except ValueError:
        errors.append(_("seats must be a whole number of at least 1."))
    data["description"] = row.get("description", "")
    data["alis_url"] = row.get("alis_url", "")
    if data["alis_url"]:
        try:
            URLValidator()(data["alis_url"])
        except ValidationError:
            errors.append(_("alis_url is not a valid web address."))
    status = row.get("status") or PositionStatus.DRAFT
    if status not in (PositionStatus.DRAFT, PositionStatus.PUBLISHED):
        errors.append(_("status must be draft or published."))
    data["status"] = status
    return (None if errors else _Row(line, data, sites)), errors


@transaction.atomic
def positions_import_csv(*, round_: Round, employer: Organisation, data: bytes) -> list[Position]:
    """Create or update the employer's positions of a round by reference, all or nothing:
    any error in any line refuses the whole file, with every error named by line."""
    _check_open(round_)
    rows = csv_rows(data, required=("reference", "title", "start_date"))
    sites_by_code = {
        site.code: site
        for site in Organisation.objects.filter(
            kind=OrganisationKind.HOSPITAL_SITE, parent=employer
        )
    }
    municipalities = {
        m.municipality_number: m
        for m in Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    }
    areas = {a.name: a for a in MunicipalArea.objects.filter(employer=employer)}
    existing = {
        p.reference: p for p in Position.objects.filter(round=round_).select_related("employer")
    }
    errors: list[tuple[int, str]] = []
    parsed: list[_Row] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        item, row_errors = _parse_position_row(
            line, row, sites_by_code=sites_by_code, municipalities=municipalities, areas=areas
        )
        reference = row.get("reference", "")
        if reference in seen:
            row_errors.append(
                _("reference %(reference)s also on line %(line)s.")
                % {"reference": reference, "line": seen[reference]}
            )
        seen.setdefault(reference, line)
        other = existing.get(reference)
        if other is not None and other.employer_id != employer.pk:
            row_errors.append(
                _("reference %(reference)s is used by another employer.") % {"reference": reference}
            )
        errors.extend((line, message) for message in row_errors)
        if item is not None and not row_errors:
            parsed.append(item)
    if not rows:
        errors.append((1, _("The file has no positions.")))
    if errors:
        raise CsvImportError(errors)
    saved = []
    for item in parsed:
        status = item.data.pop("status")
        try:
            position = position_save(
                position=existing.get(item.data["reference"]),
                round_=round_,
                employer=employer,
                data=item.data,
                sites=item.sites,
            )
        except PositionError as error:
            errors.append((item.line, str(error)))
            continue
        if status == PositionStatus.PUBLISHED and position.status != PositionStatus.PUBLISHED:
            Position.objects.filter(pk=position.pk).update(
                status=PositionStatus.PUBLISHED, updated_at=timezone.now()
            )
        saved.append(position)
    if errors:
        transaction.set_rollback(True)
        raise CsvImportError(errors)
    analyze_tables(Position, rows=len(saved))  # a big file: fresh statistics after commit
    return saved
