"""Settings come from the environment; a bad or missing value stops start-up naming it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lis1.env import env_bool, env_int, parse_database_url

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3Q9-vT7_pL2xW8yZ4aB6cD1eF5gH0jK-mN3oP7qR9sT2uV4wX6yZ8aB0cD2eF4g",
    "ALLOWED_HOSTS": "lis1.example.no",
    "DATABASE_URL": "postgres://lis1:secret@db.example.no:5432/lis1",
    "CELERY_BROKER_URL": "redis://redis.example.no:6379/0",
    "IDENTITY_ENCRYPTION_KEYS": "YnVpbGQtb25seS1rZXktb2YtMzItYnl0ZXMtbG9uZyE=",
    "IDENTITY_HASH_KEY": "a-long-random-hash-key",
    "EMAIL_HOST": "smtp.example.no",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests and must not leak into a
    # production check.
    ignored = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in ignored}
    clean.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_check_deploy_reports_no_warnings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "IDENTITY_ENCRYPTION_KEYS",
        "IDENTITY_HASH_KEY",
        "EMAIL_HOST",
    ],
)
def test_production_without_required_variable_fails_naming_it(missing: str) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert missing in last_line


def _without_email(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_HOST"}
    return {**env, **extra}


def _email_backend_of(env: dict[str, str]) -> str:
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)", env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_refuses_the_console_email_backend() -> None:
    # The console backend prints bodies and password-reset links into the process log.
    for env in (
        _without_email(LIS1_EMAIL_CONSOLE="true"),
        _without_email(
            LIS1_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
            LIS1_EMAIL_ALLOW_LOCAL="true",
        ),
        {**PRODUCTION_ENV, "LIS1_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
    ):
        result = _manage("check", env=env)
        assert result.returncode != 0
        assert result.stderr.strip().splitlines()[-1] == (
            "django.core.exceptions.ImproperlyConfigured: The console e-mail backend would log "
            "every e-mail: set EMAIL_HOST when DJANGO_ENV=production."
        )


def test_production_refuses_a_local_email_backend_unless_allowed() -> None:
    env = _without_email(LIS1_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    result = _manage("check", env=env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: EMAIL_HOST")
    assert "LIS1_EMAIL_ALLOW_LOCAL" in last_line
    allowed = {**env, "LIS1_EMAIL_ALLOW_LOCAL": "true"}
    assert _email_backend_of(allowed) == "django.core.mail.backends.locmem.EmailBackend"


def test_production_accepts_smtp_or_an_explicit_delivering_backend() -> None:
    assert _email_backend_of(PRODUCTION_ENV) == "django.core.mail.backends.smtp.EmailBackend"
    env = _without_email(LIS1_EMAIL_BACKEND="tests.notifications.failing_backend.FailingBackend")
    assert _email_backend_of(env) == "tests.notifications.failing_backend.FailingBackend"


def test_email_backend_must_be_a_dotted_path() -> None:
    result = _manage("check", env={"LIS1_EMAIL_BACKEND": "smtp"})
    assert result.returncode != 0
    assert "LIS1_EMAIL_BACKEND must be the dotted path of a class" in result.stderr


def test_production_refuses_debug() -> None:
    result = _manage("check", env={**PRODUCTION_ENV, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG must be false" in result.stderr


def test_bad_boolean_names_the_variable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LIS1_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="LIS1_FLAG must be a boolean"):
        env_bool("LIS1_FLAG", default=False)


def test_bad_integer_names_the_variable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EMAIL_PORT", "smtp")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be an integer"):
        env_int("EMAIL_PORT", 587)
    monkeypatch.setenv("EMAIL_PORT", "0")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be at least 1"):
        env_int("EMAIL_PORT", 587, minimum=1)


def test_bad_django_env_stops_start_up() -> None:
    result = _manage("check", env={"DJANGO_ENV": "staging"})
    assert result.returncode != 0
    assert "DJANGO_ENV must be one of development, production" in result.stderr


def test_bad_database_url_scheme_stops_start_up() -> None:
    result = _manage("check", env={"DATABASE_URL": "mysql://root@localhost/lis1"})
    assert result.returncode != 0
    assert "DATABASE_URL must start with postgres://" in result.stderr


def test_bad_broker_url_scheme_stops_start_up() -> None:
    result = _manage("check", env={"CELERY_BROKER_URL": "amqp://guest@localhost//"})
    assert result.returncode != 0
    assert "CELERY_BROKER_URL must start with redis://" in result.stderr


def test_parse_database_url_postgres() -> None:
    config = parse_database_url(
        "DATABASE_URL", "postgres://lis1:p%40ss@db.example.no:6543/lis1?sslmode=require"
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("lis1", "lis1", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.example.no", "6543")
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_parse_database_url_sqlite_paths() -> None:
    assert parse_database_url("X", "sqlite:///var/x.db")["NAME"] == "var/x.db"
    assert parse_database_url("X", "sqlite:////srv/x.db")["NAME"] == "/srv/x.db"


def test_parse_database_url_without_database_name_fails() -> None:
    with pytest.raises(ImproperlyConfigured, match="must name a database"):
        parse_database_url("DATABASE_URL", "postgres://localhost")


def test_default_environment_is_embedded_development(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Background jobs behave as in production: a real worker over kombu's filesystem
    # transport in var/broker/, not tasks run inside the request.
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CELERY_BROKER_URL, s.TIME_ZONE, s.LANGUAGE_CODE, [c for c, _ in s.LANGUAGES], "
        "s.USE_TZ]))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "REDIS_URL",
            "DJANGO_ENV",
            "DEBUG",
            "CELERY_TASK_ALWAYS_EAGER",
        }
    }
    clean["DJANGO_SETTINGS_MODULE"] = "lis1.settings"
    clean["LIS1_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[true, "django.db.backends.sqlite3", false, "filesystem://localhost/", '
        '"Europe/Oslo", "nb", ["nb", "nn", "en"], true]'
    )
    assert (tmp_path / "broker" / "queue").is_dir()


def test_celery_configuration() -> None:
    from lis1.celery import app

    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.result_serializer == "json"


def test_redis_broker_is_reachable() -> None:
    """The suite runs against a real Redis: the broker from CELERY_BROKER_URL answers."""
    from django.conf import settings

    from lis1.celery import app

    if not settings.CELERY_BROKER_URL:
        pytest.skip("no broker configured (make test always sets one)")
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.connected


OIDC_ENV = {
    "OIDC_RP_CLIENT_ID": "lis1",
    "OIDC_RP_CLIENT_SECRET": "oidc-client-secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.idporten.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idporten.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://idporten.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idporten.example/jwks.json",
}
_OIDC_PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "from django.urls import NoReverseMatch, reverse\n"
    "try:\n    url = reverse('oidc_authentication_callback')\n"
    "except NoReverseMatch:\n    url = None\n"
    "print(json.dumps([s.OIDC_ENABLED, s.AUTHENTICATION_BACKENDS, "
    "'mozilla_django_oidc' in s.INSTALLED_APPS, url, getattr(s, 'OIDC_PROVIDER_NAME', None), "
    "getattr(s, 'OIDC_RP_SIGN_ALGO', None), getattr(s, 'OIDC_USE_PKCE', None)]))"
)


def _oidc_probe(env: dict[str, str]) -> list[object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    result = subprocess.run(
        [sys.executable, "-c", _OIDC_PROBE],
        cwd=ROOT,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "lis1.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_oidc_unset_adds_no_backend_app_or_url() -> None:
    enabled, backends, installed, url, _name, _algo, _pkce = _oidc_probe({})
    assert (enabled, installed, url) == (False, False, None)
    assert not any("oidc" in backend for backend in backends)  # type: ignore[attr-defined]


def test_oidc_configured_adds_backend_after_axes_and_urls() -> None:
    enabled, backends, installed, url, name, algo, pkce = _oidc_probe(OIDC_ENV)
    assert (enabled, installed, url) == (True, True, "/oidc/callback/")
    assert backends[0] == "axes.backends.AxesStandaloneBackend"  # type: ignore[index]
    assert backends[-1] == "lis1.accounts.oidc.IdentityNumberBackend"  # type: ignore[index]
    assert (name, algo, pkce) == ("ID-porten", "RS256", True)


@pytest.mark.parametrize(
    "missing",
    [
        "OIDC_RP_CLIENT_SECRET",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
    ],
)
def test_oidc_without_required_variable_fails_naming_it(missing: str) -> None:
    env = {k: v for k, v in OIDC_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == (
        f"django.core.exceptions.ImproperlyConfigured: {missing} must be set "
        "when OIDC_RP_CLIENT_ID is set."
    )


def test_oidc_bad_algorithm_names_the_variable() -> None:
    result = _manage("check", env={**OIDC_ENV, "OIDC_RP_SIGN_ALGO": "none"})
    assert result.returncode != 0
    assert "OIDC_RP_SIGN_ALGO must be one of RS256" in result.stderr


def test_oidc_production_refuses_plain_http_endpoint() -> None:
    env = {**PRODUCTION_ENV, **OIDC_ENV, "OIDC_OP_TOKEN_ENDPOINT": "http://idporten.example/token"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "OIDC_OP_TOKEN_ENDPOINT must be an absolute https URL" in result.stderr


def test_oidc_production_check_deploy_reports_no_warnings() -> None:
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, **OIDC_ENV}
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "error"),
    [
        (
            {"LIS1_SESSION_IDLE_SECONDS": "50000"},
            "LIS1_SESSION_IDLE_SECONDS must not exceed LIS1_SESSION_ABSOLUTE_SECONDS",
        ),
        (
            {"LIS1_SESSION_IDLE_SECONDS": "120", "LIS1_SESSION_WARNING_SECONDS": "120"},
            "LIS1_SESSION_WARNING_SECONDS must be shorter than LIS1_SESSION_IDLE_SECONDS",
        ),
        ({"LIS1_SESSION_ABSOLUTE_SECONDS": "10"}, "LIS1_SESSION_ABSOLUTE_SECONDS must be at least"),
    ],
)
def test_inconsistent_session_limits_stop_start_up(env: dict[str, str], error: str) -> None:
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert error in result.stderr


def test_session_limits_are_read_from_the_environment() -> None:
    env = {
        "LIS1_SESSION_ABSOLUTE_SECONDS": "7200",
        "LIS1_SESSION_IDLE_SECONDS": "600",
        "LIS1_SESSION_WARNING_SECONDS": "90",
    }
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.LIS1_SESSION_ABSOLUTE_SECONDS, "
        "s.LIS1_SESSION_IDLE_SECONDS, s.LIS1_SESSION_WARNING_SECONDS, s.SESSION_COOKIE_AGE)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "7200 600 90 7200"
