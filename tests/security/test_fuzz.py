"""Fuzzing: hypothesis-generated input for every Socket.IO event (and the connect handshake) and every
form, then stored-XSS checks on every page (and handout PDF) that shows what people typed.

Inputs: wrong types, huge and deeply nested values, huge numbers, NaN, lone surrogates (valid in
JSON, not in text), invalid UTF-8 (in form bodies and uploads), control and bidi characters, and
HTML/JS/template injection strings. A server error is an exception escaping a handler (the test
clients propagate them), a 5xx answer, an ack saying "Something went wrong", or any ERROR log record
(for instance the live_event guard's "event ... failed"). A stored XSS is injected markup that comes
back unescaped in a page, or that a PDF renderer interpreted (instead of printing it as text) or
tried to fetch.

Figure: "fuzz: N inputs, 0 server errors, 0 stored XSS" (.venv/bin/pytest tests/security/test_fuzz.py -s).
"""
from __future__ import annotations

import io
import logging
import os
import re
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities import engine, frame
from activities.kinds import cards, form, info, measure, pacer, pairs
from activities.kinds import round as round_kind
from core.extensions import db, socketio
from core.models import Facilitator, Group, GroupSession, OneTimeToken, utcnow
from core.security import hash_password, new_token, token_hash
from tests.security.support import set_plan

SCALE = float(os.environ.get("SB_FUZZ_SCALE", "1"))  # e.g. 0.1 for a quick look, 10 for a long night
# The socket and form fuzzers take 1-2 minutes each at SCALE 1 on a busy 2-core machine.
pytestmark = pytest.mark.timeout(int(600 * max(SCALE, 1)))
SOCKET_EXAMPLES = int(6500 * SCALE)
CONNECT_EXAMPLES = int(400 * SCALE)
FORM_EXAMPLES = {k: int(v * SCALE) or 1 for k, v in {
    "login": 350, "setup": 250, "group_create": 300, "group_edit": 300, "session_create": 300, "join_code": 300,
    "name": 350, "agreements": 120, "custom_activity": 450, "upload": 300, "plan": 250}.items()}
COUNTS = {"socket": 0, "connect": 0, "forms": 0, "xss_inputs": 0}
OUTCOMES: Counter[str] = Counter()  # what the socket events came to (to see the fuzz got past validation)
ERRORS: list[str] = []
XSS: list[str] = []
FUZZ = settings(deadline=None, database=None, print_blob=True, suppress_health_check=list(HealthCheck))


def fuzz(examples: int) -> settings:
    return settings(FUZZ, max_examples=examples)


# ---- strategies -----------------------------------------------------------------------------------

INJECTIONS = [
    '<script>alert("sbxss1")</script>',
    '"><img src=x onerror=alert("sbxss2")>',
    "'><svg/onload=alert('sbxss3')>",
    '<iframe src="javascript:alert(\'sbxss4\')"></iframe>',
    '</textarea></title><script>alert("sbxss5")</script>',
    '<a href="javascript:alert(\'sbxss6\')">sbxss6</a>',
    "{{ config }}{{ 7*7 }}{% raw %}sbxss7",
    '<style>@import "http://evil.example/sbxss8.css";</style>',
    '<img src="http://evil.example/sbxss9.png">',
    '<link rel="stylesheet" href="http://evil.example/sbxss10.css">',
    "javascript:alert('sbxss11')",
    "\u202eevil\u202c\u2066sbxss12\u2069",
    "\x00\x07\x1b[31msbxss13\r\nSet-Cookie: sb=1",
    "\ud800sbxss14\udfff",
    "' OR 1=1 -- sbxss15",
    "%00%0d%0a<script>sbxss16</script>",
]
SHORT_INJECTIONS = ['<script>sbx1</script>', '"><img src=x onerror=sbx2>', "'><svg/onload=sbx3>",
                    "{{7*7}}sbx4", '<b>sbx5</b>', "<i onclick=sbx6>x"]
SSTI = re.compile(r"49sbx|<Config ")  # a template expression from input that got evaluated

weird_chars = st.characters(categories=["Cc", "Cf", "Co", "Zl", "Zp", "Mn", "So"])
plain = st.text(max_size=40)
texts = st.one_of(
    plain, plain, plain,
    st.text(alphabet=weird_chars, max_size=20),
    st.sampled_from(INJECTIONS + SHORT_INJECTIONS),
    st.sampled_from(["\ud800", "x\udfffy", "\udbff\udfff", "\udc80" * 3]),  # lone surrogates
    st.integers(0, 12000).map(lambda n: "x" * n),
    st.integers(1, 400).map(lambda n: "\u00e9\U0001f600" * n),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-(2**80), 2**80),
                    st.floats(allow_nan=True, allow_infinity=True), texts)


def nested(depth: int) -> object:
    value: object = "bottom"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


junk = st.one_of(
    st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                 | st.dictionaries(st.one_of(texts, st.just("type")), children, max_size=4), max_leaves=12),
    st.integers(1, 120).map(nested),
    st.binary(max_size=32),
)

COMMAND_TYPES = [*frame.COMMANDS, "plan_next", "plan_back", "plan_go", "plan_stop", "plan_set", "activity"]
ACTIONS = sorted({a for kind in (form, round_kind, pacer, info, pairs, cards, measure) for a in getattr(kind, "HANDLERS", {})})
ARG_NAMES = ["answers", "member", "field", "index", "to", "text", "card", "note", "how", "seed", "items", "result",
             "word", "open", "template", "parts", "keep_wording", "groups", "seconds", "order", "done", "answer",
             "helped", "adjust", "signal", "on"]
FIELD_IDS = ["feeling", "intensity", "need", "secret", "steps", "one_word", "take_with_me", "commitment"]
answer_values = st.one_of(junk, st.integers(-3, 14), texts, st.lists(texts, max_size=6),
                          st.fixed_dictionaries({"word": st.one_of(texts, junk), "family": st.one_of(st.none(), texts)}))
