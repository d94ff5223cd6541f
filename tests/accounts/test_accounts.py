import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client, RequestFactory
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
    return client.post(reverse("accounts:register"), data)


def test_registration_creates_applicant_and_logs_in() -> None:
    client = Client()
    response = _register(client)
    assert response.status_code == 302
    applicant = Applicant.objects.get()
    assert applicant.user.email == "ingrid.haugen@example.no"
    assert (applicant.given_name, applicant.family_name) == ("Ingrid", "Haugen")
    assert role_of(applicant.user) == Role.APPLICANT
    assert client.get(reverse("applicants:dashboard")).status_code == 200


def test_registration_rejects_taken_email_case_insensitively() -> None:
    UserFactory(email="ingrid.haugen@example.no")
    response = _register(Client())
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert Applicant.objects.count() == 0


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
