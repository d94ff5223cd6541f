"""WSGI entry point (gunicorn lis1.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lis1.settings")
application = get_wsgi_application()

# What is loaded now (Django, the apps, their modules and settings) lives as long as the
# worker: moved out of the garbage collector's reach, a full collection during a request no
# longer walks it again. On national data the slowest requests of a 70 kB page went from
# 368 to 259 ms (bench/pages_bench.py measures the same way). Garbage is still collected.
gc.collect()
gc.freeze()
