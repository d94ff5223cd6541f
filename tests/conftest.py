"""Shared fixtures. Django is imported inside the fixtures only, so that tests/matching
(the pure engine) can run without Django or a database (`pytest tests/matching -p no:django`)."""

from __future__ import annotations

from typing import Any

import pytest


def _factories() -> Any:
    from tests import factories

    return factories


@pytest.fixture(autouse=True)
def _english_free_defaults(settings) -> None:  # type: ignore[no-untyped-def]
    # Fast hashing in tests; the real hasher is exercised by Django itself.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test starts with an empty cache: the suite shares one Redis database, and a test
    # must not see what another (or an earlier run) cached.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def applicant(db):  # type: ignore[no-untyped-def]
    return _factories().ApplicantFactory()


@pytest.fixture
def trust(db):  # type: ignore[no-untyped-def]
    return _factories().OrganisationFactory(name="Sykehuset Testmark HF")


@pytest.fixture
def other_trust(db):  # type: ignore[no-untyped-def]
    return _factories().OrganisationFactory(name="Helse Annensted HF")


@pytest.fixture
def municipality(db):  # type: ignore[no-untyped-def]
    return _factories().MunicipalityFactory(name="Testvik")


@pytest.fixture
def employer_user(trust):  # type: ignore[no-untyped-def]
    return _factories().MembershipFactory(organisation=trust).user


@pytest.fixture
def municipality_user(municipality):  # type: ignore[no-untyped-def]
    return _factories().MembershipFactory(organisation=municipality).user


@pytest.fixture
def directorate_user(db):  # type: ignore[no-untyped-def]
    return _factories().MembershipFactory(organisation=_factories().DirectorateFactory()).user


def client_for(user):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def small_round():  # type: ignore[no-untyped-def]
    """Two one-seat positions, three applicants. Applicant-optimal result: a→P1, b→P2, c out.

    a: P1 > P2, b: P1 > P2, c: P2. P1 ranks b > a; P2 ranks a > c > b.
    Deferred acceptance: a,b propose P1 (keeps b), c proposes P2; a proposes P2 (keeps a
    over c); c is out. Result: b→P1, a→P2, c unmatched.
    """
    round_ = _factories().matching_round()  # the ranking deadline has passed
    p1 = _factories().PositionFactory(round=round_, seats=1, reference="P-1")
    p2 = _factories().PositionFactory(round=round_, seats=1, reference="P-2")
    a, b, c = (
        _factories().ApplicantFactory(),
        _factories().ApplicantFactory(),
        _factories().ApplicantFactory(),
    )
    _factories().rank_positions(round_, a, p1, p2)
    _factories().rank_positions(round_, b, p1, p2)
    _factories().rank_positions(round_, c, p2)
    _factories().employer_list(p1, b, a)
    _factories().employer_list(p2, a, c, b)
    return {"round": round_, "p1": p1, "p2": p2, "a": a, "b": b, "c": c}
