"""The console's "Now" panel is drawn on the server (core/live/screens.py, core/templates/live/console/)
from the facilitator view. Every library activity of a kind the server draws runs through its engine
with members on phones and in the room, and the panel is drawn after each step: it renders, names every
control for screen readers, sends only actions the engine knows, and uses no inline style."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from activities import engine, plan
from activities.engine import Rejected
from activities.library import load_library
from core import catalogue
from core.live import screens
from tests.helpers import events

F = {"role": "facilitator", "id": "f1"}
LIBRARY = load_library()
PRESSED: dict[str, set[str]] = {}  # which actions the walk reached, per kind (and per activity)
ENDS = {"finish", "call_back", "stop", "next_round", "start_round"}  # pressed once the rest have been
SLUGS = [a.slug for a in LIBRARY.all() if a.kind in screens.CONSOLE_KINDS]
PEOPLE = [{"id": "p1", "name": "Ana", "in_room": False}, {"id": "p2", "name": "Ben <b>", "in_room": True},
          {"id": "p3", "name": "Cy", "in_room": True}, {"id": "p4", "name": "Dee", "in_room": False},
          {"id": "p5", "name": "Eli", "in_room": False}]


class Controls(HTMLParser):
    """Every button and form of the panel, with its data attributes; a form's named controls with what a
    facilitator would send from them (text fields typed into, the first choice of a menu)."""

    def __init__(self) -> None:
        super().__init__()
        self.buttons: list[dict] = []
        self.forms: list[dict] = []
        self.ids: list[str] = []
        self._select: dict | None = None
        self._textarea: dict | None = None

    def _set(self, control: dict, value) -> None:
        if not self.forms or "name" not in control:
            return
        if control.get("data-as") == "int":
            value = int(value)
        elif isinstance(value, str) and not value.strip():
            value = "a kind word"  # what the facilitator types
        at = self.forms[-1].setdefault("fields", {})
        *path, last = control["name"].split(".")
        for key in path:
            at = at.setdefault(key, {})
        at[last] = value

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "button":
            self.buttons.append(a)
        elif tag == "form":
            self.forms.append(a)
        elif tag == "input":
            self._set(a, "checked" in a if a.get("type") == "checkbox" else a.get("value", ""))
        elif tag == "select":
            self._select = a
        if tag == "option" and "data-act" in a:  # a menu of commands (Move, Place, Pair with)
            self.buttons.append(a)
        if tag == "option" and self._select is not None:
            if self._select.get("chosen") is None or "selected" in a:  # the first choice, or the one selected
                self._select["chosen"] = a.get("value", "")
                self._set(self._select, self._select["chosen"])
        elif tag == "textarea":
            self._textarea = {**a, "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._set(self._textarea, self._textarea.pop("text"))
            self._textarea = None


def panel(state: dict, activity) -> str:
    view = {"activity": {"item": plan.brief(activity, catalogue.emotions()),
                         "view": engine.facilitator_view(state)}}
    return screens.console_html(view)


def check(html: str) -> Controls:
    assert " style=" not in html
    c = Controls()
    c.feed(html)
    assert len(c.ids) == len(set(c.ids)), "ids are unique"
    for b in c.buttons:
        if "data-args" in b:
            json.loads(b["data-args"])
    assert "Ben <b>" not in html  # a name is text, never markup
    return c


def actions_in(c: Controls) -> list[tuple[str, dict]]:
    found = [(b["data-act"], {**json.loads(b.get("data-args") or "{}"),
                               **({b["data-pick"]: [p["id"] for p in PEOPLE]} if "data-pick" in b else {})})
             for b in c.buttons if "data-act" in b and "disabled" not in b]
    return found + [(f["data-act"], {**json.loads(f.get("data-args") or "{}"), **f.get("fields", {})})
                    for f in c.forms if "data-act" in f]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_step_of_every_activity_draws(app, slug):
    """Press every enabled button the panel offers, a few times over: each is an action the engine
    accepts in that state (the console never offers what would be refused), and each new state draws."""
    activity = LIBRARY[slug]
    state = engine.start(activity, PEOPLE, 0.0, 7, {"distress_families": LIBRARY.distress_families()})
    now = 1.0
    if activity.kind == "form":  # everyone answers first, so that there is something to share
        families = [fam.id for fam in LIBRARY.emotions]
        for i, person in enumerate(PEOPLE):
            answers = {f["id"]: {"emotion": {"word": "calm", "family": families[i % 2]}, "scale": 3 + i,
                                 "short_text": "tired", "long_text": "a long day", "list": ["tea"]}[f["type"]]
                       for f in state["fields"]}
            state, _ = engine.apply(state, {"type": "submit", "actor": {"role": "participant", "id": person["id"]},
                                            "answers": answers}, now)
    pressed = 0
    with app.test_request_context():
        c = check(html_of_last := panel(state, activity))
        for _ in range(40):
            todo = [a for a in actions_in(c) if a[0] not in ("close", "delete_answers", "submit")]
            if not todo:
                break
            # each control once, those that end a stage last; then round and round
            fresh = [a for a in todo if a[0] not in PRESSED.get(slug, set())]
            action, args = (sorted(fresh, key=lambda a: a[0] in ENDS) or todo)[0 if fresh else pressed % len(todo)]
            PRESSED.setdefault(slug, set()).add(action)
            now += 5.0
            try:
                seed = {"seed": 5} if action == "form_groups" else {}  # the server's part (core/catalogue.py)
                state, _ = engine.apply(state, {"type": action, "actor": F, **args, **seed}, now)
            except Rejected as e:  # pragma: no cover - the message says which button lied
                pytest.fail(f"{slug}: the console offered {action} {args}, the engine refused: {e}")
            pressed += 1
            PRESSED.setdefault(activity.kind, set()).add(action)
            c = check(html_of_last := panel(state, activity))
    if activity.kind == "form":
        assert html_of_last.count("answered at <time data-at=") == len(PEOPLE)
    else:
        assert pressed or activity.kind == "info"


def test_a_round_names_each_control_and_moves_people(app):
    activity = LIBRARY["go-around"]
    state = engine.start(activity, PEOPLE, 0.0, 7, {})
    state, _ = engine.apply(state, {"type": "start", "actor": F}, 1.0)
    with app.test_request_context():
        html = panel(state, activity)
    assert "Ben &lt;b&gt;" in html
    c = check(html)
    passing = next(b for b in c.buttons if b.get("id") == "round-pass-speaker")
    assert passing["data-act"] == "pass" and json.loads(passing["data-args"])["member"] in {p["id"] for p in PEOPLE}
    assert passing["data-done"].endswith(" passed.") and passing["data-fallback"] == "round-next"
    assert re.search(r'id="round-pass-speaker"[^>]*>Pass<span class="sr-only"> for [^<]+</span></button>', html)
    down = [b for b in c.buttons if b.get("id", "").startswith("ro-down-")][0]
    first = engine.facilitator_view(state)["order"][0]
    assert json.loads(down["data-args"]) == {"member": first, "step": 1}
    state, _ = engine.apply(state, {"type": "reorder", "actor": F, "member": first, "step": 1}, 2.0)
    assert engine.facilitator_view(state)["order"][1] == first
    assert 'data-tick="turn"' in html and 'data-tick="airtime"' in html


def test_a_form_can_be_filled_in_for_someone_in_the_room(app):
    activity = LIBRARY["check-in"]
    state = engine.start(activity, PEOPLE, 0.0, 7, {"distress_families": LIBRARY.distress_families()})
    with app.test_request_context():
        html = panel(state, activity)
    c = check(html)
    fills = [f for f in c.forms if f.get("data-act") == "submit"]
    assert sorted(json.loads(f["data-args"])["member"] for f in fills) == ["p2", "p3"]  # the two in the room
    assert 'data-field="' in html and 'data-as="int"' in html


def test_the_console_view_carries_the_panel(app, make_facilitator, make_group, make_session, sock, admit_phones):
    from core import live
    from core.extensions import db
    from core.models import GroupSession

    f = make_facilitator()
    gs = make_session(make_group(f), f)
    fac = sock(f.client, gs, "facilitator")
    admit_phones(gs, fac, ("Ana",))
    with app.app_context():
        session = db.session.get(GroupSession, gs.id)
        items = [plan.entry(s, catalogue.resolve(session.group_id, s), 5) for s in ("go-around", "empathic-listening")]
        assert live.system(session, {"type": "plan_set", "items": items})["ok"]
    fac.get_received()
    assert fac.emit("command", {"type": "plan_next"}, callback=True)["ok"]
    view = events(fac, "view")[-1]
    assert '<div id="ca-kind" class="ca-kind ca-kind-round">' in view["html"]
    assert 'class="ca-kind ca-kind-round"' in fac.emit("sync", {}, callback=True)["view"]["html"]
    assert fac.emit("command", {"type": "plan_next"}, callback=True)["ok"]
    assert '<div id="ca-kind" class="ca-kind ca-kind-pairs">' in events(fac, "view")[-1]["html"]
    assert fac.emit("command", {"type": "plan_stop"}, callback=True)["ok"]
    assert events(fac, "view")[-1]["html"] is None  # no activity, no panel


def test_an_answer_sends_the_console_its_own_row_only(app, make_facilitator, make_group, make_session, sock,
                                                     admit_phones):
    """A form's rows (answers, fill-in forms) are slots in the panel's markup; a view sends the rows the
    console does not have yet (core/live/console_rows.py), and a sync sends every row."""
    from core import live
    from core.extensions import db
    from core.models import GroupSession

    f = make_facilitator()
    gs = make_session(make_group(f), f)
    fac = sock(f.client, gs, "facilitator")
    phones = admit_phones(gs, fac, ("Ana", "Ben", "Cy"))
    with app.app_context():
        session = db.session.get(GroupSession, gs.id)
        items = [plan.entry("check-in", catalogue.resolve(session.group_id, "check-in"), 5)]
        assert live.system(session, {"type": "plan_set", "items": items})["ok"]
    assert fac.emit("command", {"type": "plan_next"}, callback=True)["ok"]
    first = events(fac, "view")[-1]
    slots = re.findall(r'<template data-row="([0-9a-f]+)"></template>', first["html"])
    assert len(slots) == 3 and set(slots) <= set(first["rows"])  # one row per member, each sent
    assert "Ana" not in first["html"] and any("Ana" in row for row in first["rows"].values())
    answer = {"feeling": {"word": "calm", "family": None}, "intensity": 3}
    ack = phones["Ben"][0].emit("command", {"type": "activity", "action": "submit", "args": {"answers": answer}},
                                callback=True)
    assert ack["ok"], ack
    view = events(fac, "view")[-1]
    assert len(view["rows"]) == 1 and "Ben" in next(iter(view["rows"].values()))  # only Ben's row changed
    assert "calm" in next(iter(view["rows"].values()))
    now = re.findall(r'data-row="([0-9a-f]+)"', view["html"])
    assert len(now) == 3 and set(now) - set(view["rows"]) <= set(slots)  # the others: rows the console has
    synced = fac.emit("sync", {}, callback=True)["view"]
    assert set(re.findall(r'data-row="([0-9a-f]+)"', synced["html"])) == set(synced["rows"])
    page = f.client.get(f"/sessions/{gs.id}/console").data.decode()  # the first load: rows in place
    assert "data-row=" not in page and 'id="answer-' in page and "calm" in page


def test_the_walk_reached_each_kind_s_controls():
    """The walk above is not shallow: it pressed these, at least, for each kind (run in the same process)."""
    if not {"round", "pairs", "cards", "pacer"} <= set(PRESSED):  # info presses only "show_section"
        pytest.skip("runs after the walk, in the same worker")
    want = {"round": {"start", "next", "pass", "reorder"}, "pairs": {"form_groups", "start_round", "checklist",
            "call_back", "debrief"}, "cards": {"send", "release", "show", "edit", "return_card"},
            "pacer": {"stop", "restart"}}
    assert PRESSED.get("empathic-listening", set()) | PRESSED.get("role-play-rehearsal", set()) >= {"move", "swap"}
    for kind, actions in want.items():
        assert actions <= PRESSED.get(kind, set()), (kind, PRESSED.get(kind))


def test_every_kind_the_engine_has_is_drawn_on_the_server():
    assert screens.CONSOLE_KINDS == set(engine.KINDS)