member_ids = st.one_of(st.sampled_from(["p1", "p2", "p3", "p4", "p999", "group", "f1", ""]), junk)
arg_values = {
    "answers": st.one_of(junk, st.dictionaries(st.one_of(st.sampled_from(FIELD_IDS), texts), answer_values,
                                               max_size=6)),
    "member": member_ids, "to": member_ids,
    "index": st.one_of(st.integers(-3, 30), junk), "template": st.one_of(st.integers(-2, 10), junk),
    "seed": st.one_of(st.integers(), junk), "how": st.one_of(st.sampled_from(["random", "by_location", "manual"]), junk),
    "card": st.one_of(st.sampled_from(["c1", "c2", "c3", "c99"]), junk),
    "result": st.one_of(st.sampled_from(["yes", "not_quite"]), junk),
    "answer": st.one_of(st.sampled_from(["helped", "adjust"]), junk),
    "items": st.one_of(st.dictionaries(st.one_of(st.sampled_from(["0", "1", "2", "9"]), texts), junk, max_size=4), junk),
    "field": st.one_of(st.sampled_from(FIELD_IDS), junk),
}
args = st.dictionaries(st.sampled_from(ARG_NAMES), st.one_of(junk, texts), max_size=5).flatmap(
    lambda base: st.fixed_dictionaries({k: arg_values.get(k, st.one_of(junk, texts)) for k in base}))
short_texts = st.one_of(st.text(max_size=40), st.text(max_size=40), st.text(alphabet=weird_chars, max_size=20),
                        st.sampled_from([i for i in INJECTIONS + SHORT_INJECTIONS if "\ud800" not in i]))
keys = st.uuids().map(lambda u: u.hex)
# Arguments of the right shape, wrong in content: these get past validation to the engines' own rules.
sane_answers = st.dictionaries(
    st.sampled_from(FIELD_IDS), st.one_of(st.integers(-2, 12), short_texts, st.lists(short_texts, max_size=7),
                                          st.fixed_dictionaries({"word": short_texts,
                                                                 "family": st.one_of(st.none(), short_texts)})),
    max_size=6)
sane_values = {
    "answers": sane_answers, "member": st.sampled_from(["p1", "p2", "p3", "p4", "p999", "group"]),
    "to": st.sampled_from(["p1", "p2", "p3", "group", "p999"]), "index": st.integers(-1, 12),
    "template": st.integers(-1, 6), "seed": st.integers(), "how": st.sampled_from(["random", "by_location", "manual"]),
    "card": st.sampled_from(["c1", "c2", "c3", "c4"]), "result": st.sampled_from(["yes", "not_quite", "maybe"]),
    "answer": st.sampled_from(["helped", "adjust"]), "field": st.sampled_from(FIELD_IDS),
    "items": st.dictionaries(st.sampled_from(["0", "1", "2", "9"]), st.booleans(), max_size=4),
    "open": st.booleans(), "done": st.booleans(), "seconds": st.integers(-5, 4000),
    "groups": st.lists(st.lists(st.sampled_from(["p1", "p2", "p3", "p4"]), max_size=3), max_size=3),
    "parts": st.dictionaries(st.sampled_from(["feel", "when", "because", "like"]), short_texts, max_size=4),
}
sane_args = st.lists(st.sampled_from(ARG_NAMES), max_size=4, unique=True).flatmap(
    lambda names: st.fixed_dictionaries({n: sane_values.get(n, st.one_of(short_texts, st.integers(-3, 30),
                                                                          st.booleans())) for n in names}))
# Well-formed envelopes reach the engines (their arguments still fuzzed); junk ones test validation.
activity_command = st.fixed_dictionaries({"type": st.just("activity"), "action": st.sampled_from(ACTIONS),
                                          "args": st.one_of(sane_args, sane_args, sane_args, args)},
                                         optional={"key": keys})
frame_command = st.fixed_dictionaries(
    {"type": st.sampled_from(COMMAND_TYPES)},
    optional={"key": keys, "to": st.sampled_from(["running", "paused", "lobby"]), "text": short_texts,
              "note": short_texts, "member": st.sampled_from(["p1", "p2", "p3", "p999", ""]),
              "signal": st.integers(0, 5), "on": st.booleans(), "index": st.integers(0, 12),
              "action": st.sampled_from(ACTIONS), "args": sane_args})
junky_command = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(COMMAND_TYPES), texts)},
    optional={"key": st.one_of(keys, texts), "to": st.one_of(st.sampled_from(["running", "paused", "lobby"]), texts),
              "text": texts, "note": texts, "member": member_ids, "signal": st.one_of(st.integers(0, 5), junk),
              "on": st.one_of(st.booleans(), junk), "index": st.one_of(st.integers(-2, 20), junk),
              "action": st.one_of(st.sampled_from(ACTIONS), texts), "args": st.one_of(args, junk), "actor": junk,
              "extra": junk})
# about half the commands well-formed for an engine, a quarter for the frame and plan, a quarter junk
command = st.integers(0, 7).flatmap(
    lambda n: activity_command if n < 4 else frame_command if n < 6 else junky_command if n < 7 else junk)
participant_ids = st.one_of(st.integers(), st.integers(-5, 60), junk)
EVENTS = {
    "command": command,  # (junk is one of its branches)
    "sync": st.one_of(st.just({}), junk),
    "presence": st.one_of(st.fixed_dictionaries({"state": st.one_of(st.sampled_from(["here", "away"]), junk)}), junk),
    "admit": st.one_of(st.fixed_dictionaries({"participant": participant_ids}), junk),
    "remove": st.one_of(st.fixed_dictionaries({"participant": participant_ids}), junk),
    "lock": st.one_of(st.fixed_dictionaries({"on": st.one_of(st.booleans(), junk)}), junk),
    "auto_admit": st.one_of(st.fixed_dictionaries({"on": st.one_of(st.booleans(), junk)}), junk),
    "add_in_room": st.one_of(st.fixed_dictionaries({"name": texts}), junk),
    "admit_all": st.one_of(st.just({}), junk),
    "roster": st.one_of(st.just({}), junk),
    "no_such_event": junk,
}
EVENT_WEIGHTS = ["command"] * 12 + ["sync", "presence", "admit", "remove", "lock", "auto_admit", "admit_all",
                                    "roster", "no_such_event"] + ["add_in_room"] * 1
