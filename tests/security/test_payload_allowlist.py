"""Every payload that reaches a participant or the room display, checked against an explicit
allow-list of keys (recursively, per event name, audience and activity kind), plus value checks with
canary words: the session is run through the frame commands and every live activity kind, and
EVERYTHING the participants' and the display's Socket.IO clients receive (events and acks) is checked.

Facilitator-only: airtime and speaking history, answers of facilitators-only and summary fields (the room
sees a summary of the latter, never one answer), the guide (script, safety notes), distress flags and
alerts with their follow-up, pause signals, the roster, members' answers (other than one's own, or group answers the
facilitator shared), private answers (never anyone else's), card senders (unless named), listeners'
notes, pending and returned cards, names on the display while names are off, notes between facilitators
(the back-channel).
"""
from __future__ import annotations

import json
import re

import pytest

from activities import engine
from core.extensions import db
from core.models import Facilitator, Group
from tests.helpers import Parts, whole
from tests.security.support import set_plan

S = "scalar"  # any JSON scalar (str, number, bool, null)


class MapOf:
    """A dict with data-chosen keys (field ids, emotion families) whose values follow `inner`."""

    def __init__(self, inner) -> None:
        self.inner = inner


class AnyOf:
    def __init__(self, *specs) -> None:
        self.specs = specs


# ---- the allow-list ---------------------------------------------------------------------------------

FIELD = dict.fromkeys(("id", "type", "label", "help", "audience", "required", "min_label", "max_label",
                       "max_items", "show_as", "at_home", "who_sees"), S)  # never "distress_alert"
SETTINGS = {
    "round": dict.fromkeys(("order", "turn_seconds", "prompt"), S),
    "form": {"fields": [FIELD], "go_around": S},
    "pacer": {"mode": S, "pattern": [{"label": S, "seconds": S}], "cycles": S,
              "senses": [{"count": S, "prompt": S}], "step_seconds": S},
    "info": {"sections": [{"heading": S, "body": S, "agreements": [S]}], "reflection": [S]},  # item settings
    "pairs": {"exercise": S, "group": S, "roles": [S], "round_minutes": S, "listener_prompts": [S],
              "observer_checklist": [S], "repair_steps": [S], "ask_steps": [S], "scenarios": [S]},
    "cards": {"mode": S, "templates": [S], "anonymity": S, "worked_example": S, "max_chars": S},
    "measure": {"instrument": S},
}
EMOTION = {"id": S, "label": S, "note": S, "words": [S]}


def item_spec(kind: str) -> dict:  # never "guide"
    return {"slug": S, "title": S, "kind": S, "intro": S, "prompts": [S], "content_note": S,
            "settings": SETTINGS[kind], "emotions": [EMOTION]}


ANSWER = AnyOf(S, {"word": S, "family": S}, [S])
# what the room and the group see of a summary (activities/privacy.py): never a point-by-point histogram
SUMMARY = {"answered": S, "families": MapOf(S), "mean": S, "bands": [{"from": S, "to": S, "count": S}],
           "words": [{"word": S, "count": S}], "too_few": S, "held_back": S}
HEADING = {"field": S, "label": S, "type": S}
HELD = dict.fromkeys(("paused", "paused_at", "remaining"), S)  # while the session's pause holds the clock (engine.py)
ROUND_COMMON = {**dict.fromkeys(("kind", "phase", "mode", "prompt", "turn_seconds", "turn_started_at", "deadline"), S),
                **HELD}
PAIRS_COMMON = {**dict.fromkeys(("kind", "exercise", "phase", "round", "round_minutes", "deadline", "paused",
                                 "remaining", "total_rounds"), S), **HELD}
CARDS_COMMON = {**dict.fromkeys(("kind", "mode", "anonymity", "worked_example", "max_chars"), S), "templates": [S]}
PACER = {**dict.fromkeys(("kind", "mode", "running", "started_at", "stopped_at", "cycles", "step", "step_started_at",
                          "step_seconds", "cycle_seconds", "total_seconds", "ends_at"), S), **HELD,
         "pattern": [{"label": S, "seconds": S}], "senses": [{"count": S, "prompt": S}]}
