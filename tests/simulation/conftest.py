"""tests/simulation needs no database and no Django: plain data in, plain data out."""

import pytest


@pytest.fixture(autouse=True)
def _english_free_defaults() -> None:
    """Overrides the Django-side autouse fixture: the policy lab's tests need no settings."""
