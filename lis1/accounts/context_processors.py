from django.http import HttpRequest

from lis1.rounds.permissions import role_of


def role(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's role, so the base layout can show the right navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_role": None}
    return {"user_role": role_of(user)}
