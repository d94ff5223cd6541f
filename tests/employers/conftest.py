import pytest

from tests import factories as f


@pytest.fixture
def ranking_round():  # type: ignore[no-untyped-def]
    return f.RoundFactory()


@pytest.fixture
def position(trust, municipality, ranking_round):  # type: ignore[no-untyped-def]
    return f.PositionFactory(
        round=ranking_round, employer=trust, municipality=municipality, reference="ST-1"
    )


@pytest.fixture
def applicants(position):  # type: ignore[no-untyped-def]
    return f.applicants_for(position, 3)


@pytest.fixture
def other_employer_user(other_trust):  # type: ignore[no-untyped-def]
    return f.MembershipFactory(organisation=other_trust).user
