"""Session limits on the server: 12 hours after log-in, 30 minutes without activity (both
from settings), for pages, htmx and the API; background requests are not activity."""

from __future__ import annotations

import time

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from lis1.accounts.sessions import LOGIN_AT, SEEN_AT
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def logged_in(user, *, login_ago: int = 0, seen_ago: int = 0) -> Client:  # type: ignore[no-untyped-def]
    client = client_for(user)
    client.cookies["lis1_language"] = "en"
    session = client.session
    now = int(time.time())
    session[LOGIN_AT] = now - login_ago
    session[SEEN_AT] = now - seen_ago
    session.save()
    return client


def test_defaults_are_twelve_hours_and_thirty_minutes(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.LIS1_SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    assert settings.LIS1_SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60


def test_log_in_records_the_times(applicant) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = client.post(LOGIN, {"username": applicant.user.email, "password": "lis1-demo"})
    assert response.status_code == 302
    now = int(time.time())
    assert now - 5 <= client.session[LOGIN_AT] <= now
    assert client.session[SEEN_AT] == client.session[LOGIN_AT]


def test_an_active_session_goes_on(applicant) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(applicant.user, login_ago=11 * 3600, seen_ago=29 * 60)
    response = client.get(reverse("applicants:dashboard"))
    assert response.status_code == 200
    assert int(time.time()) - client.session[SEEN_AT] <= 1  # the visit was activity


def test_idle_session_is_logged_out_to_the_log_in_page_with_a_message(applicant) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(applicant.user, seen_ago=30 * 60 + 1)
    response = client.get(reverse("applicants:positions") + "?q=Elverum")
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/soker/stillinger/%3Fq%3DElverum"
    assert "_auth_user_id" not in client.session
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "You were logged out after 30 minutes without activity. Log in again to go on."
    ]
    assert client.get(reverse("applicants:dashboard")).status_code == 302  # still out


def test_session_past_the_absolute_limit_is_logged_out_despite_activity(applicant) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(applicant.user, login_ago=12 * 3600 + 1, seen_ago=10)
    response = client.get(reverse("applicants:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "You were logged out because a session lasts at most 12 hours. Log in again to go on."
    ]


def test_limits_come_from_settings(applicant, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LIS1_SESSION_IDLE_SECONDS = 120
    client = logged_in(applicant.user, seen_ago=121)
    assert client.get(reverse("applicants:dashboard")).status_code == 302


def test_a_form_sent_after_the_limit_returns_to_its_page_after_log_in(applicant) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(applicant.user, seen_ago=31 * 60)
    response = client.post(
        reverse("applicants:profile_edit"),
        {"given_name": "Kari"},
        HTTP_REFERER="http://testserver/soker/profil/endre/",
    )
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/soker/profil/endre/"


def test_a_foreign_referrer_is_not_where_log_in_returns(applicant) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(applicant.user, seen_ago=31 * 60)
    response = client.post(
        reverse("applicants:profile_edit"), {}, HTTP_REFERER="https://evil.example/x"
    )
    assert response.url == f"{LOGIN}?next=/soker/profil/endre/"


def test_htmx_request_is_told_to_go_to_log_in(applicant) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(applicant.user, seen_ago=31 * 60)
    response = client.get(reverse("applicants:positions"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{LOGIN}?next=/soker/stillinger/"


def test_api_respects_the_same_limits(applicant) -> None:  # type: ignore[no-untyped-def]
    url = "/api/applicant/documents/"
    assert logged_in(applicant.user, seen_ago=60).get(url).status_code == 200
    idle = logged_in(applicant.user, seen_ago=31 * 60)
    response = idle.get(url)
    assert response.status_code == 403
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    too_long = logged_in(applicant.user, login_ago=13 * 3600)
    assert too_long.get(url).status_code == 403


def test_background_requests_do_not_count_as_activity(applicant) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(applicant.user, seen_ago=25 * 60)
    before = client.session[SEEN_AT]
    client.get(reverse("applicants:dashboard"), HTTP_X_LIS1_BACKGROUND="1")
    client.get(reverse("accounts:session"), HTTP_X_LIS1_BACKGROUND="1")
    assert client.session[SEEN_AT] == before
    client.get(reverse("applicants:dashboard"))
    assert client.session[SEEN_AT] > before


def test_a_post_marked_background_still_counts(applicant) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(applicant.user, seen_ago=25 * 60)
    before = client.session[SEEN_AT]
    client.post(reverse("accounts:session"), HTTP_X_LIS1_BACKGROUND="1")
    assert client.session[SEEN_AT] > before


def test_status_tells_what_is_left_without_counting(applicant) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(applicant.user, login_ago=3600, seen_ago=20 * 60)
    body = client.get(reverse("accounts:session"), HTTP_X_LIS1_BACKGROUND="1").json()
    assert body["authenticated"] is True
    assert 10 * 60 - 2 <= body["idle_remaining"] <= 10 * 60
    assert 11 * 3600 - 2 <= body["absolute_remaining"] <= 11 * 3600


def test_stay_logged_in_restarts_the_idle_clock(applicant) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(applicant.user, seen_ago=29 * 60)
    body = client.post(reverse("accounts:session")).json()
    assert body["idle_remaining"] >= 30 * 60 - 1


def test_stay_logged_in_needs_the_csrf_token(applicant) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant.user)
    assert client.post(reverse("accounts:session")).status_code == 403


def test_status_of_an_ended_session_says_so_without_redirecting(applicant) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(applicant.user, seen_ago=31 * 60)
    response = client.get(reverse("accounts:session"), HTTP_X_LIS1_BACKGROUND="1")
    assert response.status_code == 200
    assert response.json() == {"authenticated": False}
    assert client.post(reverse("accounts:session")).json() == {"authenticated": False}


def test_warning_markup_is_on_pages_of_logged_in_users_only(applicant) -> None:  # type: ignore[no-untyped-def]
    page = logged_in(applicant.user).get(reverse("applicants:profile_edit")).content.decode()
    assert 'role="alertdialog"' in page
    assert 'data-idle-remaining="1800"' in page
    assert "js/session.js" in page
    anonymous = Client().get(reverse("home")).content.decode()
    assert "session-timeout" not in anonymous
    assert "js/session.js" not in anonymous