INFO = {"kind": S, "sections": [{"heading": S, "body": S}], "reflection": [S], "current": S}
PERSON = {"id": S, "name": S}
QUESTIONS = {"title": S, "stem": S, "items": [{"id": S, "text": S, "required": S, "options": [{"value": S, "label": S}]}]}
LOOP = {"reflections": S, "yes": S, "not_quite": S, "waiting_for_answer": S, "words": [S]}

PARTICIPANT_ACTIVITY = {
    "form": {"kind": S, "phase": S, "fields": [FIELD], "my_answers": MapOf(ANSWER), "submitted": S,
             "shared": [{**HEADING, "value": ANSWER, "mine": S}],
             "spotlight": {**HEADING, "summary": SUMMARY, "value": ANSWER, "mine": S}},
    "round": {**ROUND_COMMON, **dict.fromkeys(("speaker", "up_next", "my_status", "my_turn", "me",
                                                "hand_raised", "volunteered", "can_pass", "can_come_back_later"), S),
              "hand_on_to": [PERSON], "queue": [S], "queue_more": S},
    "pacer": PACER,
    "info": INFO,
    "pairs": {**PAIRS_COMMON, **dict.fromkeys(("placement", "waiting_note", "my_role", "my_role_does", "mixed_group",
                                                "scenario"), S),
              "group": [{"name": S, "role": S, "me": S}], "prompts": [S], "checklist": [S], "repair_steps": [S],
              "ask_steps": [S], "steps_asked": [S],
              "turns": {"reflector": S, "confirmer": S, "mine": S},
              "steps_done": [S], "loop": LOOP, "my_notes": [S],
              "my_checklist": {"items": MapOf(S), "note": S},
              "observer_notes": [{"round": S, "items": MapOf(S), "note": S}],
              "can": dict.fromkeys(("reflect", "confirm", "checklist", "repair_step", "ask_step", "debrief"), S),
              "my_debrief": {"helped": S, "adjust": S}, "debrief_who_sees": S,
              "shown_debrief": {"answer": S, "question": S, "text": S, "mine": S}},
    "cards": {**CARDS_COMMON, "who_sees": S, "open": S, "can_send_to": [PERSON],
              "sent": [{**dict.fromkeys(("id", "template", "opening", "text", "status", "edited", "original", "note"), S),
                        "to": AnyOf(S, PERSON)}],
              "received": [dict.fromkeys(("id", "template", "opening", "text", "from"), S)],
              "group_cards": [dict.fromkeys(("id", "template", "opening", "text", "from", "mine"), S)],
              "shown": dict.fromkeys(("opening", "text", "to_group", "to_me", "from_me"), S)},
    # only the questions and one's own answers: never a total, band, risk flag or anyone else's answers
    "measure": {"kind": S, "phase": S, **QUESTIONS, "mine": MapOf(S), "submitted": S, "passed": S, "who_sees": S},
}
DISPLAY_ACTIVITY = {
    "form": {"kind": S, "phase": S, "fields": [HEADING], "answered": S, "present": S, "held_back": S,
             "spotlight": {**HEADING, "summary": SUMMARY, "value": ANSWER, "name": S}},
    "round": {**ROUND_COMMON, **dict.fromkeys(("speaker", "up_next", "still_to_speak", "hands_raised"), S)},
    "pacer": PACER,
    "info": INFO,
    "pairs": {**PAIRS_COMMON, "roles": [{"role": S, "does": S}], "repair_steps": [S], "ask_steps": [S], "groups": [[S]],
              **dict.fromkeys(("group_count", "waiting", "loops_total", "understood_total"), S),
              "shown_debrief": {"answer": S, "question": S, "text": S, "name": S}},
    "cards": {**CARDS_COMMON, "counts": dict.fromkeys(("sent", "pending", "released", "returned"), S),
              "shown": dict.fromkeys(("opening", "text", "to", "from"), S)},
    "measure": dict.fromkeys(("kind", "phase", "title", "answered", "present", "held_back"), S),
}
PARTICIPANT_VIEW = {"version": S, "server_time": S, "title": S,
                    "frame": {"phase": S, "message": S, "pause_note": S, "passed": S, "remote": S,
                              "signal": {"acknowledged": S, "note": S}},
                    "activity": "activity"}
