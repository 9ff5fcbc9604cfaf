"""Info engine: a psychoeducation card whose highlighted section the facilitator moves along.

State (``kind: "info"``)::

    sections    [{heading, body}] from InfoSettings
    reflection  optional questions to think about
    current     index of the section the display and participants highlight
    members     {id: {name, in_room, present}}
"""
from __future__ import annotations

from typing import Any

from activities.kinds import (
    Command,
    Effect,
    KindEngine,
    Options,
    State,
    Summary,
    View,
    dispatch,
    handle_join,
    handle_leave,
    int_arg,
    require_facilitator,
)
from activities.kinds.shared_records import erase_name_only, fact, no_record, summary_of
from activities.schema import InfoSettings


def start(settings: InfoSettings, members: dict[str, dict[str, Any]], now: float, seed: int,
          options: Options) -> State:
    return {
        "kind": "info",
        "sections": [{"heading": section.heading, "body": section.body} for section in settings.sections],
        "reflection": list(settings.reflection),
        "current": 0,
        "members": members,
    }


def _show_section(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    state["current"] = int_arg(cmd, "index", 0, len(state["sections"]) - 1, "There is no such section.")


HANDLERS = {
    "show_section": _show_section,
    "member_join": handle_join,
    "member_leave": handle_leave,
}


def apply(state: State, cmd: Command, now: float) -> list[Effect]:
    return dispatch(HANDLERS, state, cmd, now)


def _view(state: State) -> View:
    return {
        "kind": "info",
        "sections": [dict(section) for section in state["sections"]],
        "reflection": list(state["reflection"]),
        "current": state["current"],
    }


def facilitator_view(state: State) -> View:
    return _view(state)


def participant_view(state: State, member_id: str) -> View:
    return _view(state)


def display_view(state: State, show_names: bool) -> View:
    return _view(state)


# ---- the data it owns: only who took part (nobody writes anything on an info card) --------------


def summary(state: State) -> Summary:
    return summary_of("info", facts=[fact("Sections", len(state.get("sections", []))),
                                     fact("Taking part", len(state.get("members", {})))])


ENGINE = KindEngine("info", start, apply, facilitator_view, participant_view, display_view,
                    erase_member=erase_name_only, member_record=no_record, summary=summary)
