from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import (
    ApplicantFactory,
    DirectorateFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
)


@pytest.fixture(autouse=True)
def _english_free_defaults(settings) -> None:  # type: ignore[no-untyped-def]
    # Fast hashing in tests; the real hasher is exercised by Django itself.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def applicant(db):  # type: ignore[no-untyped-def]
    return ApplicantFactory()


@pytest.fixture
def trust(db):  # type: ignore[no-untyped-def]
    return OrganisationFactory(name="Sykehuset Testmark HF")


@pytest.fixture
def other_trust(db):  # type: ignore[no-untyped-def]
    return OrganisationFactory(name="Helse Annensted HF")


@pytest.fixture
def municipality(db):  # type: ignore[no-untyped-def]
    return MunicipalityFactory(name="Testvik")


@pytest.fixture
def employer_user(trust):  # type: ignore[no-untyped-def]
    return MembershipFactory(organisation=trust).user


@pytest.fixture
def municipality_user(municipality):  # type: ignore[no-untyped-def]
    return MembershipFactory(organisation=municipality).user


@pytest.fixture
def directorate_user(db):  # type: ignore[no-untyped-def]
    return MembershipFactory(organisation=DirectorateFactory()).user


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client
