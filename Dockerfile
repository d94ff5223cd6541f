# lis1 application image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=lis1.settings \
    LIS1_VAR_DIR=/app/var

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libmagic1 \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY lis1 ./lis1
COPY applicants ./applicants
COPY employers ./employers
COPY municipalities ./municipalities
RUN pip install .
COPY . .
# The app runs from /app, whose sources have no bytecode (PYTHONDONTWRITEBYTECODE): compile
# it once here, or every process (each `python -m lis1.matching`, each worker) compiles
# every module it imports (at 1,300 applicants that was a third of a match's whole run).
RUN python -m compileall -q lis1 applicants employers municipalities

RUN useradd --system --uid 1000 --home /app lis1 \
    && mkdir -p /app/var && chown -R lis1 /app/var
USER lis1

# Collect static files with the production storage (hashed names + manifest). Production
# settings refuse to load without secrets, so placeholders are given for this step only;
# collectstatic touches neither the database nor the broker.
RUN DJANGO_ENV=production SECRET_KEY=build-only ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build/build CELERY_BROKER_URL=redis://build:6379/0 \
    IDENTITY_ENCRYPTION_KEYS=YnVpbGQtb25seS1rZXktb2YtMzItYnl0ZXMtbG9uZyE= IDENTITY_HASH_KEY=build-only EMAIL_HOST=build \
    python manage.py collectstatic --noinput

EXPOSE 8000
# Gunicorn takes its number of workers from WEB_CONCURRENCY: about one per core, since the
# pages are CPU-bound (bench/load_applicants.py measured more workers than cores contending).
ENV WEB_CONCURRENCY=2
# The access log goes to stdout through a logger that redacts URL secrets (lis1/logredact.py).
CMD ["gunicorn", "-c", "python:lis1.gunicorn_conf", "lis1.wsgi:application"]
