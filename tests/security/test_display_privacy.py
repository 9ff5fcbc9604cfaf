"""The room display, for every activity in the library: what it may show of people's answers.

Each library activity runs through its engine with 1, 2 and 4 members answering with distinctive
values, and the facilitator tries every display action the kind has (reveal, show, share, names on and
off, hide, leave, close...). After every step the display view (names on and off) is built and checked
(activities/privacy.py, docs/ENGINE_CONTRACT.md "Audiences and the room display"):

- no answer of a ``private`` or ``facilitators`` field reaches it, in any form (value, summary, count);
- no projected summary or count stands for fewer than MIN_CONTRIBUTORS people;
- no bar or bucket stands for a single person; words only once a facilitator approved them;
- no names while names are off; a debrief answer never with a name.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader

from activities import engine, privacy
from activities.engine import Rejected
from activities.library import load_library

F = {"role": "facilitator", "id": "f1"}
LIBRARY = load_library()
SIZES = (1, 2, 4)
TAGS = {"private": "PRIV", "facilitators": "FACS", "summary": "SUMM", "group": "GRUP"}
NEVER = ("PRIV", "FACS")  # answers of these audiences never reach the display
STEPS: dict[str, int] = {}  # display views checked per kind (the test is not vacuous)
# The display's markup is drawn from its view by these partials (core/live/screens.py): each view is
# drawn too, and the markup checked like the view. Only Jinja's own filters are used, as in the app.
SCREEN = Environment(loader=FileSystemLoader(Path(__file__).parents[2] / "core/templates"), autoescape=True).get_template(
    "live/display/screen.html")


def screen(view: dict, show_names: bool) -> str:
    frame = {"phase": "running", "message": "", "pause_note": "", "show_names": show_names, "names": [],
             "count": 0, "show_join": False}
    item = {"title": "An activity", "intro": "About it"}
    return SCREEN.render(v={"title": "Group", "frame": frame, "join": None, "step": None, "coming": None,
                            "activity": {"item": item, "view": view}}, host="")


def P(member: str) -> dict[str, Any]:
    return {"role": "participant", "id": member}


def members(n: int) -> list[dict[str, Any]]:
    return [{"id": f"p{i}", "name": f"Member{i}Name", "in_room": False} for i in range(1, n + 1)]


def token(audience: str, member: str, field: str) -> str:
    return f"{TAGS[audience]}x{member}x{field}"


class Run:
    """One activity with n members: commands that the engine refuses are simply not applied; after
    every accepted one the display is checked."""

    def __init__(self, slug: str, n: int) -> None:
        self.activity = LIBRARY[slug]
        self.ids = [m["id"] for m in members(n)]
        self.names = [m["name"] for m in members(n)]
        self.state = engine.start(self.activity, members(n), 0.0, 7,
                                  {"distress_families": LIBRARY.distress_families()})
        self.now = 1.0
        self.check()

    def do(self, kind: str, actor: dict[str, Any] = F, **args: Any) -> bool:
        self.now += 1.0
        try:
            self.state, _ = engine.apply(self.state, {"type": kind, "actor": actor, **args}, self.now)
        except Rejected:
            return False
        self.check()
        return True

    def check(self) -> None:
        kind = self.state["kind"]
        for show_names in (False, True):
            view = engine.display_view(self.state, show_names)
            text = json.dumps(view, ensure_ascii=False) + screen(view, show_names)
            problems = [f"{tag} answer on the display" for tag in NEVER if f"{tag}x" in text]
            if not show_names:
                problems += [f"name {name} with names off" for name in self.names if name in text]
            problems += CHECKS.get(kind, lambda s, v: [])(self.state, view)
            assert not problems, (self.activity.slug, len(self.ids), kind, problems, view)
            STEPS[kind] = STEPS.get(kind, 0) + 1


# ---- per-kind checks of a display view --------------------------------------------------------------


def few(count: Any) -> bool:
    """A count the room must not see: one or two people."""
    return isinstance(count, int) and 0 < count < privacy.MIN_CONTRIBUTORS


def check_form(state: dict[str, Any], view: dict[str, Any]) -> list[str]:
    problems = []
    if few(view["answered"]):
        problems.append(f"answered {view['answered']}")
    spot = view["spotlight"]
    if spot is None:
        return problems
    field = next(f for f in state["fields"] if f["id"] == spot["field"])
    if field["audience"] not in privacy.PROJECTABLE:
        problems.append(f"{field['audience']} field {field['id']} on the display")
    if "value" in spot and field["audience"] != "group":
        problems.append(f"one answer of a {field['audience']} field")
    summary = spot.get("summary")
    if summary is None or summary.get("too_few"):
        return problems
    if summary["answered"] < privacy.MIN_CONTRIBUTORS:
        problems.append(f"a summary of {summary['answered']}")
    problems += [f"a feeling bar of {n}" for n in (summary.get("families") or {}).values() if n < privacy.MIN_BUCKET]
    problems += [f"a band of {b['count']}" for b in summary.get("bands") or [] if 0 < b["count"] < privacy.MIN_BUCKET]
    if "histogram" in summary:
        problems.append("a point-by-point histogram")
    if "words" in summary:
        approved = state.get("approved_words", {}).get(field["id"], {})
        answers = {m: a.get(field["id"]) for m, a in state["answers"].items() if state["members"][m]["present"]}
        shown = [m for m, word in approved.items() if answers.get(m) == word]
        if len(shown) < privacy.MIN_CONTRIBUTORS:
            problems.append(f"words of {len(shown)} people")
        allowed = {answers[m].casefold() for m in shown}
        problems += [f"unapproved word {w['word']}" for w in summary["words"] if w["word"].casefold() not in allowed]
    return problems


def check_pairs(state: dict[str, Any], view: dict[str, Any]) -> list[str]:
    problems = []
    shown = view["shown_debrief"]
    if shown is not None:
        answered = sum(1 for m, a in state["debriefs"].items() if state["members"][m]["present"] and a[shown["answer"]])
        if answered < privacy.MIN_CONTRIBUTORS:
            problems.append(f"a debrief answer among {answered}")
        if shown["name"] is not None:
            problems.append("a debrief answer with a name")
    if view["understood_total"] is not None:
        people = {"yes": set(), "not_quite": set()}
        for item in state["loops"]:
            if item["result"] in people:
                people[item["result"]].add(item["confirmed_by"])
        if len(people["yes"] | people["not_quite"]) < privacy.MIN_CONTRIBUTORS:
            problems.append("confirmations of fewer than 3 people")
        problems += [f"{k} from one person" for k, who in people.items() if len(who) == 1]
    return problems


def check_measure(state: dict[str, Any], view: dict[str, Any]) -> list[str]:
    problems = [f"answered {view['answered']}"] if few(view["answered"]) else []
    extra = set(view) - {"kind", "phase", "title", "answered", "present", "held_back"}
    return problems + [f"measure key {k}" for k in sorted(extra)]


def check_cards(state: dict[str, Any], view: dict[str, Any]) -> list[str]:
    shown = view["shown"]
    if shown is None:
        return []
    card = next(c for c in state["cards"] if c["id"] == state["shown"])
    problems = [] if card["status"] == "released" else [f"a {card['status']} card on the display"]
    if shown["from"] is not None and state["anonymity"] != "named":
        problems.append("the writer of a card that is not named")
    return problems


CHECKS: dict[str, Callable[[dict[str, Any], dict[str, Any]], list[str]]] = {
    "form": check_form, "pairs": check_pairs, "measure": check_measure, "cards": check_cards}


# ---- per-kind scripts: members answer, the facilitator tries every display action -----------------------


def form_answers(run: Run, member: str, index: int) -> dict[str, Any]:
    families = [fam.id for fam in LIBRARY.emotions]
    answers: dict[str, Any] = {}
    for field in run.state["fields"]:
        word = token(field["audience"], member, field["id"])
        answers[field["id"]] = {
            "emotion": {"word": word, "family": families[0] if index == 0 else families[1]},
            "scale": 9 if index == 0 else 2 + index % 2,  # one person's 9 among low answers
            "short_text": word, "long_text": word, "list": [word],
        }[field["type"]]
    return answers


def run_form(run: Run) -> None:
    for index, member in enumerate(run.ids):
        assert run.do("submit", P(member), answers=form_answers(run, member, index))
    for field in run.state["fields"]:
        fid, audience = field["id"], field["audience"]
        accepted = run.do("reveal", field=fid, members=list(run.ids))
        if audience not in privacy.PROJECTABLE or len(run.ids) < privacy.MIN_CONTRIBUTORS:
            assert not accepted, (fid, audience, len(run.ids))
        if field.get("show_as") == "words" and accepted:
            run.do("submit", P(run.ids[0]), answers={**run.state["answers"][run.ids[0]], fid: "edited later"})
            run.do("reveal", field=fid, members=run.ids[:2])  # too few ticked: refused
        for member in run.ids:
            shared = run.do("reveal", field=fid, member=member)
            assert shared == (audience == "group"), (fid, audience)
            run.do("hide")
            run.do("unshare", field=fid, member=member)
        run.do("reveal", field=fid, members=list(run.ids))
    if len(run.ids) >= privacy.MIN_CONTRIBUTORS:  # people leave while a summary is on the display
        summary_field = next((f["id"] for f in run.state["fields"] if f["audience"] in privacy.PROJECTABLE), None)
        if summary_field is not None:
            run.do("reveal", field=summary_field, members=list(run.ids))
        for member in run.ids[1:3]:
            run.do("member_leave", member=member)
        run.do("delete_answers", P(run.ids[0]))
    run.do("close")


def run_round(run: Run) -> None:
    run.do("start")
    for member in run.ids:
        run.do("raise_hand", P(member))
        run.do("volunteer", P(member))
    for _ in range(len(run.ids) + 2):
        run.do("next")
    run.do("finish")


def run_pacer(run: Run) -> None:
    run.do("next_step")
    run.do("stop")
    run.do("restart")


def run_info(run: Run) -> None:
    for index in range(len(run.state.get("sections", [])) + 1):
        run.do("show_section", index=index)


def run_pairs(run: Run) -> None:
    run.do("form_groups", how="random", seed=3)
    run.do("start_round")
    for _round in range(3):
        for member in run.ids:
            run.do("reflected", P(member), note=token("facilitators", member, "note"))
            run.do("checklist", P(member), items={"0": True}, note=token("facilitators", member, "obs"))
        for index, member in enumerate(run.ids):
            run.do("confirm", P(member), result="yes" if index else "not_quite",
                   word=None if index else token("facilitators", member, "word"))
        run.do("next_round")
    run.do("call_back")
    for member in run.ids:
        run.do("debrief", P(member), helped=f"helped by {member}", adjust="")
    for member in run.ids:
        run.do("show_debrief", member=member, answer="helped")
    run.do("hide_debrief")
    run.do("show_debrief", member=run.ids[0], answer="helped")
    for member in run.ids[1:3]:
        run.do("member_leave", member=member)


def run_cards(run: Run) -> None:
    for member in run.ids:
        run.do("set_open", P(member), open=True)
    for index, member in enumerate(run.ids):
        to = run.ids[(index + 1) % len(run.ids)] if len(run.ids) > 1 else "group"
        run.do("send", P(member), to=to, template=0, text=token("facilitators", member, "pending"),
               parts={"feel": "calm", "when": "we talk", "like": "more of it"})
        run.do("send", P(member), to="group", template=0, text=f"card from {member}",
               parts={"feel": "glad", "when": "you listen", "like": "this again"})
    cards = list(run.state["cards"])
    for card in cards:
        run.do("show", card=card["id"])  # pending: refused
        if "pending" not in (card["text"] or ""):
            run.do("release", card=card["id"])
            run.do("show", card=card["id"])
    run.do("hide")


def run_measure(run: Run) -> None:
    items = run.state["instrument"]["items"]
    options = run.state["instrument"]["options"]
    for index, member in enumerate(run.ids):
        answers = {item["id"]: (item["options"] or options)[min(index, len(item["options"] or options) - 1)]["value"]
                   for item in items}
        if index == 1:
            run.do("pass", P(member))
        else:
            run.do("submit", P(member), answers=answers, source="phone")
    run.do("close")


SCRIPTS: dict[str, Callable[[Run], None]] = {
    "form": run_form, "round": run_round, "pacer": run_pacer, "info": run_info, "pairs": run_pairs,
    "cards": run_cards, "measure": run_measure}


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("slug", [a.slug for a in LIBRARY.all()])
def test_the_display_shows_no_facilitator_only_answer_and_no_small_summary(slug, n):
    run = Run(slug, n)
    SCRIPTS[run.state["kind"]](run)


def test_every_kind_was_run_and_summaries_did_reach_the_display():
    """Not vacuous: every kind's display was checked, and with 4 people the check-in's summaries, the
    check-out's approved words and a debrief answer did reach the room."""
    STEPS.clear()
    for slug in [a.slug for a in LIBRARY.all()]:
        run = Run(slug, 4)
        SCRIPTS[run.state["kind"]](run)
    assert set(STEPS) == set(engine.KINDS), STEPS

    check_in = Run("check-in", 4)
    for index, member in enumerate(check_in.ids):
        check_in.do("submit", P(member), answers=form_answers(check_in, member, index))
    assert check_in.do("reveal", field="intensity")
    bands = engine.display_view(check_in.state, False)["spotlight"]["summary"]["bands"]
    assert bands == [{"from": 0, "to": 10, "count": 4}] or all(b["count"] != 1 for b in bands)
    assert check_in.do("reveal", field="feeling")
    assert engine.display_view(check_in.state, False)["spotlight"]["summary"]["families"]  # three share one
    check_out = Run("check-out", 4)
    for index, member in enumerate(check_out.ids):
        check_out.do("submit", P(member), answers=form_answers(check_out, member, index))
    assert check_out.do("reveal", field="one_word", members=check_out.ids[:3])
    words = engine.display_view(check_out.state, False)["spotlight"]["summary"]["words"]
    assert sorted(w["word"] for w in words) == sorted(token("group", m, "one_word") for m in check_out.ids[:3])