form_value = st.one_of(
    texts.map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.binary(max_size=40),
    st.sampled_from([b"\xff\xfe\xfd", b"\xc3\x28", b"\xed\xa0\x80", b"%", b"\x00", b"1e308", b"-1", b"99999999999999999999"]),
    st.integers(-(2**70), 2**70).map(lambda n: str(n).encode()),
)


# ---- the rooms ------------------------------------------------------------------------------------


CUSTOM_FORM = {
    "title": "Fuzz form", "kind": "form", "category": "reflection", "summary": "Fuzz.", "purpose": "Fuzz.",
    "intro": "Fuzz.", "duration": 10, "steps": [{"minutes": 10, "text": "Fill in."}], "prompts": ["How?"],
    "settings": {"fields": [
        {"id": "feeling", "type": "emotion", "label": "Feeling", "audience": "facilitators"},
        {"id": "intensity", "type": "scale", "label": "How strong", "audience": "facilitators", "distress_alert": True},
        {"id": "need", "type": "short_text", "label": "Need", "audience": "group"},
        {"id": "secret", "type": "long_text", "label": "Only for me", "audience": "private"},
        {"id": "steps", "type": "list", "label": "My steps", "audience": "private"},
    ]},
}
PLAN = ["check-in", "go-around", "paced-breathing", "grounding-5-4-3-2-1", "attachment-patterns",
        "empathic-listening", "compassionate-feedback", "phq-9", "check-out"]


@pytest.fixture
def rooms(app, monkeypatch, caplog, make_facilitator, make_group, make_session, sock, join):
    """A live session (fuzzed over sockets), a quiet one (fuzzed through the join forms), and clients."""
    from core import catalogue
    from core.ratelimit import TokenBucket
    from facilitator import accounts
    from facilitator import custom_activities as custom

    monkeypatch.setattr(TokenBucket, "allow", lambda self, key: True)  # limits are tested elsewhere
    monkeypatch.setattr(accounts, "DUMMY_HASH", hash_password("cheap dummy for tests"))
    caplog.set_level(logging.INFO)
    f = make_facilitator()
    group = make_group(f)
    gs = make_session(group, f, auto_admit=True)
    quiet = make_session(group, f, "Join forms", auto_admit=True)
    with app.app_context():
        slug, _ = custom.create(db.session.get(Group, group.id), CUSTOM_FORM, db.session.get(Facilitator, f.id))
        plan = [slug] + [s for s in PLAN if catalogue.library().get(s).kind in engine.KINDS]
    set_plan(app, gs, plan)
    fac = sock(f.client, gs, "facilitator")
    people = {}
    for name in ("Ana", "Ben"):
        http, p = join(gs, name)
        people[name] = (http, p)
    fac.emit("add_in_room", {"name": "Cy"}, callback=True)
    fac.emit("command", {"type": "set_phase", "to": "running"}, callback=True)
    fac.emit("command", {"type": "plan_go", "index": 0}, callback=True)
    clients = {"fac": fac, "ana": sock(people["Ana"][0], gs, "participant"),
               "ben": sock(people["Ben"][0], gs, "participant"),
               "display": sock(app.test_client(), gs, "display", display=gs.display_token)}
    protected = {p.id for _http, p in people.values()}
    return {"app": app, "f": f, "group": group, "gs": gs, "quiet": quiet, "clients": clients, "people": people,
            "protected": protected, "plan": plan, "caplog": caplog}


def _encodable(data) -> bool:
    """Can a Socket.IO client encode this event at all (nesting within the encoder's recursion limit)?"""
    from socketio import packet

    try:
        packet.Packet(packet.EVENT, data=data).encode()
    except RecursionError:
        return False
    return True


def _record_error(where: str, detail: str) -> None:
    ERRORS.append(f"{where}: {detail}"[:400])


def _error_logs(caplog) -> list[str]:
    return [f"{r.name}: {r.getMessage()[:200]}" for phase in ("setup", "call")
            for r in caplog.get_records(phase) if r.levelno >= logging.ERROR]


# ---- sockets --------------------------------------------------------------------------------------


def test_fuzz_socket_events(rooms):
    clients, protected = rooms["clients"], rooms["protected"]
    mark = len(ERRORS)

    @fuzz(SOCKET_EXAMPLES)
    @given(st.data())
    def one_event(data):
        event = data.draw(st.sampled_from(EVENT_WEIGHTS), label="event")
        payload = data.draw(EVENTS[event], label="payload")
        target = payload.get("participant") if isinstance(payload, dict) and event in ("admit", "remove") else None
        if isinstance(target, int) and target in protected:
            payload = {"participant": target + 10_000}  # keep the fuzzing members in the room
        if event == "command" and isinstance(payload, dict) and payload.get("to") == "ended":
            payload = {**payload, "to": "paused"}  # an ended session refuses everything after: keep it live
        who = data.draw(st.sampled_from(["fac", "fac", "ana", "ben", "display"]), label="who")
        if not _encodable([event, payload]):
            return  # a client could not even send it
        COUNTS["socket"] += 1
        try:
            ack = clients[who].emit(event, payload, callback=True)
        except Exception as exc:  # an exception escaping a handler is a server error
            _record_error(f"socket {event}", f"{type(exc).__name__}: {exc}")
            return
        if event == "no_such_event":
            return
        if not isinstance(ack, dict) or not isinstance(ack.get("ok"), bool):
            _record_error(f"socket {event}", f"ack {ack!r}")
        elif ack.get("error") == "Something went wrong. Please try again.":
            _record_error(f"socket {event}", f"generic failure for {payload!r}")
        else:
            OUTCOMES[{True: "applied", "That request was not valid.": "invalid", "Not allowed.": "not allowed"}.get(
                ack["ok"] or ack.get("error"), "refused by the rules")] += 1
        if COUNTS["socket"] % 200 == 0:
            for c in clients.values():
                c.get_received()

    one_event()
    # absurdly deep nesting, as deep as a client can encode it
    for depth in (300, 600, 800, 950):
        payload = {"type": "activity", "action": "submit", "args": {"answers": nested(depth)}}
        if not _encodable(["command", payload]):
            continue
        COUNTS["socket"] += 1
        try:
            ack = clients["ana"].emit("command", payload, callback=True)
        except Exception as exc:
            _record_error("socket deep nesting", f"depth {depth}: {type(exc).__name__}")
            continue
        if not isinstance(ack, dict) or ack.get("ok") is not False or "went wrong" in ack.get("error", ""):
            _record_error("socket deep nesting", f"depth {depth}: {ack!r}")
    assert all(c.is_connected() for c in clients.values()), "a fuzzing client was cut off"
    ERRORS.extend(_error_logs(rooms["caplog"]))
    assert not ERRORS[mark:], ERRORS[mark:][:10]


