"""The WSGI entry point: `app` for gunicorn and `flask --app wsgi`. The only module-level app."""
import os

if os.environ.get("SB_ASYNC_MODE", "gevent") == "gevent":
    # First, before anything opens a socket: DB drivers and Redis must cooperate with gevent.
    from gevent import monkey

    monkey.patch_all()

from core import create_app  # noqa: E402

app = create_app()
