"""Session limits: a session ends LIS1_SESSION_ABSOLUTE_SECONDS after log-in (12 hours) and
after LIS1_SESSION_IDLE_SECONDS without activity (30 minutes), on the server, for pages and the
API alike (OWASP ASVS L2, 3.3.2 and 3.3.3).

The session records when its user logged in and when it last saw activity. A request past
either limit logs the user out: a page is sent to the log-in page (with `next`, so that the user
comes back to where they were) and a message saying why; an htmx request is told to do the same
(HX-Redirect); the API and the status check simply go on as anonymous, which the API answers
with 403.

Not every request is activity. A request the user did not make (the status check of
static/js/session.js, htmx polling of a running job, both marked with the header
X-LIS1-Background) must not keep a forgotten tab logged in, so a GET marked so does not count.
Marking a request can only shorten a session, never lengthen it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

LOGIN_AT = "lis1_login_at"
SEEN_AT = "lis1_seen_at"
BACKGROUND_HEADER = "HTTP_X_LIS1_BACKGROUND"


@dataclass(frozen=True)
class SessionTimes:
    """Seconds left before each limit (never below zero)."""

    absolute_remaining: int
    idle_remaining: int

    @property
    def remaining(self) -> int:
        return min(self.absolute_remaining, self.idle_remaining)

    @property
    def expired(self) -> bool:
        return self.remaining <= 0


def session_times(request: HttpRequest, *, now: int | None = None) -> SessionTimes | None:
    """What is left of an authenticated request's session, None when it records no log-in."""
    login_at = request.session.get(LOGIN_AT)
    seen_at = request.session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return None
    now = int(time.time()) if now is None else now
    return SessionTimes(
        absolute_remaining=max(0, login_at + settings.LIS1_SESSION_ABSOLUTE_SECONDS - now),
        idle_remaining=max(0, seen_at + settings.LIS1_SESSION_IDLE_SECONDS - now),
    )


def session_start(*, request: HttpRequest, **kwargs: object) -> None:
    """Starts the clocks at log-in (connected to user_logged_in by AccountsConfig.ready)."""
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


def _is_background(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and bool(request.META.get(BACKGROUND_HEADER))


def _return_path(request: HttpRequest) -> str:
    """Where to come back to after logging in again: the page itself for a GET, the page the
    form was on (the referrer, when it is ours) for a POST."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referrer = request.META.get("HTTP_REFERER", "")
    if referrer and url_has_allowed_host_and_scheme(
        referrer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referrer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path


class SessionLimitsMiddleware:
    """Logs out a session past its limits; records log-in and activity times. Comes after
    AuthenticationMiddleware (it needs request.user) and MessageMiddleware (it leaves a
    message)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            times = session_times(request)
            if times is not None and times.expired:
                response = self._expire(request, idle=times.absolute_remaining > 0)
                if response is not None:
                    return response
            elif times is not None and not _is_background(request):
                self._seen(request)
        response = self.get_response(request)
        # A session from before these limits starts its clocks now.
        if request.user.is_authenticated and LOGIN_AT not in request.session:
            session_start(request=request)
        return response

    @staticmethod
    def _seen(request: HttpRequest) -> None:
        # Saving the session on every request would cost a write each time: the time seen is
        # kept to a tenth of the idle limit (at most a minute), which is precise enough.
        now = int(time.time())
        step = min(60, settings.LIS1_SESSION_IDLE_SECONDS // 10)
        if now - request.session[SEEN_AT] >= step:
            request.session[SEEN_AT] = now

    @staticmethod
    def _expire(request: HttpRequest, *, idle: bool) -> HttpResponse | None:
        logout(request)
        if idle:
            minutes = settings.LIS1_SESSION_IDLE_SECONDS // 60
            text = _(
                "You were logged out after %(minutes)d minutes without activity. "
                "Log in again to go on."
            ) % {"minutes": minutes}
        else:
            hours = settings.LIS1_SESSION_ABSOLUTE_SECONDS // 3600
            text = _(
                "You were logged out because a session lasts at most %(hours)d hours. "
                "Log in again to go on."
            ) % {"hours": hours}
        # Also when the request goes on as anonymous: the next page shown says why.
        messages.info(request, text)
        if request.path.startswith("/api/") or request.path == reverse("accounts:session"):
            return None
        response = redirect_to_login(_return_path(request), resolve_url(settings.LOGIN_URL))
        if request.headers.get("HX-Request") == "true":
            htmx_response = HttpResponse(status=204)
            htmx_response["HX-Redirect"] = response["Location"]
            return htmx_response
        return response


def _times_json(request: HttpRequest) -> JsonResponse:
    times = session_times(request) if request.user.is_authenticated else None
    if times is None:
        return JsonResponse({"authenticated": bool(request.user.is_authenticated)})
    return JsonResponse(
        {
            "authenticated": True,
            "idle_remaining": times.idle_remaining,
            "absolute_remaining": times.absolute_remaining,
        }
    )


@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> JsonResponse:
    """GET: what is left of the session, without counting as activity (session.js sends it
    marked as background). POST (CSRF-protected): "Stay logged in", which is activity."""
    if request.method == "POST" and request.user.is_authenticated:
        # The middleware may have rounded the time seen; the user's click is exact.
        request.session[SEEN_AT] = int(time.time())
    return _times_json(request)