# "html": the display's markup, drawn from the rest of this view (core/live/screens.py); value_leaks reads it too.
DISPLAY_VIEW = {"version": S, "server_time": S, "title": S, "html": S,
                "frame": {"phase": S, "message": S, "pause_note": S, "show_names": S, "names": [S], "count": S,
                          "show_join": S},
                "join": {"code": S, "url": S, "qr": S, "locked": S}, "activity": "activity",
                "step": {"number": S, "of": S}, "coming": {"title": S, "last": S}}
STATUS = {"status": S}
# A participant's view comes in two parts (core/live/fanout.py): each part's own keys are checked
# here, and the whole view the phone composes from them against PARTICIPANT_VIEW (participant_views).
PARTS = {"status": S, "ok": S, "error": S, "version": S, "shared": "parts", "mine": "parts"}
MINE = {"version": S, "with_shared": S, "frame": PARTICIPANT_VIEW["frame"], "activity": "parts"}
EVENTS = {
    "participant": {"snapshot": PARTS, "shared": PARTICIPANT_VIEW, "mine": MINE, "status": STATUS,
                    "ack": {**PARTS, "view": PARTICIPANT_VIEW}},
    "display": {"snapshot": {"status": S, "view": DISPLAY_VIEW}, "view": DISPLAY_VIEW, "status": STATUS,
                "ack": {"ok": S, "error": S, "version": S, "status": S, "view": DISPLAY_VIEW}},
}


def participant_views(held: Parts, event: str, payload) -> list[dict]:
    """The whole views a phone draws from this payload (its parts composed), to check them whole."""
    if not isinstance(payload, dict):
        return []
    if "shared" in payload:  # a snapshot, or a sync's answer
        held.feed([{"name": "snapshot", "args": [payload]}])
        return [whole(payload)]
    return held.feed([{"name": event, "args": [payload]}]) if event in ("shared", "mine") else []


def check(value, spec, path: str, audience: str, out: list[str]) -> None:
    """Append to `out` every key (path) in `value` that the allow-list `spec` does not allow."""
    if value is None or spec == "parts":
        return  # an absent sub-object carries nothing; a view's parts are checked composed (participant_views)
    if spec == "activity":  # the running activity: its item and view, by kind and audience
        kind = value.get("view", {}).get("kind") if isinstance(value, dict) else None
        table = PARTICIPANT_ACTIVITY if audience == "participant" else DISPLAY_ACTIVITY
        if kind not in table:
            out.append(f"{path}: activity of unchecked kind {kind!r}")
            return
        check(value, {"item": item_spec(kind), "item_key": S, "view": table[kind]}, path, audience, out)
        return
    if isinstance(spec, AnyOf):
        for option in spec.specs:
            trial: list[str] = []
            check(value, option, path, audience, trial)
            if not trial:
                return
        out.append(f"{path}: matches none of its allowed shapes")
    elif spec == S:
        if isinstance(value, (dict, list)):
            out.append(f"{path}: a structure where a plain value was expected")
    elif isinstance(spec, MapOf):
        if not isinstance(value, dict):
            out.append(f"{path}: not a mapping")
            return
        for key, inner in value.items():
            check(inner, spec.inner, f"{path}.<{key}>", audience, out)
    elif isinstance(spec, list):
        if not isinstance(value, list):
            out.append(f"{path}: not a list")
            return
        for inner in value:
            check(inner, spec[0], f"{path}[]", audience, out)
    elif isinstance(spec, dict):
        if not isinstance(value, dict):
            out.append(f"{path}: not a mapping")
            return
        for key, inner in value.items():
            if key not in spec:
                out.append(f"{path}.{key}")
            else:
                check(inner, spec[key], f"{path}.{key}", audience, out)


