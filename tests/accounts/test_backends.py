"""The request's user is loaded with its applicant profile and roles in one query."""

import pytest

from lis1.accounts.backends import UserBackend
from lis1.rounds.permissions import Role, roles_of
from tests.factories import (
    ApplicantFactory,
    DirectorateFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_user_applicant_and_roles_come_in_one_query(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory()
    MembershipFactory(user=applicant.user, organisation=DirectorateFactory())
    MembershipFactory(user=applicant.user, organisation=OrganisationFactory())
    MembershipFactory(user=applicant.user, organisation=MunicipalityFactory())
    with django_assert_num_queries(1):
        user = UserBackend().get_user(applicant.user.pk)
    with django_assert_num_queries(0):
        assert user.applicant == applicant
        assert roles_of(user) == [
            Role.DIRECTORATE,
            Role.EMPLOYER,
            Role.MUNICIPALITY,
            Role.APPLICANT,
        ]


def test_user_without_memberships_or_profile(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    plain = UserFactory()
    with django_assert_num_queries(1):
        user = UserBackend().get_user(plain.pk)
    with django_assert_num_queries(0):
        assert roles_of(user) == []
        assert not hasattr(user, "applicant")


def test_unknown_or_inactive_user_is_nobody() -> None:
    inactive = UserFactory(is_active=False)
    assert UserBackend().get_user(inactive.pk) is None
    assert UserBackend().get_user(inactive.pk + 1000) is None
