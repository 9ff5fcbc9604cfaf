"""Probes for a supervisor or load balancer. They answer without data: no names, counts or versions.

- `/healthz`: the process is alive and serving requests.
- `/readyz`: it can do its work: the database answers, and Redis does when REDIS_URL is set.
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.extensions import db

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    failed = []
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.warning("readiness: the database does not answer")
        failed.append("database")
    watch = current_app.extensions.get("sb_redis_watch")
    if watch is not None and not watch.check():
        failed.append("redis")
    if failed:
        return jsonify(status="not ready", failed=failed), 503
    return jsonify(status="ready")