# ---- the session ------------------------------------------------------------------------------------

NAMES = {"ana": "Anouk", "ben": "Bertil", "cyd": "Cosima"}  # own devices
IN_ROOM = "Dorian"
CUSTOM_FORM = {
    "title": "Three audiences", "kind": "form", "category": "reflection", "summary": "One answer per audience.",
    "purpose": "Test every audience.", "intro": "Answer what you like.", "duration": 10,
    "steps": [{"minutes": 10, "text": "Fill in the form.", "say": "GUIDESAYCANARY please fill in the form"}],
    "prompts": ["How are you?"], "safety_notes": ["GUIDESAFETYCANARY never show this to the group"],
    "settings": {"fields": [
        {"id": "feeling", "type": "emotion", "label": "Feeling", "audience": "facilitators"},
        {"id": "intensity", "type": "scale", "label": "How strong", "audience": "facilitators", "distress_alert": True},
        {"id": "mood", "type": "emotion", "label": "Mood for the room", "audience": "summary"},
        {"id": "need", "type": "short_text", "label": "Need", "audience": "group"},
        {"id": "secret", "type": "long_text", "label": "Only for me", "audience": "private"},
        {"id": "steps", "type": "list", "label": "My steps", "audience": "private"},
    ]},
}
LIBRARY_PLAN = ["check-in", "go-around", "paced-breathing", "grounding-5-4-3-2-1", "attachment-patterns",
                "empathic-listening", "repair-script", "compassionate-feedback", "appreciations-round", "phq-9",
                "check-out"]


def canary(kind: str, who: str) -> str:
    return f"{kind}CANARY{who}"


@pytest.fixture
def session(app, monkeypatch, make_facilitator, make_group, make_session, sock, join):
    from core import catalogue
    from core.ratelimit import TokenBucket
    from facilitator import custom_activities as custom

    monkeypatch.setattr(TokenBucket, "allow", lambda self, key: True)  # a script clicks faster than people
    f = make_facilitator()
    group = make_group(f)
    gs = make_session(group, f)
    with app.app_context():
        slug, _row = custom.create(db.session.get(Group, group.id), CUSTOM_FORM, db.session.get(Facilitator, f.id))
        library = [s for s in LIBRARY_PLAN if catalogue.library().get(s).kind in engine.KINDS]
    fac = sock(f.client, gs, "facilitator")
    clients, ids = {}, {}
    for key, name in NAMES.items():
        http, p = join(gs, name)
        assert fac.emit("admit", {"participant": p.id}, callback=True)["ok"]
        clients[key], ids[key] = sock(http, gs, "participant"), p.engine_id
    dov = fac.emit("add_in_room", {"name": IN_ROOM}, callback=True)["participant"]
    ids["dov"] = f"p{dov}"
    waiting_http, _ = join(gs, "Wanda")
    clients["waiting"] = sock(waiting_http, gs, "participant")
    other = make_session(group, f, "Another session", auto_admit=True)
    other_http, _ = join(other, "Olek")
    clients["other_session"] = sock(other_http, other, "participant")
    clients["display"] = sock(app.test_client(), gs, "display", display=gs.display_token)
    plan = [slug, *library]
    set_plan(app, gs, plan)
    return {"fac": fac, "clients": clients, "ids": ids, "plan": plan, "gs": gs}


class Recorder:
    """Collects every payload the watched clients receive, and the acks of their own requests."""

    def __init__(self, clients: dict) -> None:
        self.clients = clients
        self.got: dict[str, list[tuple[str, object]]] = {k: [] for k in clients}

    def drain(self) -> None:
        for key, client in self.clients.items():
            for event in client.get_received():
                self.got[key].append((event["name"], event["args"][0] if event["args"] else None))

    def emit(self, key: str, event: str, payload: dict) -> dict:
        ack = self.clients[key].emit(event, payload, callback=True)
        self.got[key].append(("ack", ack))
        self.drain()
        return ack


