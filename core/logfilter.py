"""No secrets or participant content in logs. Our own code logs reasons, never content; this filter
also masks the tokens that live in some URLs (join, member, display, setup, invite and calendar-feed links)
wherever a library logs a request line."""
from __future__ import annotations

import logging
import re
import threading
import time

TOKEN_PATH = re.compile(r"(/(?:j|m|display|setup|invite|calendar)/)[A-Za-z0-9_\-]{8,}")


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


# Where python-engineio and python-socketio turn a client's bytes into packets: an exception raised in
# these files while a handler runs is the client's malformed input, not a failure of the server.
DECODING_FILES = ("engineio/packet.py", "engineio/payload.py", "socketio/packet.py", "core/packet_guard.py",
                  "core/safe_json.py")


def _raised_while_decoding(exc_info) -> bool:
    if not exc_info or exc_info[1] is None:
        return False
    exc, tb = exc_info[1], exc_info[2]
    if isinstance(exc, UnicodeDecodeError):  # a polling POST body that is not UTF-8
        return True
    if not isinstance(exc, (ValueError, TypeError, IndexError, KeyError, RecursionError)):
        return False
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.replace("\\", "/").endswith(DECODING_FILES):
            return True
        tb = tb.tb_next
    return False


class ClientGarbageAsInfo(logging.Filter):
    """A client's undecodable message that still reaches python-engineio (a polling body that is not
    Engine.IO at all; Socket.IO packets are refused before that, in core/packet_guard.py) was logged as
    an ERROR with a traceback, once per message. One INFO line instead, naming only the exception type
    (its text may quote the client's bytes), and rate-capped like every client-caused line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and _raised_while_decoding(record.exc_info):
            kind = type(record.exc_info[1]).__name__
            record.msg, record.args = "socket message refused: undecodable (%s in %s)", (kind, record.getMessage())
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info = record.exc_text = None
            record.client_caused = True
        return True


class RateCap(logging.Filter):
    """At most `limit` client-caused lines of each kind (the same message template) per `per` seconds;
    the first line after a quiet spell says how many were left out. Lines not marked client-caused
    (record.client_caused) always pass. Anyone who can open a socket can trigger these lines, so without
    a cap they could fill the log."""

    def __init__(self, limit: int = 5, per: float = 60.0) -> None:
        super().__init__()
        self.limit, self.per = limit, per
        self._windows: dict[str, list] = {}  # template -> [window start, lines written, lines left out]
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "client_caused", False):
            return True
        key, now = str(record.msg), time.monotonic()
        with self._lock:
            window = self._windows.get(key)
            if window is None or now - window[0] >= self.per:
                left_out = window[2] if window else 0
                if len(self._windows) > 100:  # templates are ours, but stay bounded whatever happens
                    self._windows.clear()
                self._windows[key] = window = [now, 0, 0]
                if left_out:
                    record.msg = f"{record.msg} ({left_out} similar messages suppressed)"
            if window[1] >= self.limit:
                window[2] += 1
                return False
            window[1] += 1
            return True


CLIENT_CAP = RateCap()


def server_logger(name: str) -> logging.Logger:
    """The Socket.IO / Engine.IO server's logger: errors only, redacted here, written once through the
    root handler (propagation), never through a handler of its own."""
    from core.redis_watch import QueueRetryFilter

    logger = logging.getLogger(name)
    logger.setLevel(logging.ERROR)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    for f in (_FILTER, QueueRetryFilter(), ClientCausedAsWarning(), ClientGarbageAsInfo(), CLIENT_CAP):
        if not any(type(x) is type(f) for x in logger.filters):
            logger.addFilter(f)
    return logger


def install() -> None:
    """Attach to every handler of the root logger and of the servers' loggers (idempotent); cap what
    refused Socket.IO packets log."""
    guard = logging.getLogger("core.packet_guard")
    if CLIENT_CAP not in guard.filters:
        guard.addFilter(CLIENT_CAP)
    for name in ("", "werkzeug", "gunicorn.access", "gunicorn.error"):
        for handler in logging.getLogger(name).handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
