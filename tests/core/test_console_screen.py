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
SLUGS = [a.slug for a in LIBRARY.all() if a.kind in screens.CONSOLE_KINDS]
PEOPLE = [{"id": "p1", "name": "Ana", "in_room": False}, {"id": "p2", "name": "Ben <b>", "in_room": True},
          {"id": "p3", "name": "Cy", "in_room": True}]


class Controls(HTMLParser):
    """Every button and form of the panel, with its data attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.buttons: list[dict] = []
        self.forms: list[dict] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "button":
            self.buttons.append(a)
        elif tag == "form":
            self.forms.append(a)


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
    return found + [(f["data-act"], json.loads(f.get("data-args") or "{}")) for f in c.forms if "data-act" in f]


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
        for _ in range(12):
            todo = [a for a in actions_in(c) if a[0] not in ("close", "delete_answers", "submit")]
            if not todo:
                break
            action, args = todo[pressed % len(todo)]
            now += 5.0
            try:
                state, _ = engine.apply(state, {"type": action, "actor": F, **args}, now)
            except Rejected as e:  # pragma: no cover - the message says which button lied
                pytest.fail(f"{slug}: the console offered {action} {args}, the engine refused: {e}")
            pressed += 1
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
    assert re.search(r'<button type="button" id="round-pass-speaker" class="small" data-act="pass" '
                     r'data-args=\'\{"member": "p\d"\}\' data-done="[^"]+ passed\." data-fallback="round-next">Pass'
                     r'<span class="sr-only"> for [^<]+</span></button>', html)
    c = check(html)
    down = [b for b in c.buttons if b.get("id", "").startswith("ro-down-")][0]
    order = json.loads(down["data-args"])["order"]
    assert sorted(order) == ["p1", "p2", "p3"] and order != engine.facilitator_view(state)["order"]
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
    assert events(fac, "view")[-1]["html"] is None  # pairs: drawn by the page for now
