"""The live hub: apply a command to a session's state document, commit it, then broadcast (core/live/fanout).

Every change to a live session goes through `execute`. It runs the pure engine, writes the new
state with a version check (optimistic concurrency: two processes can never both win), records
the idempotency key in the same transaction, and only after the commit emits the views. The state a
command starts from is the one this process wrote last when it still holds it (core/live/held.py;
the write's version check catches another process's write, and a command refused on a held state is
refused only once the database is seen to be at that version), else the database's.
"""
from __future__ import annotations

import logging
import time

from sqlalchemy import select, update

from activities.engine import Rejected
from activities.plan import ensure_plan_keys
from core import catalogue, measure_store
from core.activity_models import ActivityRun
from core.extensions import db
from core.live import screens
from core.live.fanout import broadcast, participant_parts
from core.live.held import HELD
from core.models import CommandReceipt, GroupSession, LiveState, utcnow
from core.state import dispatch, initial_state

log = logging.getLogger(__name__)
MAX_RETRIES = 8


def load_state(session_id: int) -> tuple[dict, int]:
    """The current state and version; a session that never went live gets a fresh lobby state."""
    row = db.session.get(LiveState, session_id)
    if row is None:
        return initial_state(), 0
    return ensure_plan_keys(dict(row.state)), row.version


def current_state(session: GroupSession) -> tuple[dict, int]:
    """The state and version, as ``load_state``; the one this process holds when the database is still
    at its version (a snapshot then reads one number, not the whole document)."""
    held = HELD.get(session.id, session.public_id)
    if held is not None and _version(session.id) == held[1]:
        return held
    return load_state(session.id)


def _version(session_id: int) -> int | None:
    """The version the database holds (None: no row)."""
    return db.session.execute(select(LiveState.version).where(LiveState.session_id == session_id)).scalar_one_or_none()


def _write(session_id: int, old_version: int, state: dict) -> bool:
    s = db.session()
    if old_version == 0 and s.get(LiveState, session_id) is None:
        s.add(LiveState(session_id=session_id, version=1, state=state, updated_at=utcnow()))
        s.flush()
        return True
    result = s.execute(
        update(LiveState)
        .where(LiveState.session_id == session_id, LiveState.version == old_version)
        .values(state=state, version=old_version + 1, updated_at=utcnow())
    )
    return result.rowcount == 1


def _receipt(session_id: int, key: str) -> dict | None:
    found = db.session.execute(
        select(CommandReceipt.ack).where(CommandReceipt.session_id == session_id, CommandReceipt.key == key)
    ).scalar_one_or_none()
    return found


def execute(session: GroupSession, command: dict, key: str | None = None) -> dict:
    """Apply one command; returns the ack. Retries on a concurrent write; answers repeats from the receipt."""
    for _attempt in range(MAX_RETRIES):
        with db.transaction() as s:
            if key and (previous := _receipt(session.id, key)) is not None:
                return previous
            held = HELD.get(session.id, session.public_id)
            state, version = held if held is not None else load_state(session.id)
            try:
                prepared = catalogue.prepare(session, state, command)
                new_state, effects = dispatch(state, prepared, time.time())
            except Rejected as exc:
                if held is not None and _version(session.id) != version:  # refused on a state since replaced
                    s.rollback()
                    HELD.forget(session.id)
                    continue
                ack = {"ok": False, "error": exc.reason}
                if key:
                    s.add(CommandReceipt(session_id=session.id, key=key, ack=ack))
                return ack
            if not _write(session.id, version, new_state):  # another process wrote first: read it again
                s.rollback()
                HELD.forget(session.id)
                continue
            _archive(s, session, effects)
            measure_store.store(s, session, effects, prepared.get("actor"))
            ack = {"ok": True, "version": version + 1}
            if key:
                s.add(CommandReceipt(session_id=session.id, key=key, ack=ack))
        HELD.put(session.id, session.public_id, version + 1, new_state)
        broadcast(session, new_state, version + 1, effects, after=version)
        _hand_over_before(session, prepared, new_state)
        return ack
    log.warning("live: gave up after %d concurrent-write retries (session %s)", MAX_RETRIES, session.id)
    return {"ok": False, "error": "The session is busy. Please try again."}


def _hand_over_before(session: GroupSession, command: dict, state: dict) -> None:
    """When a measure step starts, or someone arrives during one, the answers members gave on their own
    page before the session go into it (each once: the activity then holds their answers)."""
    if command.get("type") not in ("plan_go", "member_join") or (state.get("activity") or {}).get("kind") != "measure":
        return
    for before in measure_store.before_commands(session, state):
        ack = execute(session, before)
        if not ack.get("ok"):
            log.warning("live: an answer given before the session was refused (session %s)", session.id)


def _archive(s, session: GroupSession, effects: list[dict]) -> None:
    """Keep each finished activity's final state with the session, in the same transaction."""
    for effect in effects:
        if effect.get("type") == "archive":
            run = effect["run"]
            earlier = s.get(ActivityRun, run["replaces"]) if run.get("replaces") else None
            if earlier is not None and earlier.session_id == session.id:  # a go-around carried on after Back
                earlier.ended_at, earlier.state = run["ended_at"], run["state"]  # kept once, as far as it got
                continue
            s.add(ActivityRun(session_id=session.id, position=run["position"], slug=run["slug"],
                              title=run["title"], kind=run["kind"], planned_minutes=run["planned_minutes"],
                              started_at=run["started_at"], ended_at=run["ended_at"], state=run["state"]))


def snapshot(session: GroupSession, role: str, member_id: str | None = None) -> dict:
    state, version = current_state(session)
    if role == "facilitator":
        return screens.console(session, state, version)
    if role == "display":
        return screens.display(session, state, version)
    shared, mine = participant_parts(session, state, version, [member_id] if member_id else [])
    return {"shared": shared, "mine": {"version": version, **mine.get(member_id or "", {"frame": {}, "activity": None})}}


def system(session: GroupSession, command: dict) -> dict:
    """A command the server issues on its own behalf (a member admitted or removed)."""
    return execute(session, {**command, "actor": {"role": "system", "id": None}})


def refresh(session: GroupSession) -> None:
    """Re-send the current views (the session's settings changed, e.g. a new join code)."""
    state, version = load_state(session.id)
    broadcast(session, state, version, [])