def test_fuzz_the_connect_handshake(rooms):
    app, gs = rooms["app"], rooms["gs"]
    mark = len(ERRORS)
    https = {"anonymous": app.test_client(), "facilitator": rooms["f"].client, "participant": rooms["people"]["Ana"][0]}
    # The protocol's CONNECT payload is a JSON object (or nothing). Other shapes are malformed packets that
    # core/packet_guard.py refuses before the app sees them (docs/SECURITY.md, "Malformed packets").
    auth = st.one_of(
        st.none(),
        st.dictionaries(st.one_of(texts, st.sampled_from(["session", "as", "display"])), junk, max_size=4),
        st.fixed_dictionaries({"session": st.one_of(st.just(gs.public_id), texts, junk),
                               "as": st.one_of(st.sampled_from(["facilitator", "participant", "display", "waiting"]),
                                               junk)},
                              optional={"display": st.one_of(st.just(gs.display_token), texts, junk), "extra": junk}),
    )

    @fuzz(CONNECT_EXAMPLES)
    @given(auth, st.sampled_from(sorted(https)))
    def one_connect(payload, who):
        COUNTS["connect"] += 1
        try:
            client = socketio.test_client(app, flask_test_client=https[who], auth=payload)
        except RecursionError:
            return
        except ValueError as exc:
            if "does not support binary" in str(exc):
                return  # a CONNECT packet cannot carry bytes: the client refuses to encode it
            _record_error("connect", f"{type(exc).__name__}: {exc} for {payload!r}")
            return
        except Exception as exc:
            _record_error("connect", f"{type(exc).__name__}: {exc} for {payload!r}")
            return
        if client.is_connected():
            client.disconnect()

    one_connect()
    ERRORS.extend(_error_logs(rooms["caplog"]))
    assert not ERRORS[mark:], ERRORS[mark:][:10]


# ---- forms ----------------------------------------------------------------------------------------


def _post(client, path: str, fields: dict[str, bytes], where: str):
    body = "&".join(f"{quote_from_bytes(k.encode())}={quote_from_bytes(v)}" for k, v in fields.items())
    COUNTS["forms"] += 1
    try:
        r = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    except Exception as exc:
        _record_error(f"form {where} POST {path}", f"{type(exc).__name__}: {exc} for {fields!r}")
        return None
    if r.status_code >= 500:
        _record_error(f"form {where} POST {path}", f"HTTP {r.status_code} for {fields!r}")
    return r


def _fields(names: list[str]):
    return st.fixed_dictionaries({}, optional={n: form_value for n in names}).flatmap(
        lambda d: st.fixed_dictionaries({k: st.just(v) for k, v in d.items()},
                                        optional={"unexpected": form_value}))


ACTIVITY_YAML = ("kind: info\ntitle: Sleep and mood\ncategory: psychoeducation\nsummary: Sleep and mood.\n"
                 "purpose: A simple picture.\nintro: A few minutes.\nduration: 10\nsteps:\n"
                 "  - {minutes: 10, text: Read together}\nprompts:\n  - What helps?\n"
                 "settings:\n  sections:\n    - {heading: The cycle, body: Poor sleep lowers mood.}\n")
OPEN_CLOSE = {"list": ("[", "]"), "map": ("{k: ", "}"), "pair": ("[{k: ", "}]"), "key": ("{? [", "]: v}")}


def deep_yaml(depth: int, style: str) -> str:
    """A well-formed value nested `depth` times (block style: indented mappings, 2 spaces a level)."""
    if style == "block":
        return "\n" + "".join(f"{'  ' * (i + 1)}k{i}:\n" for i in range(depth)) + "  " * (depth + 1) + "x"
    opening, closing = OPEN_CLOSE[style]
    return opening * depth + "x" + closing * depth


def wide_yaml(width: int, style: str) -> str:
    """A well-formed value with `width` entries."""
    if style == "block":
        return "\n" + "".join(f"  - item {i}\n" for i in range(width))
    if style == "map":
        return "{" + ", ".join(f"k{i}: v" for i in range(width)) + "}"
    return "[" + ", ".join(["x"] * width) + "]"


GROUP_FIELDS = ["name", "description", "agreements", "retention_days", "distress_threshold", "crisis_text"]
CUSTOM_FIELDS = ["title", "kind", "category", "summary", "purpose", "intro", "duration", "content_note", "materials",
                 "steps", "prompts", "safety_notes", "debrief", "round_prompt", "round_order", "turn_seconds",
                 "form_fields", "go_around", "pacer_pattern", "pacer_cycles", "info_sections"]
