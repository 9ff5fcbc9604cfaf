"""The render pool: a few worker processes (handouts/worker.py) that make handout PDFs, so that the
serving process never spends seconds of CPU inside its event loop.

WeasyPrint is CPU-bound Python: in a thread it would still hold the GIL and stall every live session
in the process. A render here is a job written down a pipe to a child process; waiting for the
answer is a `select.poll()` on the pipe, which gevent (monkey-patched under gunicorn) turns into a
cooperative wait, and which in threading mode blocks only the request's own thread.

- Workers start lazily (the first PDF) up to `size`; one that died is replaced on the next job.
- At most `size` renders run at once and `queue` more wait; beyond that `Busy` (the route answers 503).
- A render that outlives `timeout` seconds (counted from arrival, queueing included) raises
  `RenderTimeout` and its worker is killed; one that fails raises `RenderFailed`.
- Nothing touches the disk: HTML in, PDF bytes out, through pipes.
"""
from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

from handouts.worker import HEADER, frame

ROOT = Path(__file__).resolve().parent.parent
READ_CHUNK = 1 << 16

log = logging.getLogger(__name__)


class Busy(RuntimeError):
    """Every worker is busy and the queue is full."""


class RenderTimeout(RuntimeError):
    """The PDF was not ready in time."""


class RenderFailed(RuntimeError):
    """The worker could not make the PDF (it refused the job, or stopped during it)."""


class _Gone(RenderFailed):
    """The worker's pipe closed: the process is not there any more."""


def _wait(fd: int, events: int, deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise RenderTimeout("the render took too long")
    poller = select.poll()  # gevent's cooperative poll when the server is monkey-patched
    poller.register(fd, events | select.POLLHUP | select.POLLERR)
    if not poller.poll(remaining * 1000):
        raise RenderTimeout("the render took too long")


def _write_all(fd: int, data: bytes, deadline: float) -> None:
    view = memoryview(data)
    while view:
        _wait(fd, select.POLLOUT, deadline)
        try:
            view = view[os.write(fd, view):]
        except BlockingIOError:
            continue
        except OSError as exc:
            if exc.errno in (errno.EPIPE, errno.EBADF):
                raise _Gone("the render worker is gone") from None
            raise


def _read_exactly(fd: int, n: int, deadline: float) -> bytes:
    chunks, left = [], n
    while left:
        _wait(fd, select.POLLIN, deadline)
        try:
            chunk = os.read(fd, min(left, READ_CHUNK))
        except BlockingIOError:
            continue
        if not chunk:
            raise _Gone("the render worker is gone")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class Worker:
    """One child process and the two pipes to it."""

    def __init__(self) -> None:
        job_r, self.jobs = os.pipe()
        self.answers, answer_w = os.pipe()
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", "handouts.worker_main"], stdin=job_r, stdout=answer_w,
                                         cwd=ROOT, close_fds=True)
        finally:
            os.close(job_r)
            os.close(answer_w)
        os.set_blocking(self.jobs, False)
        os.set_blocking(self.answers, False)
        self.renders = 0

    def alive(self) -> bool:
        return self.proc.poll() is None

    def render(self, html: str, paper: str, roots: list[tuple[str, Path]], deadline: float) -> bytes:
        meta = {"paper": paper, "roots": [[prefix, str(root)] for prefix, root in roots]}
        _write_all(self.jobs, frame(meta, html.encode()), deadline)
        meta_len, body_len = HEADER.unpack(_read_exactly(self.answers, HEADER.size, deadline))
        raw = _read_exactly(self.answers, meta_len + body_len, deadline)
        answer = json.loads(raw[:meta_len])
        self.renders += 1
        if not answer.get("ok"):
            raise RenderFailed(f"the render worker refused the job: {answer.get('error', 'unknown')}")
        return raw[meta_len:]

    def close(self) -> None:
        """Stop the process (if it still runs) and release the pipes."""
        for fd in (self.jobs, self.answers):
            with contextlib.suppress(OSError):  # already closed
                os.close(fd)
        if self.alive():
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.warning("render worker %s did not stop after SIGKILL", self.proc.pid)


class Pool:
    """At most `size` renders at once in as many worker processes, `queue` more waiting."""

    def __init__(self, size: int, queue: int, timeout: float) -> None:
        if size < 1:
            raise ValueError("a render pool needs at least one worker")
        self.size, self.queue, self.timeout = size, queue, timeout
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(size)
        self._idle: list[Worker] = []
        self._admitted = 0  # renders running or waiting
        self.started = 0  # worker processes started, ever (restarts included)

    def render(self, html: str, paper: str, roots: list[tuple[str, Path]]) -> bytes:
        deadline = time.monotonic() + self.timeout
        with self._lock:
            if self._admitted >= self.size + self.queue:
                raise Busy("every render worker is busy and the queue is full")
            self._admitted += 1
        try:
            if not self._slots.acquire(timeout=self.timeout):
                raise RenderTimeout("waited too long for a render worker")
            try:
                return self._run(html, paper, roots, deadline)
            finally:
                self._slots.release()
        finally:
            with self._lock:
                self._admitted -= 1

    def _take(self) -> Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                log.warning("render worker %s had stopped (exit %s): starting another", worker.proc.pid,
                            worker.proc.returncode)
                worker.close()
            self.started += 1
        return Worker()

    def _run(self, html: str, paper: str, roots: list[tuple[str, Path]], deadline: float) -> bytes:
        worker = self._take()
        try:
            pdf = worker.render(html, paper, roots, deadline)
        except (RenderTimeout, _Gone) as exc:
            log.warning("render worker %s: %s; it is stopped and will be replaced", worker.proc.pid, exc)
            worker.close()
            raise
        except RenderFailed:
            self._give_back(worker)  # it answered (a refusal): the pipes are in step, it can go on
            raise
        except BaseException:
            worker.close()  # stopped mid-job (a greenlet killed, say): the pipes are out of step
            raise
        self._give_back(worker)
        return pdf

    def _give_back(self, worker: Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def workers(self) -> list[Worker]:
        """The idle workers (for tests and the benchmark)."""
        with self._lock:
            return list(self._idle)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()


_pools: dict[tuple[int, int, float], Pool] = {}
_pools_lock = threading.Lock()


def pool(size: int, queue: int, timeout: float) -> Pool:
    """This process's pool for these settings, made on first use (workers start with the first job)."""
    key = (size, queue, timeout)
    with _pools_lock:
        if key not in _pools:
            _pools[key] = Pool(size, queue, timeout)
        return _pools[key]
