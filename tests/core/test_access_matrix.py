"""Every Socket.IO event x every kind of caller: allowed or refused, and nothing leaks into
the target session's rooms when refused."""
import pytest

from core.extensions import db, socketio
from core.models import LiveState, Participant

# (event, payload builder) — the builder gets the target session's context
EVENTS = {
    "sync": lambda t: {},
    "presence": lambda t: {"state": "here"},
    "command:set_phase": lambda t: {"type": "set_phase", "to": "running"},
    "command:set_message": lambda t: {"type": "set_message", "text": "intrusion"},
    "command:pass": lambda t: {"type": "pass"},
    "command:pause_signal": lambda t: {"type": "pause_signal"},
    "command:ack_signal": lambda t: {"type": "ack_signal", "signal": 1},
    "command:show_names": lambda t: {"type": "show_names", "on": True},
    "admit": lambda t: {"participant": t["waiting"].id},
    "admit_all": lambda t: {},
    "clear_waiting": lambda t: {},
    "remove": lambda t: {"participant": t["member"].id},
    "lock": lambda t: {"on": True},
    "auto_admit": lambda t: {"on": True},
    "add_in_room": lambda t: {"name": "Intruder"},
    "roster": lambda t: {},
}

FACILITATOR_ONLY = {"command:set_phase", "command:set_message", "command:ack_signal", "command:show_names",
                    "admit", "admit_all", "clear_waiting", "remove", "lock", "auto_admit", "add_in_room", "roster"}
EVERYONE = {"sync", "presence"}

# Who may do what. Anything not listed is refused.
ALLOWED = {
    "facilitator": FACILITATOR_ONLY | EVERYONE,
    "co_facilitator": FACILITATOR_ONLY | EVERYONE,
    "participant": EVERYONE | {"command:pass", "command:pause_signal"},
    "waiting": EVERYONE,
    "display": EVERYONE,
}
# These callers hold a valid identity for *another* session: they are refused at the target's door, so
# they act from their own session with ids from the target. Their own session may well accept the
# event; what must hold is that the target session is untouched and its rooms hear nothing.
CROSS_SESSION = {"other_facilitator", "other_session_participant"}
CALLERS = ["facilitator", "co_facilitator", "other_facilitator", "participant", "other_session_participant",
           "waiting", "removed", "display", "anonymous"]


@pytest.fixture
def target(app, make_facilitator, make_group, make_session, sock, join):
    owner = make_facilitator()
    group = make_group(owner)
    gs = make_session(group, owner)
    fac = sock(owner.client, gs, "facilitator")
    member_http, member = join(gs, "Mia")
    fac.emit("admit", {"participant": member.id}, callback=True)
    member_sock = sock(member_http, gs, "participant")
    waiting_http, waiting = join(gs, "Wes")
    member_sock.emit("command", {"type": "pause_signal"}, callback=True)
    watchers = {"fac": fac, "member": member_sock, "display": sock(app.test_client(), gs, "display",
                                                                   display=gs.display_token)}
    return {"owner": owner, "group": group, "gs": gs, "member": member, "member_http": member_http,
            "waiting": waiting, "waiting_http": waiting_http, "watchers": watchers}


def caller_socket(who, t, app, make_facilitator, make_group, make_session, sock, join):
    gs = t["gs"]
    if who == "facilitator":
        return sock(t["owner"].client, gs, "facilitator")
    if who == "co_facilitator":
        from core.models import GroupMember

        co = make_facilitator()
        with app.app_context():
            db.session.add(GroupMember(group_id=t["group"].id, facilitator_id=co.id, role="co"))
            db.session.commit()
        return sock(co.client, gs, "facilitator")
    if who == "other_facilitator":
        other = make_facilitator()
        their = make_session(make_group(other, "Other group"), other)
        assert not sock(other.client, gs, "facilitator").is_connected()  # refused at the door
        return sock(other.client, their, "facilitator")  # acting from their own session
    if who == "participant":
        return sock(t["member_http"], gs, "participant")
    if who == "other_session_participant":
        other = make_facilitator()
        their = make_session(make_group(other, "Other group"), other, auto_admit=True)
        http, _p = join(their, "Olaf")
        assert not sock(http, gs, "participant").is_connected()
        return sock(http, their, "participant")
    if who == "waiting":
        return sock(t["waiting_http"], gs, "participant")
    if who == "removed":
        http, p = join(gs, "Rae")
        s = sock(http, gs, "participant")
        with app.app_context():
            db.session.get(Participant, p.id).status = "removed"
            db.session.commit()
        return s
    if who == "display":
        return sock(app.test_client(), gs, "display", display=gs.display_token)
    s = socketio.test_client(app, auth={"session": gs.public_id, "as": "participant"})
    assert not s.is_connected()
    return None


def _state(app, gs):
    with app.app_context():
        row = db.session.get(LiveState, gs.id)
        people = sorted((p.id, p.status) for p in db.session.query(Participant).filter_by(session_id=gs.id))
        return (row.version, row.state) if row else None, people


results = {"attempts": 0, "succeeded": 0}


@pytest.mark.parametrize("event", sorted(EVENTS))
@pytest.mark.parametrize("who", CALLERS)
def test_event_access(app, target, who, event, make_facilitator, make_group, make_session, sock, join):
    sc = caller_socket(who, target, app, make_facilitator, make_group, make_session, sock, join)
    allowed = event in ALLOWED.get(who, set())
    if sc is None:  # anonymous: refused at connect, so nothing can be sent at all
        assert not allowed
        return
    for w in target["watchers"].values():
        w.get_received()
    before = _state(app, target["gs"])
    name, _, ctype = event.partition(":")
    payload = EVENTS[event](target)
    ack = sc.emit(name, payload, callback=True)
    if allowed:
        assert ack.get("ok") is True, ack
        return
    results["attempts"] += 1
    changed = _state(app, target["gs"]) != before
    leaked = {label: [e for e in w.get_received() if e["name"] in ("view", "shared", "mine", "alert", "status", "roster")]
              for label, w in target["watchers"].items()}
    leaked = {k: v for k, v in leaked.items() if v}
    refused = who in CROSS_SESSION or ack.get("ok") is False
    if changed or leaked or not refused:
        results["succeeded"] += 1
    assert refused, ack
    assert not changed, "a refused event changed the target session"
    assert not leaked, f"target rooms received {leaked} after a refused {event} from {who}"


def test_zz_report_escalation_figure():
    """Prints the figure for docs: refused attempts that succeeded (must be 0)."""
    print(f"\nsocket access matrix: {results['succeeded']} of {results['attempts']} refused-role attempts succeeded")
    assert results["succeeded"] == 0
