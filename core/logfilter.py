"""No secrets or participant content in logs. Our own code logs reasons, never content; this filter
also masks the tokens that live in some URLs (join, display, setup and invite links) wherever a
library logs a request line."""
from __future__ import annotations

import logging
import re

TOKEN_PATH = re.compile(r"(/(?:j|display|setup|invite)/)[A-Za-z0-9_\-]{8,}")


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = TOKEN_PATH.sub(r"\1[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_FILTER = RedactTokens()


class ClientCausedAsWarning(logging.Filter):
    """Engine.IO logs a bad request from a client (an unknown or already closed session id, a bad
    transport) as an ERROR, once per kind and process. Nothing failed on the server: a client raced a
    disconnect or sent something wrong, and was answered 400. Logged as a WARNING instead, so that
    errors in the log stay the server's own."""

    MARK = "(further occurrences of this error will be logged with level INFO)"

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.ERROR and isinstance(record.msg, str) and record.msg.endswith(self.MARK):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def server_logger(name: str) -> logging.Logger:
    """The Socket.IO / Engine.IO server's logger: errors only, redacted here, written once through the
    root handler (propagation), never through a handler of its own."""
    from core.redis_watch import QueueRetryFilter

    logger = logging.getLogger(name)
    logger.setLevel(logging.ERROR)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    for f in (_FILTER, QueueRetryFilter(), ClientCausedAsWarning()):
        if not any(type(x) is type(f) for x in logger.filters):
            logger.addFilter(f)
    return logger


def install() -> None:
    """Attach to every handler of the root logger and of the servers' loggers (idempotent)."""
    for name in ("", "werkzeug", "gunicorn.access", "gunicorn.error"):
        for handler in logging.getLogger(name).handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
