"""gunicorn's settings (`gunicorn -c python:lis1.gunicorn_conf lis1.wsgi:application`): the
access log to stdout, through the logger that redacts URL secrets (lis1/logredact.py)."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
logger_class = "lis1.logredact.RedactingLogger"
