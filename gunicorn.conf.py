"""gunicorn settings for Secure Base: the one place the server flags live (docs/DEPLOY.md).

Used by everything that starts the app server: `make run` / `make serve`, the systemd unit
(deploy/secure-base@.service), the e2e, security and multi-process tests and the benchmarks, always as
`gunicorn -c gunicorn.conf.py wsgi:app`. Flags given on the command line override these (the tests
and the systemd unit pass their own `--bind`).
"""
import os

# The address to listen on: SB_BIND (`make run BIND=0.0.0.0:5000` exports it), else loopback only.
bind = [os.environ.get("SB_BIND") or "127.0.0.1:5000"]

# Flask-SocketIO's gevent async mode (the app passes async_mode="gevent"; wsgi.py monkey-patches
# first). Always one worker per process: Flask-SocketIO keeps each connection in the worker that
# accepted it, so more capacity means more processes behind nginx, never more workers.
worker_class = "gevent"
workers = 1

# gunicorn >= 25.1 opens a control socket in ~/.gunicorn/ (or $XDG_RUNTIME_DIR); several instances on
# one machine would collide on it. This is the setting behind --no-control-socket.
control_socket_disable = True

# Every open Socket.IO connection holds one gevent connection for as long as it is open; gunicorn's
# default is 1000, and the next client hangs until it times out. ~80 KiB per idle connection, so
# 5000 is ~400 MiB (docs/PERFORMANCE.md). Needs `ulimit -n` above it (the systemd unit: LimitNOFILE).
worker_connections = 5000

# "-": the access log to standard output, the error log to standard error (the journal under
# systemd). Tokens in URLs (join, display, setup links) are redacted by the app's log filter.
accesslog = "-"
errorlog = "-"
loglevel = "info"

# A restart waits this long for open requests; Socket.IO clients reconnect by themselves.
graceful_timeout = 20
keepalive = 5


def on_starting(server):
    """Tell the app the address it is actually served on (after any --bind on the command line), so that
    join links, QR codes and the setup link carry the right port; workers inherit the environment."""
    first = server.cfg.bind[0] if server.cfg.bind else ""
    if first and not first.startswith(("unix:", "fd://")):
        os.environ["SB_BIND"] = first
