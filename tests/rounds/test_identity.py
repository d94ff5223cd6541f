import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lis1.rounds import identity
from tests.factories import identity_number, next_identity_number


def test_validate_identity_number_accepts_fodselsnummer() -> None:
    identity.validate_identity_number("15108695088")


def test_validate_identity_number_accepts_spaces() -> None:
    identity.validate_identity_number("151086 95088")


def test_validate_identity_number_accepts_d_number() -> None:
    number = next_identity_number(dt.date(1990, 3, 12), d_number=True)
    assert number[0] == "5"
    identity.validate_identity_number(number)
    assert identity.is_d_number(number) is True
    assert identity.birth_date_of(number) == dt.date(1990, 3, 12)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("1510869508", "identity_length"),
        ("151086950888", "identity_length"),
        ("1510869508a", "identity_length"),
        ("15108695087", "identity_checksum"),  # second check digit wrong
        ("15108695188", "identity_checksum"),  # first check digit wrong
        ("15508695088", "identity_kind"),  # H-number (month + 40)
    ],
)
def test_validate_identity_number_rejects(number: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        identity.validate_identity_number(number)
    assert error.value.code == code


def test_validate_identity_number_rejects_impossible_date() -> None:
    # 31 February with check digits that are otherwise correct.
    number = next(n for i in range(500) if (n := _raw_number("310295", i)) is not None)
    with pytest.raises(ValidationError) as error:
        identity.validate_identity_number(number)
    assert error.value.code == "identity_date"


def _raw_number(prefix: str, individual: int) -> str | None:
    # identity_number() needs a real date, so build an impossible one digit by digit.
    base = f"{prefix}{individual:03d}"
    w1, w2 = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k1 = (11 - sum(int(c) * w for c, w in zip(base, w1, strict=True)) % 11) % 11
    if k1 == 10:
        return None
    k2 = (11 - sum(int(c) * w for c, w in zip(base + str(k1), w2, strict=True)) % 11) % 11
    if k2 == 10:
        return None
    return base + str(k1) + str(k2)


def test_identity_number_generator_matches_stdnum() -> None:
    assert identity_number(dt.date(1986, 10, 15), 950) == "15108695088"


def test_encrypt_round_trips_and_is_not_plain_text() -> None:
    token = identity.encrypt_identity_number("15108695088")
    assert "15108695088" not in token
    assert identity.decrypt_identity_number(token) == "15108695088"


def test_hash_is_keyed_and_stable(settings) -> None:  # type: ignore[no-untyped-def]
    first = identity.hash_identity_number("151086 95088")
    assert first == identity.hash_identity_number("15108695088")
    settings.IDENTITY_HASH_KEY = "another-key"
    assert identity.hash_identity_number("15108695088") != first


def test_mask_shows_birth_date_part_only_when_asked() -> None:
    born = dt.date(1986, 10, 15)
    assert identity.mask_identity_number(born, show_birth_date=True) == "151086*****"
    assert identity.mask_identity_number(born, show_birth_date=False) == "***********"
    assert identity.mask_identity_number(None, show_birth_date=True) == ""
