"""No Docker engine runs here, so the compose file is checked by reading it."""

from pathlib import Path

import yaml

from tests.fresh_python import fresh_python

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services_with_health_checks() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert "healthcheck" in service, name
        assert service["healthcheck"]["test"], name


def test_compose_keeps_the_database_on_a_volume() -> None:
    compose = _compose()
    assert "pgdata" in compose["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]


def test_compose_web_migrates_then_runs_gunicorn() -> None:
    command = _compose()["services"]["web"]["command"]
    assert command.index("migrate") < command.index("gunicorn")
    assert "lis1.wsgi:application" in command
    # The access log goes through the logger that redacts URL secrets (lis1/logredact.py).
    assert "-c python:lis1.gunicorn_conf" in command
    assert '"-c", "python:lis1.gunicorn_conf"' in (ROOT / "Dockerfile").read_text()


def test_compose_worker_and_beat_run_celery() -> None:
    services = _compose()["services"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "lis1.celery", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "lis1.celery", "beat"]


def test_compose_app_services_use_postgres_and_redis_in_production_mode() -> None:
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DJANGO_ENV"] == "production", name
        assert env["DATABASE_URL"].startswith("postgres://"), name
        assert env["CELERY_BROKER_URL"].startswith("redis://"), name
        for required in (
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "IDENTITY_ENCRYPTION_KEYS",
            "IDENTITY_HASH_KEY",
        ):
            assert env[required], (name, required)
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_env_example_documents_every_variable_the_settings_read() -> None:
    import re

    settings_text = (ROOT / "lis1" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', settings_text))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read - documented == set()


def test_ci_script_runs_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script
    assert "pg_ctlcluster" in script and "redis-server" in script


def test_the_wsgi_app_loads_with_its_startup_objects_frozen_and_collection_on() -> None:
    frozen = fresh_python(
        "import gc, lis1.wsgi; "
        "assert callable(lis1.wsgi.application); "
        "assert gc.isenabled(); "
        "print(gc.get_freeze_count())"
    )
    assert int(frozen) > 10_000  # Django and the apps' modules, out of the collector's reach


def test_dockerignore_keeps_the_hosts_environment_and_data_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv/", "var/", ".env", ".git/", "**/__pycache__/"} <= set(ignored)
    # What the image needs stays in.
    assert not {"static/", "templates/", "locale/", "lis1/"} & set(ignored)
    assert "RUN python -m compileall" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
