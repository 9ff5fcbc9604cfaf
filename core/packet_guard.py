"""Malformed Socket.IO packets are refused at the door, quietly.

python-socketio decodes every packet a client sends before any identity is checked; a packet it cannot
decode (a number with thousands of digits, nesting past the limit, NaN, garbage, a packet type this app
never uses) raised inside python-engineio, which logged an ERROR with a traceback for each one: anyone
could fill the log. Here decoding goes through `safe_json` and any failure becomes `MalformedPacket`,
which the guarded message handler answers:
- from a connected client (identified at connect) the packet is dropped, and an event that asked for
  an ack gets `{"ok": false, ...}` as an invalid payload would (a real client never sends these, but
  its retries must end); it stays connected;
- from anyone else (not connected: anonymous, or before the handshake) the packet is dropped and the
  Engine.IO session closed.
Either way one INFO line with a fixed reason (rate-capped in core/logfilter.py), never a traceback and
never the packet's content."""
from __future__ import annotations

import logging

from socketio import packet
from socketio.packet import Packet

from core import safe_json

log = logging.getLogger(__name__)
ALLOWED_TYPES = (packet.CONNECT, packet.DISCONNECT, packet.EVENT, packet.ACK)
INVALID = "That request was not valid."
CLIENT_CAUSED = {"client_caused": True}  # rate-capped by core/logfilter.py


class MalformedPacket(ValueError):
    def __init__(self, reason: str, namespace: str | None = None, ack_id: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.namespace, self.ack_id = reason, namespace, ack_id


class CheckedPacket(Packet):
    """Socket.IO packets decoded with bounded JSON; binary and unknown packet types are refused."""

    json = safe_json

    def __init__(self, *args, encoded_packet=None, **kwargs) -> None:
        if encoded_packet is not None and not encoded_packet:  # python-socketio would take it for an event
            raise MalformedPacket("empty packet")
        super().__init__(*args, encoded_packet=encoded_packet, **kwargs)

    def decode(self, encoded_packet):
        if not isinstance(encoded_packet, str):
            raise MalformedPacket("binary message")
        try:
            attachments = super().decode(encoded_packet)
        except safe_json.Refused as exc:
            raise MalformedPacket(exc.reason, self.namespace, self._ack_id()) from None
        except Exception:  # whatever python-socketio's own parsing trips on: the client's bytes, not ours
            raise MalformedPacket("not a Socket.IO packet") from None
        if self.packet_type not in ALLOWED_TYPES or attachments:
            raise MalformedPacket("packet type not used here", self.namespace, self._ack_id())
        return attachments

    def _ack_id(self) -> int | None:
        return self.id if self.packet_type in (packet.EVENT, packet.BINARY_EVENT) else None


def install(server) -> None:
    """Guard the socketio.Server's message handler (Engine.IO calls it; so does Flask-SocketIO's test
    client). Exceptions other than MalformedPacket, raised by the app's own handlers, are not touched."""
    handle = server._handle_eio_message

    def guarded(eio_sid, data):
        try:
            return handle(eio_sid, data)
        except MalformedPacket as exc:
            _refuse(server, eio_sid, exc)

    server._handle_eio_message = guarded
    server.eio.on("message", guarded)
    _no_hang_on_bad_polling_posts()


def _no_hang_on_bad_polling_posts() -> None:
    """A polling POST that Engine.IO itself refuses (an unknown packet type such as "9", a body over the
    size limit) made python-engineio disconnect the session *waiting* until the client polled again to
    collect the close packet; a client that never polls again pinned that request, its greenlet and its
    connection for ever, before any identity check. The session is now closed at once, without waiting;
    python-engineio then answers 400 as before."""
    from engineio import exceptions
    from engineio.socket import Socket

    if getattr(Socket.handle_post_request, "_sb_guarded", False):
        return
    original = Socket.handle_post_request

    def handle_post_request(self, environ):
        try:
            return original(self, environ)
        except exceptions.EngineIOError:
            log.info("socket message refused: not Engine.IO; connection closed", extra=CLIENT_CAUSED)
            self.close(wait=False, abort=True, reason=self.server.reason.SERVER_DISCONNECT)
            raise

    handle_post_request._sb_guarded = True
    Socket.handle_post_request = handle_post_request


def _refuse(server, eio_sid: str, exc: MalformedPacket) -> None:
    namespace = exc.namespace or "/"
    if server.manager.sid_from_eio_sid(eio_sid, namespace):  # connected, so identified at connect
        log.info("socket packet refused: %s", exc.reason, extra=CLIENT_CAUSED)
        if exc.ack_id is not None:
            server._send_packet(eio_sid, server.packet_class(packet.ACK, namespace=namespace, id=exc.ack_id,
                                                             data=[{"ok": False, "error": INVALID}]))
        return
    log.info("socket packet refused: %s; connection closed", exc.reason, extra=CLIENT_CAUSED)
    socket = server.eio.sockets.pop(eio_sid, None)
    if socket is not None:
        # No wait (a polling client may never come back for the close packet) and no close packet.
        socket.close(wait=False, abort=True, reason=server.eio.reason.SERVER_DISCONNECT)
