"""Anonymous clients cannot fill the log: malformed Socket.IO and Engine.IO messages are refused before
any identity is checked, with one capped INFO line each kind instead of an ERROR traceback each
(issue 11, finding 4; docs/SECURITY.md known gap 4). Normal clients in the same process carry on."""
import json
import logging
import threading
import time

import pytest

from core import logfilter, safe_json
from core.extensions import socketio

FLOOD = 200
HOSTILE = {  # what an anonymous client POSTs on a fresh polling session (Engine.IO "4" + Socket.IO)
    "an integer with 5,000 digits": '42["x",' + "1" * 5000 + "]",
    "an integer of 40 digits": '42["x",' + "9" * 40 + "]",
    "1e999 (Infinity)": '42["x",1e999]',
    "NaN": '42["x",NaN]',
    "nesting 5,000 deep": "42" + "[" * 5000 + "]" * 5000,
    "nesting 100 deep": "42" + "[" * 100 + "]" * 100,
    "a handshake payload starting with a digit": "40123abc",
    "a handshake payload that is a huge number": "40" + "1" * 5000,
    "an ack id of 150 digits": "42" + "1" * 150 + '["x"]',
    "an unknown Socket.IO packet type": "47",
    "a binary event": '451-["x",{"_placeholder":true,"num":0}]',
    "Socket.IO garbage": "4zz\x00garbage",
    "an empty Socket.IO packet": "4",
    "Engine.IO garbage": "zz",
    "a body that is not UTF-8": b"\xff\xfe4",
}


@pytest.fixture(autouse=True)
def fresh_cap():
    logfilter.CLIENT_CAP._windows.clear()
    yield
    logfilter.CLIENT_CAP._windows.clear()


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def open_polling_session(http) -> str:
    r = http.get("/socket.io/?EIO=4&transport=polling")
    assert r.status_code == 200
    return json.loads(r.get_data(as_text=True)[1:])["sid"]


def settle() -> None:
    """Wait for Engine.IO's message handlers (background threads in threading mode) to finish."""
    deadline = time.monotonic() + 20
    while any("run_handler" in t.name for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.02)


def flood(app, body) -> None:
    http = app.test_client()
    for _ in range(FLOOD):
        sid = open_polling_session(http)
        r = http.post(f"/socket.io/?EIO=4&transport=polling&sid={sid}", data=body)
        assert r.status_code in (200, 400)
    settle()


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_flood_of_malformed_packets_writes_a_few_info_lines(app, caplog, kind):
    caplog.set_level(logging.INFO)
    flood(app, HOSTILE[kind])
    records = [r for r in caplog.records if r.name.startswith(("engineio", "socketio", "core.packet_guard"))]
    print(f"\nlog flood, {kind}: {FLOOD} packets -> {len(records)} log lines, "
          f"{sum(r.levelno >= logging.ERROR for r in records)} at ERROR")
    assert [r.getMessage() for r in records if r.levelno >= logging.ERROR] == []
    assert [r.getMessage() for r in records if r.exc_info] == []  # no tracebacks
    assert 1 <= len(records) <= 10
    text = "\n".join(r.getMessage() for r in records)
    assert "111111" not in text and "999999" not in text and "garbage" not in text  # never the content


def test_refused_packets_close_the_anonymous_session(app):
    http = app.test_client()
    sid = open_polling_session(http)
    http.post(f"/socket.io/?EIO=4&transport=polling&sid={sid}", data=HOSTILE["1e999 (Infinity)"])
    settle()
    assert sid not in socketio.server.eio.sockets
    assert http.get(f"/socket.io/?EIO=4&transport=polling&sid={sid}").status_code == 400


def test_the_suppressed_lines_are_counted_when_logging_resumes(caplog):
    cap = logfilter.RateCap(limit=2, per=0.2)
    logger = logging.getLogger("tests.log_flood.cap")
    logger.addFilter(cap)
    try:
        caplog.set_level(logging.INFO)
        for _ in range(10):
            logger.info("socket packet refused: %s", "x", extra={"client_caused": True})
        logger.info("a line of the server's own")
        time.sleep(0.25)
        logger.info("socket packet refused: %s", "y", extra={"client_caused": True})
    finally:
        logger.removeFilter(cap)
    assert [r.getMessage() for r in caplog.records if r.name == logger.name] == [
        "socket packet refused: x", "socket packet refused: x", "a line of the server's own",
        "socket packet refused: y (8 similar messages suppressed)"]


