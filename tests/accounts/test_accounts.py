import re

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse

from lis1.rounds.models import Applicant
from lis1.rounds.permissions import Role, role_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _register(client: Client, **overrides: str):  # type: ignore[no-untyped-def]
    data = {
        "given_name": "Ingrid",
        "family_name": "Haugen",
        "email": "Ingrid.Haugen@Example.no",
        "password1": "sterkt-passord-2026",
        "password2": "sterkt-passord-2026",
    }
    data.update(overrides)
    # The e-mails go through the outbox, sent when the transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("accounts:register"), data)


class CountingHasher(MD5PasswordHasher):
    """Counts the passwords hashed: registration does the same work for a taken address."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.calls += 1
        return super().encode(password, salt)


def _english() -> Client:
    client = Client()
    client.cookies["lis1_language"] = "en"
    return client


def _page(path: str) -> str:
    """The page as the browser gets it, but for the CSRF token (masked afresh each time)."""
    html = _english().get(path).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _link(message: mail.EmailMessage, marker: str) -> str:  # type: ignore[name-defined]
    line = next(line for line in message.body.splitlines() if marker in line)
    return line[line.index(marker) :].strip()


def test_registration_sends_a_link_that_activates_the_account() -> None:
    client = _english()
    response = _register(client)
    assert (response.status_code, response.url) == (302, reverse("accounts:register_sent"))
    applicant = Applicant.objects.get()
    assert applicant.user.email == "ingrid.haugen@example.no"
    assert (applicant.given_name, applicant.family_name) == ("Ingrid", "Haugen")
    assert applicant.user.is_active is False  # no log-in before the address is confirmed
    assert "_auth_user_id" not in client.session
    [message] = mail.outbox
    assert message.to == ["ingrid.haugen@example.no"]
    assert message.subject == "Confirm your LIS1 registration"
    path = _link(message, "/konto/registrer/bekreft/")
    assert client.get(path).status_code == 200  # opening the link (a mail scanner) changes nothing
    applicant.user.refresh_from_db()
    assert applicant.user.is_active is False
    response = client.post(path)
    assert (response.status_code, response.url) == (302, reverse("dashboard"))
    applicant.user.refresh_from_db()
    assert applicant.user.is_active is True
    assert role_of(applicant.user) == Role.APPLICANT
    assert client.get(reverse("applicants:dashboard")).status_code == 200
    assert Client().get(path).status_code == 400  # spent


def test_registration_cannot_log_in_before_confirming() -> None:
    _register(Client())
    response = Client().post(
        reverse("accounts:login"),
        {"username": "ingrid.haugen@example.no", "password": "sterkt-passord-2026"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_registration_confirm_refuses_a_tampered_link() -> None:
    _register(Client())
    path = _link(mail.outbox[0], "/konto/registrer/bekreft/")
    tampered = path[:-3] + ("x" if path[-2] != "x" else "y") + "/"
    assert Client().post(tampered).status_code == 400
    assert Client().post("/konto/registrer/bekreft/zz/abc-def/").status_code == 400
    assert Applicant.objects.get().user.is_active is False


def test_registration_answers_a_taken_address_exactly_as_a_new_one(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    owner = UserFactory(email="ingrid.haugen@example.no", first_name="Ingrid", last_name="Berg")
    before = (owner.password, owner.first_name, owner.last_name, owner.is_active)

    CountingHasher.calls = 0
    new = _register(_english(), email="Ny.Lege@Example.no")
    hashed_for_new = CountingHasher.calls
    CountingHasher.calls = 0
    taken = _register(_english())  # the owner's address, in other letter case
    hashed_for_taken = CountingHasher.calls

    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert sorted(taken.cookies) == sorted(new.cookies)
    assert _page(taken["Location"]) == _page(new["Location"])
    assert hashed_for_taken == hashed_for_new == 1
    owner.refresh_from_db()
    assert (owner.password, owner.first_name, owner.last_name, owner.is_active) == before
    assert not Applicant.objects.filter(user=owner).exists()
    assert Applicant.objects.count() == 1  # only the new address's
    to_owner = next(m for m in mail.outbox if m.to == ["ingrid.haugen@example.no"])
    assert to_owner.subject == "Someone tried to register with your e-mail address"
    assert "Dear Ingrid Berg," in to_owner.body
    assert "http://127.0.0.1:8000/konto/logg-inn/" in to_owner.body
    assert "http://127.0.0.1:8000/konto/glemt-passord/" in to_owner.body
    assert "/konto/registrer/bekreft/" not in to_owner.body


def test_registration_of_an_unconfirmed_address_sends_its_link_again() -> None:
    _register(Client())
    _register(
        Client(),
        given_name="Someone",
        password1="annet-passord-2026",
        password2="annet-passord-2026",
    )
    user = Applicant.objects.get().user
    assert user.first_name == "Ingrid"
    assert user.check_password("sterkt-passord-2026")  # the second attempt changed nothing
    first, second = mail.outbox
    assert second.to == first.to
    assert "/konto/registrer/bekreft/" in second.body
    response = Client().post(_link(second, "/konto/registrer/bekreft/"))
    assert response.status_code == 302


def test_registration_answers_in_nynorsk_and_bokmal() -> None:
    for language, subject in (
        ("nb", "Bekreft registreringen din i LIS1"),
        ("nn", "Stadfest registreringa di i LIS1"),
    ):
        mail.outbox.clear()
        client = Client()
        client.cookies["lis1_language"] = language
        _register(client, email=f"{language}@example.no")
        assert [m.subject for m in mail.outbox] == [subject]


def test_registration_rejects_mismatched_and_weak_passwords() -> None:
    response = _register(Client(), password2="noe-annet-2026")
    assert "password2" in response.context["form"].errors
    response = _register(Client(), password1="12345678", password2="12345678")
    assert "password1" in response.context["form"].errors
    assert Applicant.objects.count() == 0


def test_login_with_email_and_logout() -> None:
    user = UserFactory(email="lege@example.no")
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "lege@example.no", "password": "lis1-demo"}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_login_with_wrong_password_shows_error() -> None:
    UserFactory(email="lege@example.no")
    response = Client().post(
        reverse("accounts:login"), {"username": "lege@example.no", "password": "feil"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_password_reset_sends_link_that_sets_new_password() -> None:
    UserFactory(email="lege@example.no")
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "lege@example.no"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/konto/nytt-passord/" in line)
    path = link[link.index("/konto/") :]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "nytt-sterkt-passord-9", "new_password2": "nytt-sterkt-passord-9"},
    )
    assert response.status_code == 302
    request = RequestFactory().post("/")
    assert (
        authenticate(request, email="lege@example.no", password="nytt-sterkt-passord-9") is not None
    )


def test_password_reset_for_unknown_email_sends_nothing_and_looks_the_same() -> None:
    response = Client().post(reverse("accounts:password_reset"), {"email": "ukjent@example.no"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_login_locks_out_after_repeated_failures(settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(email="lege@example.no")
    client = Client()
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "lege@example.no", "password": "feil"})
    response = client.post(
        reverse("accounts:login"), {"username": "lege@example.no", "password": "lis1-demo"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
