"""Fixtures of the applicant's pages: an open round with three positions, two applicants,
and uploads written to a temporary MEDIA_ROOT."""

from __future__ import annotations

import pytest

from tests.factories import (
    ApplicantFactory,
    MunicipalityFactory,
    OpenRoundFactory,
    PositionFactory,
    SiteFactory,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def open_round(db):  # type: ignore[no-untyped-def]
    round_ = OpenRoundFactory()
    site = SiteFactory(name="Elverum sykehus")
    # Few municipalities: MunicipalityFactory's numbers run out after 999 in one session.
    town = MunicipalityFactory(name="Elverum")
    positions = [
        PositionFactory(
            round=round_, title="LIS1 Elverum", employer=site.parent, municipality=town
        ),
        PositionFactory(round=round_, title="LIS1 Tromsø", municipality=town),
        PositionFactory(round=round_, title="LIS1 Bergen", municipality=town),
    ]
    positions[0].sites.add(site)
    return {"round": round_, "positions": positions, "site": site, "town": town}


@pytest.fixture
def other_applicant(db):  # type: ignore[no-untyped-def]
    return ApplicantFactory(given_name="Per")


@pytest.fixture
def me(db):  # type: ignore[no-untyped-def]
    return ApplicantFactory(given_name="Kari")
