"""Log-in through an OpenID Connect provider (ID-porten). The provider is faked at the HTTP
boundary only: its token, userinfo and key-set answers, with an ID token really signed by a
key the fake publishes. Everything of ours (views, backend, services) runs for real."""

from __future__ import annotations

import importlib
import json
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.test import Client
from django.urls import NoReverseMatch, clear_url_caches, reverse

from lis1.accounts.models import NO_EMAIL_DOMAIN, User
from lis1.accounts.services import applicant_register_from_provider
from lis1.notifications.models import Outbox
from lis1.rounds import identity
from lis1.rounds.models import Applicant
from lis1.rounds.services.notices import notice_application_received
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    UserFactory,
    next_identity_number,
)

pytestmark = pytest.mark.django_db

PROVIDER = "https://op.example.test"
OIDC_SETTINGS: dict[str, Any] = {
    "OIDC_ENABLED": True,
    "OIDC_RP_CLIENT_ID": "lis1-test-client",
    "OIDC_RP_CLIENT_SECRET": "lis1-test-secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{PROVIDER}/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{PROVIDER}/token",
    "OIDC_OP_USER_ENDPOINT": f"{PROVIDER}/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{PROVIDER}/jwks",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid profile",
    "OIDC_PROVIDER_NAME": "ID-porten",
    "OIDC_ACR_VALUES": [],
    "OIDC_USE_PKCE": True,
    "OIDC_TIMEOUT": 10,
    "OIDC_CALLBACK_CLASS": "lis1.accounts.oidc.CallbackView",
}


def _reload_urls() -> None:
    clear_url_caches()
    importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))


@pytest.fixture
def oidc(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """OIDC configured as settings.py configures it from the environment."""
    for name, value in OIDC_SETTINGS.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "lis1.accounts.oidc.IdentityNumberBackend",
    ]
    _reload_urls()
    yield
    settings.OIDC_ENABLED = False
    _reload_urls()


def _response(url: str, status: int, body: dict[str, Any]) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.url = url
    response.headers["content-type"] = "application/json"
    response._content = json.dumps(body).encode()
    return response


class FakeProvider:
    """Answers the calls mozilla-django-oidc makes to the provider's endpoints."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.id_claims: dict[str, Any] = {}
        self.userinfo: dict[str, Any] = {}
        self.token_requests: list[dict[str, Any]] = []
        monkeypatch.setattr(requests, "post", self._post)
        monkeypatch.setattr(requests, "get", self._get)

    def _post(self, url: str, data: dict[str, Any], **kwargs: Any) -> requests.Response:
        assert url == f"{PROVIDER}/token"
        self.token_requests.append(data)
        id_token = jwt.encode(self.id_claims, self.key, algorithm="RS256", headers={"kid": "k1"})
        return _response(url, 200, {"access_token": "at", "id_token": id_token})

    def _get(self, url: str, **kwargs: Any) -> requests.Response:
        if url == f"{PROVIDER}/jwks":
            public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
            return _response(url, 200, {"keys": [{**public, "kid": "k1", "alg": "RS256"}]})
        assert url == f"{PROVIDER}/userinfo"
        assert kwargs["headers"] == {"Authorization": "Bearer at"}
        return _response(url, 200, self.userinfo)

    def log_in(
        self, client: Client, *, userinfo: dict[str, Any] | None = None, **id_claims: Any
    ) -> Any:
        """Start the log-in on our site, let the person log in at the provider (whose ID token
        carries `id_claims`), and follow the provider's redirect back to our callback."""
        start = client.get(reverse("oidc_authentication_init"))
        assert start.status_code == 302
        query = parse_qs(urlsplit(start["Location"]).query)
        now = int(time.time())
        self.id_claims = {
            "iss": PROVIDER,
            "aud": OIDC_SETTINGS["OIDC_RP_CLIENT_ID"],
            "sub": "pairwise-subject-1",
            "iat": now,
            "exp": now + 120,
            "nonce": query["nonce"][0],
            **id_claims,
        }
        self.userinfo = {"sub": "pairwise-subject-1", **(userinfo or {})}
        return client.get(
            reverse("oidc_authentication_callback"), {"code": "code-1", "state": query["state"][0]}
        )


