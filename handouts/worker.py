"""A handout render worker: a child process that turns handout HTML into PDF bytes, one job at a time.

Started by handouts.pool as `python -m handouts.worker_main` with two pipes: jobs arrive on standard input,
answers leave on the descriptor that was standard output (standard output itself is pointed at
standard error, so a stray print cannot corrupt an answer). Each message is framed by `frame()`.
A job carries the HTML, the paper and the app's static folders; the PDF is made by
`render.html_to_pdf` with the same restricted `StaticFetcher` as ever. The worker runs at a lower
CPU priority than the server, keeps nothing on disk, and exits when its input closes (the server
stopped or died).
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import struct
import sys
from pathlib import Path
from typing import BinaryIO

HEADER = struct.Struct(">II")  # length of the JSON part, length of the body
NICENESS = 10  # live sessions first: the serving process keeps its normal priority

log = logging.getLogger("handouts.worker")


def frame(meta: dict, body: bytes) -> bytes:
    """One message: a fixed header, a small JSON object, then the body (HTML or PDF bytes)."""
    raw = json.dumps(meta).encode()
    return HEADER.pack(len(raw), len(body)) + raw + body


def _read_exactly(stream: BinaryIO, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_message(stream: BinaryIO) -> tuple[dict, bytes] | None:
    """The next message, or None when the other end closed the pipe."""
    head = _read_exactly(stream, HEADER.size)
    if head is None:
        return None
    meta_len, body_len = HEADER.unpack(head)
    raw = _read_exactly(stream, meta_len + body_len) if meta_len + body_len else b""
    if raw is None:
        return None
    return json.loads(raw[:meta_len]), raw[meta_len:]


def serve(jobs: BinaryIO, answers: BinaryIO) -> None:
    """Answer jobs until the input closes: {"ok": true} and the PDF, or {"ok": false, "error": reason}."""
    from handouts.render import StaticFetcher, html_to_pdf

    while (message := read_message(jobs)) is not None:
        meta, body = message
        try:
            fetcher = StaticFetcher([(prefix, Path(root)) for prefix, root in meta["roots"]])
            answer, pdf = {"ok": True}, html_to_pdf(body.decode(), meta["paper"], fetcher)
        except Exception as exc:  # noqa: BLE001  (the reason goes back to the server, which logs it)
            log.warning("handout render failed: %s", type(exc).__name__)
            answer, pdf = {"ok": False, "error": type(exc).__name__}, b""
        answers.write(frame(answer, pdf))
        answers.flush()


def main() -> None:
    with contextlib.suppress(OSError):  # not allowed here: render at the normal priority
        os.nice(NICENESS)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s handout-worker %(levelname)s %(name)s: %(message)s")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, answers)