def run_session(s) -> tuple[Recorder, dict]:
    fac, ids, rec = s["fac"], s["ids"], Recorder(s["clients"])
    kinds_run: dict[str, int] = {}
    followed_up: list[int] = []
    people = list(NAMES)

    def f(type_: str, **args) -> dict:
        ack = fac.emit("command", {"type": type_, **args}, callback=True)
        rec.drain()
        return ack

    def act(who: str, action: str, **args) -> dict:
        if who == "fac":
            return f("activity", action=action, args=args)
        return rec.emit(who, "command", {"type": "activity", "action": action, "args": args})

    def everyone_syncs() -> None:
        for who in [*people, "display", "waiting"]:
            rec.emit(who, "sync", {})

    def facilitator_view() -> dict:
        return fac.emit("sync", {}, callback=True)["view"]

    # the frame
    assert f("set_phase", to="running")["ok"]
    assert f("set_message", text="Welcome, everyone")["ok"]
    for who in people:
        assert rec.emit(who, "command", {"type": "pass"})["ok"]
    assert rec.emit("ana", "command", {"type": "pause_signal"})["ok"]
    signal = facilitator_view()["frame"]["signals"][0]["id"]
    assert f("ack_signal", signal=signal, note=canary("ACKNOTE", "ana"))["ok"]
    assert fac.emit("backchannel", {"text": canary("BACKCHANNEL", "fac")}, callback=True)["ok"]
    rec.drain()
    assert rec.emit("ana", "backchannel", {"text": canary("BACKCHANNEL", "ana")})["ok"] is False
    assert rec.emit("ana", "command", {"type": "backchannel_note", "text": canary("BACKCHANNEL", "ana")})["ok"] is False
    assert canary("BACKCHANNEL", "fac") in json.dumps(facilitator_view()["frame"]["backchannel"])
    assert f("show_names", on=True)["ok"]
    assert f("show_names", on=False)["ok"]
    assert f("set_phase", to="paused", note="A short pause")["ok"]
    assert f("set_phase", to="running")["ok"]
    everyone_syncs()

    for index, _slug in enumerate(s["plan"]):
        assert f("plan_go", index=index)["ok"]
        assert f("set_phase", to="paused")["ok"]  # every view of a held activity goes through the allow-lists too
        everyone_syncs()
        assert f("set_phase", to="running")["ok"]
        kind = facilitator_view()["activity"]["item"]["kind"]
        kinds_run[kind] = kinds_run.get(kind, 0) + 1
        if kind == "form":
            fields = {fl["id"]: fl for fl in facilitator_view()["activity"]["view"]["fields"]}
            for who in [*people, "dov"]:
                answers = {}
                for fid, field in fields.items():
                    tag = {"private": "PRIV", "facilitators": "FACS", "summary": "SUMM",
                           "group": "GRUP"}[field["audience"]]
                    word = canary(tag, who)
                    answers[fid] = {"emotion": {"word": word, "family": None}, "scale": 9 if who == "ana" else 4,
                                    "list": [word], "short_text": word, "long_text": word}[field["type"]]
                if who == "dov":
                    assert act("fac", "submit", member=ids["dov"], answers=answers)["ok"]
                else:
                    assert act(who, "submit", answers=answers)["ok"]
            for fid, field in fields.items():  # a summary only of summary and group fields (privacy.py)
                shown = act("fac", "reveal", field=fid, members=[ids[w] for w in [*people, "dov"]])
                assert shown["ok"] == (field["audience"] in ("summary", "group")), (fid, shown)
                if field["audience"] == "group":
                    assert act("fac", "reveal", field=fid, member=ids["ben"])["ok"]
                    assert f("show_names", on=True)["ok"]
                    assert f("show_names", on=False)["ok"]
                    assert act("fac", "hide")["ok"]
                    assert act("fac", "reveal", field=fid, member=ids["cyd"])["ok"]
                    assert act("fac", "unshare", field=fid, member=ids["cyd"])["ok"]
            # Ana's 9 with her own word (no family: possible distress) raised a private alert; it is followed up
            for alert in [a for a in facilitator_view()["alerts"] if a["followup"] == "new"]:
                refused = rec.emit("ana", "command", {"type": "alert_followup", "alert": alert["id"], "followup": "seen"})
                assert refused["ok"] is False
                assert f("alert_followup", alert=alert["id"], followup="spoke_with_them")["ok"]
                followed_up.append(alert["id"])
            assert act("cyd", "delete_answers")["ok"]
            assert act("fac", "close")["ok"]
        elif kind == "round":
            assert act("fac", "start")["ok"]
            for who in people:
                act(who, "raise_hand")
                act(who, "volunteer")
                act(who, "later")
            for _ in range(6):
                speaker = facilitator_view()["activity"]["view"]["speaker"]
                if speaker is None:
                    break
                who = next((k for k, v in ids.items() if v == speaker["id"] and k != "dov"), "fac")
                act(who, "next")
            act("fac", "finish")
        elif kind == "pacer":
            act("fac", "next_step")
            assert act("fac", "stop")["ok"]
            assert act("fac", "restart")["ok"]
        elif kind == "info":
            assert act("fac", "show_section", index=1)["ok"]
        elif kind == "pairs":
            assert act("fac", "form_groups", how="random", seed=7)["ok"]
            assert act("fac", "start_round")["ok"]
            for rnd in range(2):
                for who in people:
                    act(who, "reflected", note=canary("LISTENNOTE", who))
                    act(who, "checklist", items={"0": True}, note=canary("OBSNOTE", who))
                    act(who, "repair_step", index=0)
                    act(who, "ask_step", index=0)
                for who in people:
                    act(who, "confirm", result="not_quite", word=canary("LOOPWORD", who))
                if rnd == 0:
                    act("fac", "next_round")
            assert act("fac", "call_back")["ok"]
            for who in people:
                assert act(who, "debrief", helped=canary("DEBRIEF", who), adjust="less talking")["ok"]
            assert act("fac", "show_debrief", member=ids["ben"], answer="helped")["ok"]
            assert f("show_names", on=True)["ok"]
            assert f("show_names", on=False)["ok"]
            assert act("fac", "hide_debrief")["ok"]
        elif kind == "cards":
            for who in people:
                act(who, "set_open", open=True)
            act("ben", "set_open", open=False)
            assert act("ana", "send", to=ids["cyd"], template=0, text=canary("CARDRELEASED", "ana"))["ok"]
            assert act("ana", "send", to="group", template=0, text=canary("CARDGROUP", "ana"))["ok"]
            assert act("cyd", "send", to=ids["ana"], template=0, text=canary("CARDRETURNED", "cyd"))["ok"]
            assert act("cyd", "send", to="group", template=0, text=canary("CARDPENDING", "cyd"))["ok"]
            queue = {c["text"]: c["id"] for c in facilitator_view()["activity"]["view"]["queue"]}
            assert act("fac", "release", card=queue[canary("CARDRELEASED", "ana")])["ok"]
            assert act("fac", "release", card=queue[canary("CARDGROUP", "ana")])["ok"]
            assert act("fac", "return_card", card=queue[canary("CARDRETURNED", "cyd")],
                       note=canary("RETURNNOTE", "cyd"))["ok"]
            assert act("fac", "show", card=queue[canary("CARDGROUP", "ana")])["ok"]
            assert f("show_names", on=True)["ok"]
            assert f("show_names", on=False)["ok"]
            assert act("fac", "hide")["ok"]
        elif kind == "measure":
            items = facilitator_view()["activity"]["view"]["instrument"]["items"]
            answers = {it["id"]: it["options"][-1]["value"] for it in items}  # item 9 included: a risk alert
            assert act("ana", "submit", answers=answers)["ok"]
            assert act("ben", "submit", answers={it["id"]: it["options"][0]["value"] for it in items})["ok"]
            assert act("cyd", "pass")["ok"]
            assert act("fac", "submit", member=ids["dov"], answers=answers)["ok"]
            assert rec.emit("ana", "command", {"type": "activity", "action": "submit",
                                               "args": {"member": ids["ben"], "answers": answers}})["ok"] is False
            for alert in [a for a in facilitator_view()["alerts"] if a["followup"] == "new"]:
                assert f("alert_followup", alert=alert["id"], followup="spoke_with_them")["ok"]
                followed_up.append(alert["id"])
            assert act("fac", "close")["ok"]
        if index == 0:  # a note while an activity runs: every view after it would carry it if it leaked
            assert fac.emit("backchannel", {"text": canary("BACKCHANNEL", "run")}, callback=True)["ok"]
            rec.drain()
        everyone_syncs()
    assert f("plan_stop")["ok"]
    everyone_syncs()
    assert followed_up, "no check-in alert was raised and followed up"
    return rec, kinds_run


