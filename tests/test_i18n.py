"""Bokmål by default, Nynorsk and English on request; no untranslated message ships."""

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


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_message_is_translated(language: str) -> None:
    """Parse the catalogue: every msgid has a non-empty msgstr and none is fuzzy."""
    text = (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_text()
    entries = text.split("\n\n")[1:]  # the first entry is the header
    untranslated = []
    for entry in entries:
        lines = [line for line in entry.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            untranslated.append(entry)
            continue
        msgstr_at = next(i for i, line in enumerate(lines) if line.startswith("msgstr"))
        value = lines[msgstr_at].split(" ", 1)[1].strip('"') + "".join(
            line.strip('"') for line in lines[msgstr_at + 1 :] if line.startswith('"')
        )
        if not value:
            untranslated.append(entry)
    assert untranslated == []


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_compiled_catalogue_exists(language: str) -> None:
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    assert (folder / "django.mo").exists()
    assert (folder / "django.mo").stat().st_size > 0
