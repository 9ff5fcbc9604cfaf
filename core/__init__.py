"""The application factory: config, extensions, blueprints, security headers, Socket.IO last."""
from __future__ import annotations

import logging

from flask import Flask

from activities import jsondata
from core import config, packet_guard
from core.extensions import csrf, db, login_manager, socketio


class JsonPacket(packet_guard.CheckedPacket):
    """Socket.IO packets of JSON data only, decoded within bounds (core/packet_guard.py: the bounded
    JSON module is set here, not passed as init_app(json=...), which would also replace python-engineio's
    for every Engine.IO client in the process). python-socketio scans every outgoing payload recursively
    for bytes to choose a binary packet type (~15% of the server's time in a 300-member broadcast);
    nothing here ever sends bytes (views are JSON), and bytes would fail loudly in jsondata.dumps."""

    uses_binary_events = False


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=str(config.ROOT / "static"), static_url_path="/static")
    app.config.update(config.from_environment())
    app.config.update(overrides or {})
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic.runtime.plugins", "weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)

    from core import (  # noqa: F401  (auth and events register loaders, hooks and Socket.IO events)
        auth,
        catalogue,
        cli,
        demo_cli,
        errors,
        events,
        export_cli,
        headers,
        health,
        logfilter,
        ops_cli,
        redis_watch,
        requests,
        scheduler,
        vocabulary,
    )
    from core.live import screens
    from facilitator import bp as facilitator_bp
    from handouts import bp as handouts_bp
    from participant import bp as participant_bp

    catalogue.install(app)
    vocabulary.install(app)
    screens.install(app)
    requests.install_converters(app)
    requests.install(app)
    app.register_blueprint(facilitator_bp)
    app.register_blueprint(participant_bp)
    app.register_blueprint(handouts_bp)
    app.register_blueprint(health.bp)
    app.before_request(auth.enforce_idle_timeout)
    headers.install(app)
    errors.install(app)
    scheduler.install(app)
    redis_watch.install(app)
    logfilter.install()
    cli.install(app)
    ops_cli.install(app)
    demo_cli.install(app)
    export_cli.install(app)

    # Flask-SocketIO keeps the queue it made for an earlier app in its options: every app starts afresh.
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"],
        cors_allowed_origins=app.config["ALLOWED_ORIGINS"],
        max_http_buffer_size=64 * 1024,
        ping_interval=20,
        ping_timeout=20,
        manage_session=False,
        serializer=JsonPacket,
        # Loggers of our own (not True/False): python-socketio and python-engineio would otherwise add a
        # handler of their own, so every error came out twice, once without the token redaction.
        logger=logfilter.server_logger("socketio.server"),
        engineio_logger=logfilter.server_logger("engineio.server"),
    )
    packet_guard.install(socketio.server)
    # The message queue between processes carries the server's own messages (views, rosters): they are
    # written and read with activities/jsondata.py (orjson), not the client packets' bounded one (python-socketio's
    # manager takes the packet class's module by default; bounded, it silently dropped every
    # cross-process message over its limits: tests/multiprocess caught it).
    socketio.server.manager.json = jsondata
    if app.config["BEHIND_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Outside the Socket.IO middleware (init_app wraps app.wsgi_app), so that Socket.IO requests get
        # the client's scheme, host and address too: links in live views, the same-origin check.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    return app