# ---- value rules: who may ever see which canary ----------------------------------------------------

FACILITATORS_ONLY = ("BACKCHANNEL",)  # no participant and no display, ever
OWN_ONLY = ("PRIV", "FACS", "SUMM", "ACKNOTE", "LISTENNOTE", "CARDRETURNED", "CARDPENDING", "RETURNNOTE")
NEVER_ON_DISPLAY = (*OWN_ONLY, "OBSNOTE", "LOOPWORD")
CANARY = re.compile(r"([A-Z]+)CANARY([a-z]+)")


def value_leaks(audience_key: str, payload_text: str, show_names: bool) -> list[str]:
    leaks = []
    for tag, who in CANARY.findall(payload_text):
        if tag in ("GUIDESAY", "GUIDESAFETY"):
            leaks.append(f"facilitator guide text ({tag})")
        elif tag in FACILITATORS_ONLY:
            leaks.append(f"{tag} of {who} (facilitators only) to {audience_key}")
        elif audience_key == "display" and tag in NEVER_ON_DISPLAY:
            leaks.append(f"{tag} of {who} on the display")
        elif audience_key in ("waiting", "other_session"):
            leaks.append(f"{tag} of {who} to the {audience_key} participant")
        elif tag in OWN_ONLY and who != audience_key and audience_key != "display":
            leaks.append(f"{tag} of {who} to {audience_key}")
    if "spoke_with_them" in payload_text or "followup" in payload_text:  # alerts' follow-up: facilitators only
        leaks.append("an alert's follow-up")
    if "Let's start the way we always do" in payload_text:  # check-in guide script
        leaks.append("check-in guide script")
    if audience_key == "display" and not show_names:
        leaks += [f"name {n} on the display with names off" for n in [*NAMES.values(), IN_ROOM]
                  if n in payload_text]
    if audience_key in ("waiting", "other_session"):
        leaks += [f"name {n} to the {audience_key} participant" for n in [*NAMES.values(), IN_ROOM]
                  if n in payload_text]
    return leaks