plausible_custom = st.fixed_dictionaries({
    "title": st.sampled_from([b"Rose", b"<script>sbx1</script> title"]),
    "kind": st.sampled_from([b"round", b"form", b"info", b"pacer", b"cards", b"nope"]),
    "category": st.sampled_from([b"reflection", b"frame", b"x"]), "summary": form_value, "purpose": form_value,
    "intro": form_value, "duration": st.sampled_from([b"10", b"0", b"-1", b"x", b"100000000000000000000"]),
    "steps": st.sampled_from([b"2 | Explain | Say it", b"x | y", b""]),
    "prompts": form_value, "round_prompt": form_value, "round_order": st.sampled_from([b"random", b"seating", b"zz"]),
    "turn_seconds": st.sampled_from([b"90", b"5", b"1e9"]),
    "form_fields": st.sampled_from([b"scale | How strong? | facilitators", b"short | Need | group\nlong | Me | private",
                                    b"| | |", b"emotion|" * 50]),
    "pacer_pattern": st.sampled_from([b"in 4, hold 4, out 6", b"in 999", b"out"]),
    "info_sections": st.sampled_from([b"A | B", b"|", b"x" * 40000]),
}, optional={n: form_value for n in ("content_note", "materials", "safety_notes", "debrief", "go_around",
                                     "pacer_cycles")})
# The same activity form with thousands of entries in one box, or brackets nested thousands deep in a text.
many_lines = st.integers(1, 12_000).flatmap(lambda n: st.sampled_from([
    "\n".join(f"{i % 30} | step {i} | say {i}" for i in range(n)), "\n".join(f"scale | Q{i} | group" for i in range(n)),
    "\n".join(f"H{i} | body" for i in range(n)), "\n".join(["x"] * n), ", ".join(["in 4"] * n)]))
nested_text = st.tuples(st.integers(1, 20_000), st.sampled_from(list(OPEN_CLOSE))).map(lambda a: deep_yaml(*a))
wide_custom = st.fixed_dictionaries({
    "title": st.just(b"Wide"), "kind": st.sampled_from([b"round", b"form", b"info", b"pacer"]),
    "category": st.just(b"reflection"), "summary": st.just(b"S"), "purpose": st.just(b"P"), "intro": st.just(b"I"),
    "duration": st.just(b"10"), "steps": st.just(b"2 | Explain"), "prompts": st.just(b"Q?"),
}).flatmap(lambda base: st.tuples(st.sampled_from(["steps", "prompts", "materials", "safety_notes", "debrief",
                                                   "form_fields", "info_sections", "pacer_pattern", "title",
                                                   "purpose", "round_prompt"]),
                                  st.one_of(many_lines, nested_text))
           .map(lambda kv: {**base, kv[0]: kv[1].encode()}))
YAML_BOMB = b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
            b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n" \
            b"e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\ntitle: bomb\nkind: info\n"
# Structurally valid documents, deep or wide, alone or under a field of a valid activity: from the
# shipped files' shape (4 levels, ~200 values) to far past the bounds (20 levels, 5,000 values).
edge_depths = st.sampled_from([4, 10, 19, 20, 21, 600, 6000, 10_000])  # the shipped files, the bound, the attacks
structured_uploads = st.one_of(
    st.tuples(st.one_of(edge_depths, st.integers(1, 40_000)), st.sampled_from(["list", "map", "pair", "key"])).map(lambda a: deep_yaml(*a)),
    st.tuples(st.integers(1, 300), st.just("block")).map(lambda a: deep_yaml(*a)),
    st.tuples(st.one_of(st.sampled_from([200, 4999, 5000, 5001]), st.integers(1, 60_000)),
              st.sampled_from(["list", "map", "block"])).map(lambda a: wide_yaml(*a)),
).flatmap(lambda value: st.sampled_from([value, ACTIVITY_YAML + f"materials: {value}\n",
                                         ACTIVITY_YAML + f"hybrid_notes: {value}\n"])).map(str.encode)
uploads = st.one_of(
    structured_uploads, structured_uploads,
    st.binary(max_size=300),
    texts.map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from([YAML_BOMB, b"!!python/object/apply:os.system ['true']", b"[" * 5000, b"{a: " * 3000,
                     b"title: <script>sbx1</script>\nkind: info\n", b"\xef\xbb\xbf\xff", b"x" * 210_000,
                     b"kind: info\ntitle: T\nsettings: {sections: [{heading: '<b>sbx5</b>', body: x}]}\n"]),
    st.dictionaries(st.sampled_from(["title", "kind", "settings", "steps", "prompts", "slug", "summary"]), junk,
                    max_size=6).map(lambda d: repr(d).encode("utf-8", "surrogatepass")),
)


def _huge_int(raw: bytes) -> bool:
    """Would a form's IntegerField read this as an id beyond the database's integers (32 bits on PostgreSQL)?"""
    try:
        return abs(int(raw.decode("utf-8", "replace"))) >= 2**31
    except ValueError:
        return False


def _setup_token(app) -> str:
    token = new_token()
    with app.app_context():
        db.session.add(OneTimeToken(purpose="setup", token_hash=token_hash(token),
                                    expires_at=utcnow() + timedelta(hours=1)))
        db.session.commit()
    return token


