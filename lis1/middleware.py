"""Language selection: Bokmål unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to
the many Norwegians whose browsers are set to English. A state service defaults to Bokmål;
the language switch (a cookie) is the user's explicit choice and the only thing we follow.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # For this request only: an activated language would stay with the thread and leak
        # into whatever it runs next (a task run in-process, the next test).
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
