"""WSGI entry point (gunicorn lis1.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lis1.settings")
application = get_wsgi_application()
