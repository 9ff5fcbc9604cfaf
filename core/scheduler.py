"""The in-app scheduler: a background task in the serving process that runs the retention purge.

It starts on the first request a server handles (never in CLI commands or tests) and runs hourly.
Deployments that prefer cron can run `flask --app wsgi purge` instead (see docs/SECURITY.md).
"""
from __future__ import annotations

import logging

from flask import Flask

from core.extensions import socketio

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 3600


def install(app: Flask) -> None:
    if app.config["TESTING"] or not app.config["PURGE_SCHEDULER"]:
        return
    started = {"yes": False}

    @app.before_request
    def _start_once() -> None:
        if not started["yes"]:
            started["yes"] = True
            socketio.start_background_task(_loop, app)


def _loop(app: Flask) -> None:
    from core.retention import purge_expired

    while True:
        try:
            with app.app_context():
                purge_expired()
        except Exception:
            log.exception("retention purge failed; will try again")
        socketio.sleep(INTERVAL_SECONDS)