def test_no_facilitator_only_field_reaches_participants_or_the_display(session):
    rec, kinds_run = run_session(session)
    rec.drain()
    checked, leaks = 0, []
    by_audience = {"display": "display"}
    parts = {key: Parts() for key in rec.got}
    for key, payloads in rec.got.items():
        audience = by_audience.get(key, "participant")
        show_names = False
        for event, payload in payloads:
            checked += 1
            spec = EVENTS[audience].get(event)
            if spec is None:
                leaks.append(f"{key}: event {event!r} is not for this audience")
                continue
            found: list[str] = []
            check(payload, spec, event, audience, found)
            if audience == "participant":
                for whole_view in participant_views(parts[key], event, payload):
                    check(whole_view, PARTICIPANT_VIEW, f"{event} (composed)", audience, found)
            view = (payload or {}).get("view") if event in ("snapshot", "ack") else payload
            if isinstance(view, dict) and isinstance(view.get("frame"), dict):
                show_names = bool(view["frame"].get("show_names"))
            found += value_leaks(key, json.dumps(payload, ensure_ascii=False), show_names)
            leaks += [f"{key}: {leak}" for leak in found]
    assert not [key for key, held in parts.items() if held.pending], "a personal part waited for a shared part"
    # The rules are not vacuous: what each person may see did reach them.
    seen = {key: json.dumps(payloads, ensure_ascii=False) for key, payloads in rec.got.items()}
    expected_sightings = {
        "ana": [canary("PRIV", "ana"), canary("FACS", "ana"), canary("ACKNOTE", "ana"), canary("GRUP", "ben")],
        "cyd": [canary("CARDRELEASED", "ana"), canary("RETURNNOTE", "cyd"), canary("CARDPENDING", "cyd")],
        "ben": [canary("CARDGROUP", "ana"), canary("DEBRIEF", "ben")],
        "display": [canary("GRUP", "ben"), canary("DEBRIEF", "ben"), canary("CARDGROUP", "ana"), "Bertil"],
    }
    missing = [(key, word) for key, words in expected_sightings.items() for word in words if word not in seen[key]]
    assert not missing, missing
    assert any(canary("LOOPWORD", who) in seen[k] for who in NAMES for k in NAMES), "the pairs loop never ran"
    waiting = rec.got["waiting"]
    assert all(p in ({"status": "waiting"}, {"ok": True, "status": "waiting"}) for _e, p in waiting), waiting[:3]
    assert not rec.got["other_session"] or all(e == "snapshot" for e, _ in rec.got["other_session"])
    expected = set(engine.KINDS)
    print(f"\npayload allow-list: kinds run {dict(sorted(kinds_run.items()))}; "
          f"{len(leaks)} facilitator-only fields leaked in {checked} payloads")
    assert set(kinds_run) == expected, f"not every live kind was run: {expected - set(kinds_run)}"
    assert not leaks, leaks[:20]
    assert checked > 300


