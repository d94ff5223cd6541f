"""Bokmål by default, Nynorsk and English on request; no untranslated message ships."""

import ast
import gettext
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def test_start_page_is_bokmal_by_default() -> None:
    response = Client().get(reverse("home"))
    body = response.content.decode()
    assert '<html lang="nb"' in body
    assert "Hopp til hovedinnholdet" in body


def test_browser_language_does_not_override_bokmal() -> None:
    body = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(reverse("home")).content.decode()
    assert '<html lang="nb"' in body


@pytest.mark.parametrize(
    ("language", "skip_link"),
    [
        ("nn", "Hopp til hovudinnhaldet"),
        ("en", "Skip to main content"),
        ("nb", "Hopp til hovedinnholdet"),
    ],
)
def test_language_switch_changes_the_pages(language: str, skip_link: str) -> None:
    client = Client()
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    body = client.get(reverse("home")).content.decode()
    assert f'<html lang="{language}"' in body
    assert skip_link in body


def _po_entries(language: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of every singular entry of a catalogue, header excluded."""
    text = (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_text()
    entries = []
    for block in text.split("\n\n")[1:]:
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            if line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
                current, _, literal = line.partition(" ")
                fields[current] = ast.literal_eval(literal)
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if "msgid" in fields and "msgid_plural" not in fields:
            fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
            entries.append((fields["msgid"], fields.get("msgstr", ""), fuzzy))
    return entries


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_message_is_translated(language: str) -> None:
    untranslated = [msgid for msgid, msgstr, fuzzy in _po_entries(language) if fuzzy or not msgstr]
    assert untranslated == []


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_compiled_catalogue_matches_its_source(language: str) -> None:
    """A .po edited without compilemessages would ship stale translations."""
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid for msgid, msgstr, _ in _po_entries(language) if compiled.gettext(msgid) != msgstr
    ]
    assert stale == []