@pytest.fixture
def provider(oidc, monkeypatch) -> FakeProvider:  # type: ignore[no-untyped-def]
    return FakeProvider(monkeypatch)


def _logged_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


# The pages ---------------------------------------------------------------------------------


def test_login_page_without_oidc_has_no_provider_button_nor_url() -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    assert response.context["oidc_provider_name"] is None
    assert "/oidc/" not in response.content.decode()
    with pytest.raises(NoReverseMatch):
        reverse("oidc_authentication_init")


def test_login_page_with_oidc_shows_provider_button(oidc) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(reverse("accounts:login"), {"next": "/soker/"})
    html = response.content.decode()
    assert reverse("oidc_authentication_init") == "/oidc/authenticate/"
    assert 'href="/oidc/authenticate/?next=/soker/"' in html
    assert "ID-porten" in html


def test_register_page_with_oidc_offers_the_provider(oidc) -> None:  # type: ignore[no-untyped-def]
    html = Client().get(reverse("accounts:register")).content.decode()
    assert 'href="/oidc/authenticate/"' in html


def test_start_redirects_to_provider_with_pkce_and_accepted_levels(settings, oidc) -> None:  # type: ignore[no-untyped-def]
    settings.OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": "idporten-loa-substantial"}
    response = Client().get(reverse("oidc_authentication_init"))
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{PROVIDER}/authorize"
    assert query["client_id"] == ["lis1-test-client"]
    assert query["scope"] == ["openid profile"]
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["acr_values"] == ["idporten-loa-substantial"]


# Matching the provider's person to an applicant ---------------------------------------------


def test_first_login_creates_user_and_applicant_from_pid(provider) -> None:  # type: ignore[no-untyped-def]
    pid = next_identity_number()
    client = Client()

    response = provider.log_in(client, pid=pid)

    user = _logged_in_user(client)
    assert user is not None
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:email')}?next=%2Foversikt%2F"
    assert user.email.endswith("@" + NO_EMAIL_DOMAIN)
    assert not user.has_email_address
    assert not user.has_usable_password()
    applicant = Applicant.objects.get(user=user)
    assert applicant.national_id == pid
    assert applicant.national_id_hash == identity.hash_identity_number(pid)
    assert applicant.birth_date == identity.birth_date_of(pid)
    assert "code_verifier" in provider.token_requests[0]


def test_second_login_finds_the_same_user(provider) -> None:  # type: ignore[no-untyped-def]
    pid = next_identity_number()
    first, second = Client(), Client()

    provider.log_in(first, pid=pid)
    provider.log_in(second, pid=pid)

    assert _logged_in_user(second) == _logged_in_user(first)
    assert (User.objects.count(), Applicant.objects.count()) == (1, 1)


def test_pid_in_userinfo_alone_is_used(provider) -> None:  # type: ignore[no-untyped-def]
    pid = next_identity_number()
    client = Client()

    provider.log_in(client, userinfo={"pid": pid})

    assert Applicant.objects.get().national_id == pid


def test_invalid_pid_is_refused_and_never_logged(provider, caplog) -> None:  # type: ignore[no-untyped-def]
    valid = next_identity_number()
    bad_pid = valid[:-1] + str((int(valid[-1]) + 1) % 10)  # wrong check digit
    client = Client()

    response = provider.log_in(client, pid=bad_pid)

    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert _logged_in_user(client) is None
    assert User.objects.count() == 0
    assert "not a valid national identity number" in caplog.text
    assert bad_pid not in caplog.text
    page = client.get(reverse("accounts:login"))
    assert [str(m) for m in page.context["messages"]] == [
        "Innlogging med ID-porten lyktes ikke. Prøv igjen."  # Bokmål, the default language
    ]


