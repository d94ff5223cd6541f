from django.conf import settings
from django.http import HttpRequest

from lis1.accounts.sessions import session_times
from lis1.rounds.permissions import role_of


def role(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's role, so the base layout can show the right navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_role": None}
    return {"user_role": role_of(user)}


def session_limits(request: HttpRequest) -> dict[str, object]:
    """What static/js/session.js needs to warn before the idle log-out (base.html)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {"session_limits": None}
    times = session_times(request)
    if times is None:  # logged in by this very request: the limits start now
        idle_remaining = settings.LIS1_SESSION_IDLE_SECONDS
        absolute_remaining = settings.LIS1_SESSION_ABSOLUTE_SECONDS
    else:
        idle_remaining, absolute_remaining = times.idle_remaining, times.absolute_remaining
    return {
        "session_limits": {
            "idle_remaining": idle_remaining,
            "absolute_remaining": absolute_remaining,
            "warning": settings.LIS1_SESSION_WARNING_SECONDS,
        }
    }
