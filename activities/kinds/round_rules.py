"""Round rules shared by the round commands and views: statuses, who speaks next, turn mechanics.

Who speaks next is derived from the state, never stored (:func:`upcoming`): in "hand" mode the raised
hands in raising order; otherwise the waiting members (volunteers first in "volunteers" mode, least
spoken first in "progressive" mode, seating/shuffled ``order`` breaking ties), then the members who
asked to come back later, in asking order.
"""
from __future__ import annotations

from activities.kinds import Command, Rejected, State, is_present, name_of

WAITING, SPEAKING, DONE, PASSED, LATER, SKIPPED = "waiting", "speaking", "done", "passed", "later", "skipped"
READY, RUNNING, FINISHED = "ready", "running", "finished"
NOT_YET_SPOKEN = (WAITING, LATER, SKIPPED)  # whom the turn may be handed on to


def spoken_seconds(state: State, member: str) -> float:
    return state["history"].get(member, 0.0) + state["airtime"].get(member, 0.0)


def upcoming(state: State) -> list[str]:
    """Who speaks after the current speaker, in order: the queue the next turn is taken from."""
    if state["phase"] == FINISHED:
        return []
    if state["mode"] == "hand":
        return list(state["hands"])
    status = state["status"]
    waiting = [member for member in state["order"] if status[member] == WAITING]
    if state["mode"] == "volunteers":
        ahead = [member for member in state["volunteers"] if status[member] == WAITING]
        waiting = ahead + [member for member in waiting if member not in ahead]
    elif state["mode"] == "progressive":
        waiting.sort(key=lambda member: spoken_seconds(state, member))  # stable: order breaks ties
    come_back = [m for m in state["deferred"] if status[m] == LATER and is_present(state, m)]
    return waiting + come_back


# ---- turns ------------------------------------------------------------------------------------


def drop_from_queues(state: State, member: str) -> None:
    state["hands"] = [m for m in state["hands"] if m != member]
    state["volunteers"] = [m for m in state["volunteers"] if m != member]


def set_status(state: State, member: str, status: str) -> None:
    """Change a member's status; any change also lowers their hand and withdraws volunteering."""
    state["status"][member] = status
    drop_from_queues(state, member)


def begin_turn(state: State, member: str, now: float) -> None:
    set_status(state, member, SPEAKING)
    state["speaker"] = member
    state["turn_started_at"] = now
    state["deadline"] = now + state["turn_seconds"]


def end_turn(state: State, now: float, outcome: str) -> None:
    speaker = state["speaker"]
    if speaker is None:
        return
    state["airtime"][speaker] += max(0.0, now - state["turn_started_at"])
    set_status(state, speaker, outcome)
    state["speaker"] = state["turn_started_at"] = state["deadline"] = None


def advance(state: State, now: float) -> None:
    queue = upcoming(state)
    if queue:
        begin_turn(state, queue[0], now)


# ---- guards -----------------------------------------------------------------------------------

PHASE_REASONS = {
    READY: "The round has not started yet.",
    RUNNING: "The round has already started.",
    FINISHED: "The round has finished.",
}


def require_phase(state: State, *allowed: str) -> None:
    if state["phase"] not in allowed:
        raise Rejected(PHASE_REASONS[state["phase"]])


def status_refusal(state: State, cmd: Command, member: str) -> Rejected:
    yourself = not cmd.actor.is_facilitator and member == cmd.actor.id
    who, has, is_ = ("You", "have", "are") if yourself else (name_of(state, member), "has", "is")
    reasons = {
        WAITING: f"{who} {has} not had a turn yet.",
        SPEAKING: f"{who} {is_} speaking now.",
        DONE: f"{who} {has} already had a turn.",
        PASSED: f"{who} {has} passed.",
        LATER: f"{who} asked to come back later.",
        SKIPPED: f"{who} {has} been skipped.",
    }
    return Rejected(reasons[state["status"][member]])


def possessive(state: State, cmd: Command, member: str) -> str:
    return "Your" if not cmd.actor.is_facilitator else f"{name_of(state, member)}'s"