def test_login_matches_existing_applicant_by_identity_number(provider) -> None:  # type: ignore[no-untyped-def]
    pid = next_identity_number()
    applicant = ApplicantFactory(national_id=pid, user__email="kari@example.no")
    client = Client()

    response = provider.log_in(client, pid=pid)

    assert _logged_in_user(client) == applicant.user
    assert response.url == reverse("dashboard")
    assert (User.objects.count(), Applicant.objects.count()) == (1, 1)


def test_verified_email_matches_account_and_saves_pid(provider) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(email="kari@example.no")
    applicant = Applicant.objects.create(user=user, given_name="Kari", family_name="Nordmann")
    pid = next_identity_number()
    client = Client()

    provider.log_in(client, pid=pid, userinfo={"email": "Kari@Example.no", "email_verified": True})

    assert _logged_in_user(client) == user
    applicant.refresh_from_db()
    assert applicant.national_id == pid
    assert Applicant.objects.count() == 1


def test_unverified_email_is_not_trusted(provider) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(email="kari@example.no")
    client = Client()

    provider.log_in(
        client,
        pid=next_identity_number(),
        userinfo={"email": "kari@example.no", "email_verified": False},
    )

    logged_in = _logged_in_user(client)
    assert logged_in is not None
    assert logged_in != user
    assert not logged_in.has_email_address


def test_verified_email_of_staff_account_is_refused(provider, employer_user) -> None:  # type: ignore[no-untyped-def]
    client = Client()

    provider.log_in(
        client,
        pid=next_identity_number(),
        userinfo={"email": employer_user.email, "email_verified": True},
    )

    assert _logged_in_user(client) is None
    assert Applicant.objects.count() == 0


def test_verified_email_of_applicant_with_another_number_is_refused(provider) -> None:  # type: ignore[no-untyped-def]
    ApplicantFactory(user__email="kari@example.no")
    client = Client()

    provider.log_in(
        client,
        pid=next_identity_number(),
        userinfo={"email": "kari@example.no", "email_verified": True},
    )

    assert _logged_in_user(client) is None
    assert Applicant.objects.count() == 1


def test_login_below_accepted_assurance_level_is_refused(settings, provider) -> None:  # type: ignore[no-untyped-def]
    settings.OIDC_ACR_VALUES = ["idporten-loa-substantial", "idporten-loa-high"]
    client = Client()

    provider.log_in(client, pid=next_identity_number(), acr="idporten-loa-low")

    assert _logged_in_user(client) is None
    provider.log_in(client, pid=next_identity_number(), acr="idporten-loa-high")
    assert _logged_in_user(client) is not None


def test_id_token_for_another_client_is_refused(provider) -> None:  # type: ignore[no-untyped-def]
    client = Client()

    provider.log_in(client, pid=next_identity_number(), aud="another-client")

    assert _logged_in_user(client) is None
    assert User.objects.count() == 0


def test_userinfo_of_another_subject_is_refused(provider) -> None:  # type: ignore[no-untyped-def]
    client = Client()

    provider.log_in(client, pid=next_identity_number(), userinfo={"sub": "someone-else"})

    assert _logged_in_user(client) is None
    assert User.objects.count() == 0


def test_login_without_pid_or_verified_email_is_refused(provider) -> None:  # type: ignore[no-untyped-def]
    client = Client()

    provider.log_in(client)

    assert _logged_in_user(client) is None
    assert User.objects.count() == 0


# The e-mail address of an account created without one ---------------------------------------


def _account_without_email() -> User:
    return applicant_register_from_provider(
        national_id=next_identity_number(), email=None, given_name="", family_name=""
    ).user


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="lis1.accounts.backends.UserBackend")
    return client


def _confirm_link(to: str) -> str:
    [message] = Outbox.objects.filter(to=to)
    link = next(line for line in message.body.splitlines() if "/konto/e-post/bekreft/" in line)
    return link[link.index("/konto/") :].strip()