def test_fuzz_every_form(rooms):
    app, f, group, quiet = rooms["app"], rooms["f"], rooms["group"], rooms["quiet"]
    mark = len(ERRORS)
    anonymous = app.test_client()
    joiner = app.test_client()
    assert joiner.get(f"/j/{quiet.join_token}").status_code == 302
    token = {"setup": _setup_token(app)}
    with app.app_context():
        plan_session = db.session.get(GroupSession, rooms["gs"].id)
    targets = {
        "login": (lambda: anonymous, lambda: "/login", _fields(["email", "password", "csrf_token"])),
        "setup": (lambda: anonymous, lambda: f"/setup/{token['setup']}",
                  _fields(["name", "email", "password", "confirm"])),
        "group_create": (lambda: f.client, lambda: "/groups", _fields(GROUP_FIELDS)),
        "group_edit": (lambda: f.client, lambda: f"/groups/{group.id}/edit", _fields(GROUP_FIELDS)),
        "session_create": (lambda: f.client, lambda: f"/groups/{group.id}/sessions",
                           _fields(["title", "starts_at", "video_url", "auto_admit"])),
        "join_code": (lambda: app.test_client(), lambda: "/join", _fields(["code"])),
        "name": (lambda: joiner, lambda: f"/s/{quiet.public_id}/name", _fields(["name"])),
        "custom_activity": (lambda: f.client, lambda: f"/groups/{group.id}/activities/new",
                            st.one_of(_fields(CUSTOM_FIELDS), plausible_custom, wide_custom)),
    }
    def fuzz_form(where, client_of, path_of, strategy):
        @fuzz(FORM_EXAMPLES[where])
        @given(strategy)
        def one_form(fields):
            if ON_POSTGRES and where in ("login", "setup") and "email" in fields:
                # a NUL byte in the email is a known, reported server error on PostgreSQL
                # (see test_nul_bytes_are_not_server_errors)
                fields = {**fields, "email": fields["email"].replace(b"\x00", b"")}
            r = _post(client_of(), path_of(), fields, where)
            if where == "setup" and r is not None and r.status_code == 410:
                token["setup"] = _setup_token(app)  # a valid one was used up: next examples get a fresh link

        one_form()

    for where, (client_of, path_of, strategy) in targets.items():
        fuzz_form(where, client_of, path_of, strategy)

    @fuzz(FORM_EXAMPLES["agreements"])
    @given(_fields(["agree", "csrf_token"]), st.sampled_from([b"Ana", b"<b>sbx5</b>", b"Zoe"]))
    def one_agreement(fields, name):
        c = app.test_client()
        c.get(f"/j/{quiet.join_token}")
        _post(c, f"/s/{quiet.public_id}/name", {"name": name}, "agreements (name step)")
        _post(c, f"/s/{quiet.public_id}/agreements", fields, "agreements")

    one_agreement()

    @fuzz(FORM_EXAMPLES["upload"])
    @given(uploads, st.sampled_from(["a.yaml", "a.yml", "../../etc/passwd", "a\x00.yaml", "\u202eyaml.exe"]))
    def one_upload(raw, filename):
        COUNTS["forms"] += 1
        try:
            r = f.client.post(f"/groups/{group.id}/activities/upload", data={"file": (io.BytesIO(raw), filename)},
                              content_type="multipart/form-data")
        except Exception as exc:
            _record_error("upload", f"{type(exc).__name__}: {exc}")
            return
        answers[r.status_code] += 1
        if r.status_code >= 500:
            _record_error("upload", f"HTTP {r.status_code}")

    answers: Counter[int] = Counter()
    one_upload()
    print(f"\nfuzz: uploads by answer: {dict(answers.most_common())}")

    plan_paths = [f"/sessions/{plan_session.id}/plan/add", f"/sessions/{plan_session.id}/plan/items/1/minutes",
                  f"/sessions/{plan_session.id}/plan/items/1/move", f"/sessions/{plan_session.id}/plan/copy",
                  f"/sessions/{plan_session.id}/plan/templates", f"/sessions/{plan_session.id}/plan/apply-template",
                  f"/sessions/{plan_session.id}/plan/items/99/remove", f"/sessions/{plan_session.id}/plan/items/1/prompt"]

    @fuzz(FORM_EXAMPLES["plan"])
    @given(st.sampled_from(plan_paths), _fields(["slug", "minutes", "direction", "source", "name", "template", "prompt", "action"]))
    def one_plan_form(path, fields):
        # ids beyond the database's integers are a known, reported server error (test_huge_ids_...)
        fields = {k: (b"12345" if k in ("source", "template") and _huge_int(v) else v) for k, v in fields.items()}
        _post(f.client, path, fields, "plan")

    one_plan_form()
    ERRORS.extend(_error_logs(rooms["caplog"]))
    assert not ERRORS[mark:], ERRORS[mark:][:10]


