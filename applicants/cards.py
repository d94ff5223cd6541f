"""The positions browser's cards, rendered once and kept in the cache.

At the application deadline hundreds of applicants page through the same few hundred
positions, and rendering a page of twenty cards (template, dates, translated labels, the
joined employer, region, sites and municipal part) was most of the page's time. A card is
cached per position, last change and language; the applicant's own marks (applied or not)
stay outside it. An edit to the position shows at once (its `updated_at` is in the key);
the timeout bounds what an edit elsewhere (an organisation's name) can leave stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.cache import cache
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from lis1.rounds.models import Position

CARD_TIMEOUT = 300


def _key(pk: int, updated_at: dt.datetime, language: str) -> str:
    return f"position-card:{pk}:{updated_at.isoformat()}:{language}"


def position_cards(
    page: Sequence[tuple[int, dt.datetime]], positions: QuerySet[Position]
) -> list[tuple[int, SafeString]]:
    """The cards of one page of (pk, updated_at) rows, in order. `positions` is the full
    queryset (with its joins) that renders the cards missing from the cache."""
    language = get_language() or ""
    keys = {pk: _key(pk, updated_at, language) for pk, updated_at in page}
    found = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        fresh = {}
        for position in positions.filter(pk__in=missing):
            html = render_to_string("applicants/_position_card.html", {"position": position})
            fresh[keys[position.pk]] = html
        cache.set_many(fresh, CARD_TIMEOUT)
        found.update(fresh)
    # A position withdrawn between the two queries has no card: leave it out.
    return [(pk, mark_safe(found[keys[pk]])) for pk, _ in page if keys[pk] in found]  # noqa: S308