def test_email_page_saves_the_name_and_the_address_once_its_owner_confirms() -> None:
    user = _account_without_email()
    client = _client_for(user)
    url = f"{reverse('accounts:email')}?next=/soker/profil/"

    assert client.get(url).status_code == 200
    response = client.post(
        url, {"given_name": "Kari", "family_name": "Nordmann", "email": "Kari@Example.no"}
    )

    assert response.status_code == 200
    assert 'href="/soker/profil/"' in response.content.decode()  # "Continue" where they went
    user.refresh_from_db()
    assert not user.has_email_address  # not before the owner of the address confirms
    applicant = Applicant.objects.get(user=user)
    assert (applicant.given_name, applicant.family_name) == ("Kari", "Nordmann")
    link = _confirm_link("kari@example.no")

    # Opening the link changes nothing (mail scanners open links); the button does, and it
    # needs no log-in: the link proves the reader owns the address.
    assert Client().get(link).status_code == 200
    user.refresh_from_db()
    assert not user.has_email_address
    response = Client().post(link)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "kari@example.no"
    # Spent: a second use changes nothing.
    assert Client().post(link).status_code == 400


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_email_page_answers_the_same_for_a_taken_address_and_tells_its_owner() -> None:
    owner = UserFactory(email="kari@example.no")
    user = _account_without_email()
    client = _client_for(user)
    form = {"given_name": "Kari", "family_name": "Nordmann"}

    free = client.post(reverse("accounts:email"), {**form, "email": "ola@example.no"})
    taken = client.post(reverse("accounts:email"), {**form, "email": "kari@example.no"})

    assert taken.status_code == free.status_code == 200
    assert _without_csrf(taken.content.decode()) == _without_csrf(free.content.decode())
    foreign = client.post(
        f"{reverse('accounts:email')}?next=https://evil.example/", {**form, "email": "x@example.no"}
    )
    assert foreign.context["next"] == reverse("dashboard")  # a foreign next is not followed
    [note] = Outbox.objects.filter(to="kari@example.no")
    assert "/konto/e-post/bekreft/" not in note.body  # the owner is told, no link is sent
    assert "/konto/glemt-passord/" in note.body
    user.refresh_from_db()
    owner.refresh_from_db()
    assert not user.has_email_address and owner.email == "kari@example.no"


def test_an_address_link_is_refused_once_the_address_is_taken() -> None:
    user = _account_without_email()
    _client_for(user).post(
        reverse("accounts:email"),
        {"given_name": "Kari", "family_name": "Nordmann", "email": "kari@example.no"},
    )
    link = _confirm_link("kari@example.no")
    UserFactory(email="Kari@example.no")  # registered in between

    assert Client().post(link).status_code == 400
    user.refresh_from_db()
    assert not user.has_email_address


def test_a_tampered_address_link_is_refused() -> None:
    user = _account_without_email()
    _client_for(user).post(
        reverse("accounts:email"),
        {"given_name": "Kari", "family_name": "Nordmann", "email": "kari@example.no"},
    )
    link = _confirm_link("kari@example.no")
    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    assert Client().post(tampered).status_code == 400
    user.refresh_from_db()
    assert not user.has_email_address


def test_email_page_for_account_with_address_goes_on() -> None:
    client = _client_for(ApplicantFactory().user)

    response = client.get(reverse("accounts:email"))

    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_email_page_requires_log_in() -> None:
    response = Client().get(reverse("accounts:email"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_profile_asks_for_a_missing_email_address() -> None:
    client = _client_for(_account_without_email())

    html = client.get(reverse("applicants:profile")).content.decode()

    assert f'href="{reverse("accounts:email")}"' in html
    assert NO_EMAIL_DOMAIN not in html


def test_no_email_is_queued_for_a_placeholder_address() -> None:
    user = _account_without_email()
    application = ApplicationFactory(applicant=user.applicant)

    notice_application_received(application=application)

    assert Outbox.objects.count() == 0