def test_normal_clients_in_the_same_process_are_unaffected(app, caplog, make_facilitator, make_group,
                                                           make_session, sock, join):
    caplog.set_level(logging.INFO)
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    fac = sock(f.client, gs, "facilitator")
    ana_http, ana = join(gs, "Ana")
    assert fac.emit("admit", {"participant": ana.id}, callback=True) == {"ok": True}
    ana_sock = sock(ana_http, gs, "participant")
    for body in HOSTILE.values():
        flood_once = app.test_client()
        sid = open_polling_session(flood_once)
        flood_once.post(f"/socket.io/?EIO=4&transport=polling&sid={sid}", data=body)
    settle()
    assert fac.emit("roster", {}, callback=True)["ok"] is True
    ack = ana_sock.emit("command", {"type": "pass"}, callback=True)
    assert ack["ok"] is True, ack
    # a connected client's own bad event is refused with an ack and leaves it connected
    for bad in (float("inf"), float("nan"), 10**40, nested(40)):
        assert ana_sock.emit("command", {"type": "pass", "x": bad}, callback=True) == {
            "ok": False, "error": "That request was not valid."}
    assert ana_sock.is_connected() and fac.is_connected()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("text, reason", [
    ("1" * 33, "number too long"), ("1e999", "NaN or Infinity"), ("-Infinity", "NaN or Infinity"),
    ("NaN", "NaN or Infinity"), ("[" * 33 + "]" * 33, "nested too deep"), ("[" * 5000 + "]" * 5000, "nested too deep"),
    ("{", "not JSON"), ('"' + "x" * safe_json.MAX_CHARS + '"', "too long"),
])
def test_safe_json_bounds(text, reason):
    with pytest.raises(safe_json.Refused) as refused:
        safe_json.loads(text)
    assert refused.value.reason == reason


def test_safe_json_reads_what_clients_send():
    doc = {"type": "activity", "args": {"answers": [{"v": 7, "t": "a"}, [1.5, -2e-300, True, None]]},
           "n": 2**53, "f": -1.2345678901234567e-308}
    assert safe_json.loads(json.dumps(doc)) == doc
    assert safe_json.loads("[" * 32 + "]" * 32) is not None


def test_the_message_queue_decodes_the_servers_own_messages_unbounded(make_app):
    """Messages between processes are the server's own (views with QR codes, rosters): the bounded
    decoder is for clients' packets only. Bounded, it dropped every cross-process message that held
    more than a few brackets (it was handed bytes)."""
    import json

    from activities import jsondata
    from core import safe_json
    from core.extensions import socketio

    make_app(REDIS_URL="redis://127.0.0.1:9/0")
    manager = socketio.server.manager
    assert manager.json is jsondata  # orjson, unbounded: the server's own data
    message = json.dumps({"method": "emit", "event": "view", "data": {"rows": [[i] for i in range(50)],
                                                                         "qr": "x" * 100_000}}).encode()
    assert manager.json.loads(message)["event"] == "view"
    assert safe_json.loads(b'{"a": [[1], [2]]}') == {"a": [[1], [2]]}  # bytes are fine for clients too


@pytest.mark.parametrize("body", ["9", "9hello", "4" + "x" * (65 * 1024)])
def test_a_polling_post_engineio_refuses_does_not_hang(app, body):
    """Before: python-engineio closed the session waiting for the client's next poll, so this POST never
    returned (a pinned request and connection per anonymous attempt)."""
    http = app.test_client()
    sid = open_polling_session(http)
    answer = {}
    worker = threading.Thread(target=lambda: answer.setdefault(
        "status", http.post(f"/socket.io/?EIO=4&transport=polling&sid={sid}", data=body).status_code), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert answer.get("status") == 400, "the POST did not come back"
    assert sid not in socketio.server.eio.sockets
