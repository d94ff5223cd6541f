"""The one writer of ordered lists: the applicant's positions, an employer's applicants for a
position and a couple's pairs of positions.

A list is the rows of one model that share an owner (``{"applicant": a, "round": r}``,
``{"position": p}``, ``{"couple": c}``), each with a key (the ranked thing: one field or a
tuple of fields) and a ``rank`` from 1. `write_ordered_list` makes the rows exactly a new
order of keys by a diff: rows whose key left the list are deleted, rows that moved get their
new rank, new keys are inserted, and rows that kept their place are not written at all. So
the audit history (pghistory triggers) holds one event per row that changed, each labelled
with the actor and the action.

The (owner, rank) unique constraints are DEFERRABLE INITIALLY IMMEDIATE in PostgreSQL, so the
moved rows are renumbered in one UPDATE checked at its end (a non-deferrable unique constraint
is checked row by row, and a swap would collide with itself). A database without deferrable
constraints (SQLite, the embedded development default) parks the moved rows above every rank
first, which writes them twice; it has no audit triggers either.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.db.models import F, Max

from lis1.rounds.audit import audit_context
from lis1.rounds.models import ApplicantRanking, CouplePreference, EmployerRanking

Key = Hashable
T = TypeVar("T")


@dataclass(frozen=True)
class ListDiff:
    """What a write changed: keys inserted and deleted, and how many rows got a new rank."""

    inserted: tuple[Key, ...] = ()
    deleted: tuple[Key, ...] = ()
    moved: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.deleted or self.moved)


def list_step(keys: Sequence[T], key: T, offset: int) -> list[T]:
    """The order with `key` moved `offset` places (-1 up, +1 down), kept within the list.
    Raises ValueError when the key is not on it."""
    order = list(keys)
    index = order.index(key)
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    return order


def _key_of(row: models.Model, fields: tuple[str, ...]) -> Key:
    values = tuple(getattr(row, field) for field in fields)
    return values[0] if len(fields) == 1 else values


def _key_fields(key: str | Sequence[str]) -> tuple[str, ...]:
    return (key,) if isinstance(key, str) else tuple(key)


@transaction.atomic
def write_ordered_list(
    *,
    model: type[models.Model],
    owner: dict[str, Any],
    key: str | Sequence[str],
    keys: Sequence[Key],
    actor: Any = None,
    action: str,
) -> ListDiff:
    """Make the owner's rows of `model` exactly `keys` in this order (rank 1 first), writing
    only the rows that change, with `actor`, `action` and the owner's ids in the audit context.

    `owner` filters the list and is set on new rows; `key` names the field (or fields, for a
    tuple key) that identifies a row within the list. The caller checks the rules and takes
    whatever lock serialises changes of this list; keys must be unique."""
    fields = _key_fields(key)
    wanted = {k: rank for rank, k in enumerate(keys, start=1)}
    if len(wanted) != len(keys):
        raise ValueError("write_ordered_list: a key appears more than once")
    manager = model._default_manager
    current = {_key_of(row, fields): row for row in manager.filter(**owner)}
    gone = [row for k, row in current.items() if k not in wanted]
    moved = [row for k, row in current.items() if k in wanted and row.rank != wanted[k]]  # type: ignore[attr-defined]
    new = [k for k in wanted if k not in current]
    if not (gone or moved or new):
        return ListDiff()
    metadata = {name: getattr(value, "pk", value) for name, value in owner.items()}
    with audit_context(user=actor, action=action, **metadata):
        if gone:
            manager.filter(pk__in=[row.pk for row in gone]).delete()
        if moved:
            deferrable = connection.features.supports_deferrable_unique_constraints
            if not deferrable:
                ceiling = max(
                    len(wanted), manager.filter(**owner).aggregate(m=Max("rank"))["m"] or 0
                )
                manager.filter(pk__in=[row.pk for row in moved]).update(rank=F("rank") + ceiling)
            for row in moved:
                row.rank = wanted[_key_of(row, fields)]  # type: ignore[attr-defined]
            # One statement (PostgreSQL has no batch limit here), so the deferrable constraint
            # sees only the final ranks.
            manager.bulk_update(moved, ["rank"], batch_size=len(moved) if deferrable else None)
        if new:
            manager.bulk_create(
                [
                    model(**owner, rank=wanted[k], **dict(zip(fields, _as_tuple(k), strict=True)))
                    for k in new
                ]
            )
    return ListDiff(
        inserted=tuple(new),
        deleted=tuple(_key_of(row, fields) for row in gone),
        moved=len(moved),
    )


def _as_tuple(key: Key) -> tuple[Any, ...]:
    return key if isinstance(key, tuple) else (key,)


@dataclass(frozen=True)
class OrderedList:
    """One kind of ordered list: its model and the field(s) of a row's key."""

    model: type[models.Model]
    key: str | tuple[str, ...]

    def keys(self, owner: dict[str, Any]) -> list[Any]:
        """The owner's list as keys, best first."""
        fields = _key_fields(self.key)
        rows = self.model._default_manager.filter(**owner).order_by("rank").values_list(*fields)
        return [row[0] if len(fields) == 1 else tuple(row) for row in rows]

    def write(
        self, *, owner: dict[str, Any], keys: Sequence[Key], actor: Any, action: str
    ) -> ListDiff:
        return write_ordered_list(
            model=self.model, owner=owner, key=self.key, keys=keys, actor=actor, action=action
        )


#: The applicant's positions in a round (owner: applicant and round).
APPLICANT_LIST = OrderedList(ApplicantRanking, "position_id")
#: An employer's applicants for a position (owner: position).
EMPLOYER_LIST = OrderedList(EmployerRanking, "applicant_id")
#: A couple's pairs of positions, first member's and second's (owner: couple).
COUPLE_LIST = OrderedList(CouplePreference, ("first_position_id", "second_position_id"))
