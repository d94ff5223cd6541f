"""National identity numbers: validation, encryption at rest, keyed look-up hash, masking.

A fødselsnummer is 11 digits: birth date (DDMMYY), three individual digits and two mod-11
check digits. A D-number (for foreigners) adds 4 to the first digit. We accept both and
nothing else (no H-numbers or FH-numbers, which are health-service internal numbers).
Numbers are stored encrypted (Fernet, keys rotatable) with an HMAC-SHA256 column for
look-up and uniqueness; pages show at most the birth-date part. We never derive gender from
the number: the individual digits lose that meaning when the scheme changes in 2032.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.no import fodselsnummer

MASK = "*****"


def normalise_identity_number(value: str) -> str:
    """Strip the spaces and separators people type, keep the digits."""
    return "".join(ch for ch in str(value) if ch not in " .-\u00a0")


def validate_identity_number(value: str) -> None:
    """Django validator: a valid fødselsnummer or D-number, or a ValidationError saying why."""
    number = normalise_identity_number(value)
    if len(number) != 11 or not number.isdigit():
        raise ValidationError(
            _("A national identity number has exactly 11 digits."), code="identity_length"
        )
    if int(number[2:4]) > 12:  # H-numbers (+40) and synthetic test numbers (+80)
        raise ValidationError(
            _("Enter a national identity number (fødselsnummer) or a D-number."),
            code="identity_kind",
        )
    try:
        fodselsnummer.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _("The check digits do not match: please check the number."),
            code="identity_checksum",
        ) from None
    except StdnumValidationError:
        raise ValidationError(
            _("The number does not contain a valid birth date."), code="identity_date"
        ) from None


def is_d_number(number: str) -> bool:
    return int(normalise_identity_number(number)[0]) >= 4


def birth_date_of(number: str) -> dt.date:
    """Birth date encoded in a valid number (D-numbers included)."""
    return fodselsnummer.get_birth_date(normalise_identity_number(number))


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt_identity_number(number: str) -> str:
    return (
        _fernet(tuple(settings.IDENTITY_ENCRYPTION_KEYS))
        .encrypt(normalise_identity_number(number).encode())
        .decode()
    )


def decrypt_identity_number(token: str) -> str:
    try:
        return _fernet(tuple(settings.IDENTITY_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken:
        # A token we cannot read means a key was removed too early; never show garbage.
        raise ValueError("identity number cannot be decrypted with the configured keys") from None


def hash_identity_number(number: str) -> str:
    """Keyed hash for look-up and uniqueness: equal numbers give equal hashes, and without
    the key nobody can test a guessed number against the column."""
    return hmac.new(
        settings.IDENTITY_HASH_KEY.encode(),
        normalise_identity_number(number).encode(),
        hashlib.sha256,
    ).hexdigest()


def mask_identity_number(birth_date: dt.date | None, *, show_birth_date: bool) -> str:
    """The only form a page may show: the birth-date part to staff who need it, else stars."""
    if birth_date is None:
        return ""
    if not show_birth_date:
        return "******" + MASK
    return birth_date.strftime("%d%m%y") + MASK