# ---- stored XSS -----------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    """A PDF's text with every run of whitespace removed (line breaks fall anywhere)."""
    from pypdf import PdfReader

    return re.sub(r"\s+", "", " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


class MarkupFinder(HTMLParser):
    """Elements and attributes as a browser would build them: finds markup that came from input."""

    ACTIVE = {"script", "style", "iframe", "svg", "b", "i", "img", "link", "object", "embed"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.open: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> event handler")
            if name in ("href", "src", "action", "formaction") and (value.startswith("javascript:")
                                                                    or "evil.example" in value):
                self.found.append(f"<{tag} {name}={value[:60]}>")
        self.open = tag if tag in self.ACTIVE else None
        if tag in ("iframe", "object", "embed"):
            self.found.append(f"<{tag}> element")

    def handle_data(self, data) -> None:
        if self.open and "sbx" in data:
            self.found.append(f"<{self.open}> element holding injected text {data[:60]!r}")
        self.open = None


def _scan_html(where: str, html: str) -> None:
    finder = MarkupFinder()
    finder.feed(html)
    XSS.extend(f"{where}: {found}" for found in finder.found)
    XSS.extend(f"{where}: evaluated template {m.group(0)!r}" for m in SSTI.finditer(html))
    for injection in INJECTIONS + SHORT_INJECTIONS:
        if any(ch in injection for ch in "<>\"'") and injection in html:
            XSS.append(f"{where}: unescaped {injection!r}")


def test_injected_markup_never_comes_back_unescaped(rooms, monkeypatch, make_session, sock, join):
    """Names, messages, answers, cards, notes, group and session texts and a custom activity, all full of
    injection strings; then every page and handout that shows them."""
    from facilitator import custom_activities as custom
    from handouts import render

    app, f, group = rooms["app"], rooms["f"], rooms["group"]
    mark, xss_mark = len(ERRORS), len(XSS)
    fetched: list[str] = []
    real_fetch = render.StaticFetcher.fetch

    def spy(self, url, *a, **k):
        fetched.append(url)
        return real_fetch(self, url, *a, **k)

    monkeypatch.setattr(render.StaticFetcher, "fetch", spy)
    inject = "\n".join(i for i in INJECTIONS if not re.search("[\ud800-\udfff\x00-\x08\x1b]", i))  # typeable text
    COUNTS["xss_inputs"] += 1
    assert f.client.post(f"/groups/{group.id}/edit", data={
        "name": SHORT_INJECTIONS[1], "description": inject, "agreements": SHORT_INJECTIONS[0] + "\n" + inject,
        "retention_days": 30, "distress_threshold": 8, "crisis_text": SHORT_INJECTIONS[2]}).status_code == 302
    gs = make_session(group, f, SHORT_INJECTIONS[3] + INJECTIONS[0], auto_admit=True)
    with app.app_context():
        slug, row = custom.create(db.session.get(Group, group.id), {
            **CUSTOM_FORM, "title": INJECTIONS[1][:200], "summary": SHORT_INJECTIONS[0], "intro": inject,
            "purpose": inject, "prompts": INJECTIONS[:5], "content_note": INJECTIONS[2],
            "steps": [{"minutes": 3, "text": INJECTIONS[0], "say": INJECTIONS[1]}]}, db.session.get(Facilitator, f.id))
    set_plan(app, gs, [slug, "go-around", "compassionate-feedback", "empathic-listening"])
    fac = sock(f.client, gs, "facilitator")
    members = []
    for name in SHORT_INJECTIONS[:4]:
        http, p = join(gs, name)
        members.append((http, sock(http, gs, "participant"), p))
    fac.emit("add_in_room", {"name": SHORT_INJECTIONS[4]}, callback=True)

    def cmd(sc, **payload):
        COUNTS["xss_inputs"] += 1
        return sc.emit("command", payload, callback=True)

    cmd(fac, type="set_phase", to="running")
    cmd(fac, type="set_message", text=inject[:500])
    cmd(fac, type="plan_go", index=0)
    for i, (_http, sc, _p) in enumerate(members):
        answers = {"feeling": {"word": SHORT_INJECTIONS[i % 4], "family": None}, "intensity": 9,
                   "need": INJECTIONS[i % len(INJECTIONS)], "secret": inject, "steps": INJECTIONS[:4]}
        cmd(sc, type="pause_signal")
        assert cmd(sc, type="activity", action="submit", args={"answers": answers})["ok"]
    cmd(fac, type="plan_go", index=1)
    cmd(fac, type="activity", action="start")
    cmd(fac, type="activity", action="next")
    cmd(fac, type="plan_go", index=2)
    for _http, sc, _p in members:
        cmd(sc, type="activity", action="set_open", args={"open": True})
        cmd(sc, type="activity", action="send", args={"to": "group", "template": 0, "text": INJECTIONS[0]})
    cmd(fac, type="plan_go", index=3)
    cmd(fac, type="activity", action="form_groups", args={"how": "random", "seed": 1})
    cmd(fac, type="activity", action="start_round")
    for _http, sc, _p in members:
        cmd(sc, type="activity", action="reflected", args={"note": INJECTIONS[1]})
        cmd(sc, type="activity", action="checklist", args={"items": {"0": True}, "note": INJECTIONS[2]})
    cmd(fac, type="plan_stop")

    http0 = members[0][0]
    pages = {
        "dashboard": f.client.get("/groups"), "group page": f.client.get(f"/groups/{group.id}"),
        "console": f.client.get(f"/sessions/{gs.id}/console"), "summary": f.client.get(f"/sessions/{gs.id}/summary"),
        "plan page": f.client.get(f"/sessions/{gs.id}/plan"), "audit log": f.client.get(f"/groups/{group.id}/audit"),
        "activity preview": f.client.get(f"/groups/{group.id}/activities/{slug}"),
        "participant live page": http0.get(f"/s/{gs.public_id}"), "help page": http0.get(f"/s/{gs.public_id}/help"),
        "display page": app.test_client().get(f"/display/{gs.display_token}"),
        "handouts index": f.client.get(f"/sessions/{gs.id}/handouts"),
        "summary handout": f.client.get(f"/sessions/{gs.id}/handouts/summary"),
        "take-home": http0.get(f"/s/{gs.public_id}/take-home"),
        "packet": f.client.get(f"/sessions/{gs.id}/handouts/packet"),
        "agreements handout": f.client.get(f"/groups/{group.id}/handouts/agreements"),
        "join sheet": f.client.get(f"/sessions/{gs.id}/join-sheet"),
    }
    joining = app.test_client()
    joining.get(f"/j/{gs.join_token}")
    joining.post(f"/s/{gs.public_id}/name", data={"name": SHORT_INJECTIONS[5]})
    pages["agreements step"] = joining.get(f"/s/{gs.public_id}/agreements")
    # pages after the fuzz: whatever the random input stored must render too
    live = rooms["gs"]
    pages["fuzzed console"] = f.client.get(f"/sessions/{live.id}/console")
    pages["fuzzed summary"] = f.client.get(f"/sessions/{live.id}/summary")
    pages["fuzzed group page"] = f.client.get(f"/groups/{group.id}")
    pages["fuzzed participant page"] = rooms["people"]["Ana"][0].get(f"/s/{live.public_id}")
    for where, r in pages.items():
        if r.status_code >= 500:
            _record_error(f"page {where}", f"HTTP {r.status_code}")
        assert r.status_code == 200, (where, r.status_code)
        _scan_html(where, r.data.decode())

    pdfs = {"summary PDF": f.client.get(f"/sessions/{gs.id}/handouts/summary.pdf"),
            "take-home PDF": http0.get(f"/s/{gs.public_id}/take-home.pdf"),
            "fuzzed summary PDF": f.client.get(f"/sessions/{live.id}/handouts/summary.pdf")}
    for where, r in pdfs.items():
        assert r.status_code == 200, (where, r.status_code)
        text = pdf_text(r.data)
        # markup that was printed as text shows its tags; interpreted markup would lose them
        for marker, literal in (("sbx1", "<script>sbx1</script>"), ("sbxss1", '<script>alert("sbxss1")</script>')):
            if marker in text and re.sub(r"\s+", "", literal) not in text:
                XSS.append(f"{where}: {literal!r} was interpreted, not printed")
    evil = [u for u in fetched if "evil.example" in u]
    XSS.extend(f"PDF renderer fetched {u}" for u in evil)
    assert pdf_text(pdfs["summary PDF"].data).count("sbx") > 0, "the injected text did not reach the PDF"
    ERRORS.extend(_error_logs(rooms["caplog"]))
    assert not XSS[xss_mark:], XSS[xss_mark:][:10]
    assert not ERRORS[mark:], ERRORS[mark:][:10]


def test_lone_surrogates_are_refused_at_the_door(rooms):
    """Found by the fuzzer: JSON may carry a lone surrogate ("\\ud800"), text may not. One stored in an
    answer used to break the summary page and the take-home sheet (500 on encoding); one in the connect
    handshake raised in the handler. Now both are refused as invalid input."""
    app, clients, gs = rooms["app"], rooms["clients"], rooms["gs"]
    clients["fac"].emit("command", {"type": "plan_go", "index": 0}, callback=True)
    ack = clients["ana"].emit("command", {"type": "activity", "action": "submit",
                                          "args": {"answers": {"need": "x\ud800y"}}}, callback=True)
    assert ack == {"ok": False, "error": "That request was not valid."}
    for auth in ({"session": "\ud800", "as": "participant"}, {"session": gs.public_id, "as": "display",
                                                              "display": "\udfff"}):
        assert not socketio.test_client(app, auth=auth).is_connected()
    assert rooms["f"].client.get(f"/sessions/{gs.id}/summary").status_code == 200
    assert rooms["people"]["Ana"][0].get(f"/s/{gs.public_id}/take-home").status_code == 200


def test_the_xss_scanner_is_not_blind():
    found_before = len(XSS)
    for html in ('<p><script>alert("sbx")</script></p>', '<p><img src=x onerror=alert(1)></p>', '<b>sbx5</b>',
                 '<a href="javascript:alert(1)">x</a>', '<p>{{7*7}} became 49sbx4</p>', '<img src="http://evil.example/a">'):
        _scan_html("self-test", html)
    caught = len(XSS) - found_before
    del XSS[found_before:]
    _scan_html("self-test", '<p title="&#34;&gt;&lt;img src=x onerror=sbx2&gt;">&lt;script&gt;sbx1&lt;/script&gt;</p>')
    assert caught >= 6 and len(XSS) == found_before


ON_POSTGRES = bool(os.environ.get("SB_TEST_DATABASE_URL"))


def test_nul_bytes_are_not_server_errors(app, make_facilitator, make_group, make_session):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # count 500s instead of raising the first
    anonymous, failures = app.test_client(), []
    setup = _setup_token(app)  # while no facilitator exists, the setup form stores what it is given
    if anonymous.post(f"/setup/{setup}", data={"name": "A", "email": "a\x00b@example.org", "password": "x" * 12,
                                               "confirm": "x" * 12}).status_code >= 500:
        failures.append("POST /setup/<token> email")
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    if anonymous.post("/login", data={"email": "a\x00b", "password": "x"}).status_code >= 500:
        failures.append("POST /login email")
    for path in ("/j/a%00b", "/display/a%00b", "/s/a%00b", "/s/a%00b/help", "/s/a%00b/take-home", "/invite/a%00b",
                 "/setup/a%00b", f"/s/{gs.public_id}/name?x=%00"):
        if anonymous.get(path).status_code >= 500:
            failures.append(f"GET {path}")
    for auth in ({"session": "a\x00b", "as": "participant"}, {"session": gs.public_id, "as": "display",
                                                              "display": "a\x00b"}):
        try:
            socketio.test_client(app, auth=auth)
        except Exception as exc:  # pragma: no cover - fixed in core/sockets.py
            failures.append(f"connect {auth}: {type(exc).__name__}")
    print(f"\nNUL bytes: {len(failures)} requests answered 500: {failures}")
    assert not failures


HUGE = "99999999999999999999"  # > 2**64


def test_huge_ids_are_not_server_errors(app, make_facilitator, make_group, make_session):
    """Found by the fuzzer. Signed-in facilitators only (login_required comes first), so not reachable
    by anonymous clients; but a 500 and a logged traceback all the same."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # count 500s instead of raising the first
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    failures = []
    for rule in sorted({str(r) for r in app.url_map.iter_rules() if "<int:" in str(r)}):
        path = re.sub(r"<[^>]+>", "x", re.sub(r"<int:\w+>", HUGE, rule))
        for method in ("GET", "POST"):
            if f.client.open(path, method=method).status_code >= 500:
                failures.append(f"{method} {rule}")
    for path, field in (("plan/copy", "source"), ("plan/apply-template", "template")):
        if f.client.post(f"/sessions/{gs.id}/{path}", data={field: HUGE}).status_code >= 500:
            failures.append(f"POST /sessions/<id>/{path} {field}={HUGE}")
    print(f"\nhuge ids: {len(failures)} requests answered 500: {failures}")
    assert not failures


def test_zz_report_fuzz_figure():
    """Runs last: the figure over every fuzz test above."""
    if not COUNTS["socket"] or not COUNTS["forms"]:
        pytest.skip("the figure needs the whole file: .venv/bin/pytest tests/security/test_fuzz.py -s")
    total = COUNTS["socket"] + COUNTS["connect"] + COUNTS["forms"] + COUNTS["xss_inputs"]
    print(f"\nfuzz: {total} inputs ({COUNTS['socket']} socket events, {COUNTS['connect']} connects, "
          f"{COUNTS['forms']} form posts, {COUNTS['xss_inputs']} injection inputs rendered back), "
          f"{len(ERRORS)} server errors, {len(XSS)} stored XSS")
    print(f"fuzz: socket events by outcome: {dict(OUTCOMES.most_common())}")
    assert total >= 10_000 * SCALE
    assert not ERRORS and not XSS