def test_the_checker_catches_leaks():
    """The allow-list is not vacuous: facilitator-only fields, names and canaries are reported."""
    found: list[str] = []
    view = {"version": 1, "server_time": 0, "title": "t",
            "frame": {"phase": "running", "message": "", "pause_note": "", "passed": False, "signal": None,
                      "signals": []},
            "activity": {"item": {"slug": "x", "title": "x", "kind": "round", "intro": "", "prompts": [],
                                  "content_note": "", "settings": {"order": "seating", "turn_seconds": 60,
                                                                   "prompt": "p"}, "emotions": [],
                                  "guide": {"steps": []}},
                         "view": {"kind": "round", "airtime": {"p1": 3.0}}}}
    check(view, PARTICIPANT_VIEW, "view", "participant", found)
    assert found == ["view.frame.signals", "view.activity.item.guide", "view.activity.view.airtime"]
    assert value_leaks("ben", canary("PRIV", "ana"), False) == ["PRIV of ana to ben"]
    assert value_leaks("ana", canary("PRIV", "ana"), False) == []
    assert value_leaks("ana", canary("BACKCHANNEL", "fac"), False) == ["BACKCHANNEL of fac (facilitators only) to ana"]
    assert value_leaks("display", canary("BACKCHANNEL", "run"), True)
    found = []
    check({"phase": "running", "backchannel": []}, DISPLAY_VIEW["frame"], "frame", "display", found)
    assert found == ["frame.backchannel"]
    assert value_leaks("display", "Anouk", False) and not value_leaks("display", "Anouk", True)
    assert value_leaks("ana", '{"followup": "spoke_with_them"}', False) == ["an alert's follow-up"]
    found = []
    check({"version": 1, "alerts": [{"id": 1, "followup": "seen"}]}, PARTICIPANT_VIEW, "view", "participant", found)
    assert found == ["view.alerts"]
