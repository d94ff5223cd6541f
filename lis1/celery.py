"""The Celery application.

Configuration comes from Django settings (the CELERY_ prefix): Redis broker, late
acknowledgement, prefetch 1 and JSON only. Tasks are thin wrappers around services.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lis1.settings")

app = Celery("lis1")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
