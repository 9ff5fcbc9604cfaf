"""The WSGI entry point: `app` for gunicorn and `flask --app wsgi`. The only module-level app."""
import os
import sys

if os.environ.get("SB_ASYNC_MODE", "gevent") == "gevent":
    # First, before anything opens a socket: DB drivers and Redis must cooperate with gevent.
    from gevent import monkey

    monkey.patch_all()

from core import create_app  # noqa: E402
from core.config import SettingsError  # noqa: E402

try:
    app = create_app()
except SettingsError as exc:
    # One line naming the variable and the expected form; a traceback would bury it.
    print(f"secure-base: configuration error: {exc}", file=sys.stderr)
    sys.exit(2)

from core import gc_tuning  # noqa: E402

gc_tuning.tune()  # the start-up heap frozen, young collections rarer (core/gc_tuning.py)
