"""Owner and co-facilitator: who may change the team, retention and the group's existence; a removed
facilitator loses pages and sockets at once; the audit log names people, records reads and exports,
and survives an erased group as a tombstone without content or participants' names."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from core.extensions import db
from core.models import AuditEvent, Facilitator, Group, GroupMember, OneTimeToken, utcnow
from core.retention import purge_expired

NAME_CANARY = "nm-canary-r7"


@pytest.fixture
def team(app, make_facilitator, make_group, make_session):
    """A group with its owner and two co-facilitators; another facilitator with a group of their own."""
    owner = make_facilitator("Olga")
    g = make_group(owner)
    gs = make_session(g, owner)
    co, co2 = make_facilitator("Cora"), make_facilitator("Colin")
    for f in (co, co2):
        db.session.add(GroupMember(group_id=g.id, facilitator_id=f.id, role="co"))
    db.session.commit()
    other = make_facilitator("Otto")
    make_group(other, "Their own group")
    return {"owner": owner, "co": co, "co2": co2, "other": other, "g": g, "gs": gs}


def role(group_id: int, facilitator_id: int) -> str | None:
    db.session.expire_all()
    m = db.session.get(GroupMember, (group_id, facilitator_id))
    return m.role if m else None


def actions(group_id: int) -> list[str]:
    db.session.expire_all()
    return list(db.session.execute(select(AuditEvent.action).where(AuditEvent.group_id == group_id)
                                   .order_by(AuditEvent.id)).scalars())


# -- the access matrix ---------------------------------------------------------------------------------

def _group_exists(t):
    db.session.expire_all()
    return db.session.get(Group, t["g"].id) is not None


def _retention(t):
    db.session.expire_all()
    return db.session.get(Group, t["g"].id).retention_days


ROUTES = {
    # name: (method, url, form data, did it happen?)
    "erase group": ("post", "/groups/{g}/erase", {"confirm": "Tuesday group"}, lambda t: not _group_exists(t)),
    "change retention": ("post", "/groups/{g}/edit",
                         {"name": "Tuesday group", "retention_days": 60, "distress_threshold": 8},
                         lambda t: _retention(t) == 60),
    "invite": ("post", "/groups/{g}/invites", {},
               lambda t: db.session.query(OneTimeToken).filter_by(purpose="invite").count() == 1),
    "remove facilitator": ("post", "/groups/{g}/facilitators/{co2}/remove", {},
                           lambda t: role(t["g"].id, t["co2"].id) is None),
    "transfer ownership": ("post", "/groups/{g}/transfer", {"facilitator": "{co2}"},
                           lambda t: role(t["g"].id, t["co2"].id) == "owner"),
    "audit page": ("get", "/groups/{g}/audit", {}, lambda t: "read_audit" in actions(t["g"].id)),
    "audit CSV": ("get", "/groups/{g}/audit.csv", {}, lambda t: "export_audit" in actions(t["g"].id)),
}
READERS = {"audit page", "audit CSV"}  # the co-facilitators' too


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("who", ["owner", "co_facilitator", "other_facilitator", "anonymous"])
def test_privileged_route_access_matrix(app, team, route, who):
    method, url, data, happened = ROUTES[route]
    ids = {"g": team["g"].id, "co2": team["co2"].id}
    url = url.format(**ids)
    data = {k: v.format(**ids) if isinstance(v, str) else v for k, v in data.items()}
    c = {"owner": team["owner"].client, "co_facilitator": team["co"].client,
         "other_facilitator": team["other"].client, "anonymous": app.test_client()}[who]
    r = c.get(url) if method == "get" else c.post(url, data=data)
    allowed = who == "owner" or (who == "co_facilitator" and route in READERS)
    if allowed:
        assert r.status_code in (200, 302) and "/login" not in (r.location or "")
        assert happened(team)
        return
    if who == "co_facilitator":
        assert r.status_code == 403
    elif who == "other_facilitator":
        assert r.status_code == 404
    else:
        assert r.status_code == 302 and "/login" in r.location
    if _group_exists(team):
        assert not happened(team)
        assert role(team["g"].id, team["owner"].id) == "owner" and _retention(team) == 30


def test_co_facilitator_edits_the_settings_but_not_retention(team):
    c = team["co"].client
    page = c.get(f"/groups/{team['g'].id}").data.decode()
    assert 'name="retention_days" value="30"' in page and 'type="hidden" name="retention_days"' in page
    r = c.post(f"/groups/{team['g'].id}/edit", data={"name": "Renamed by Cora", "retention_days": 30,
                                                      "distress_threshold": 7})
    assert r.status_code == 302
    db.session.expire_all()
    g = db.session.get(Group, team["g"].id)
    assert g.name == "Renamed by Cora" and g.distress_threshold == 7 and g.retention_days == 30
    assert "retention_change" not in actions(g.id)


def test_retention_change_is_audited(team):
    team["owner"].client.post(f"/groups/{team['g'].id}/edit", data={"name": "Tuesday group", "retention_days": 14,
                                                                    "distress_threshold": 8})
    db.session.expire_all()
    e = db.session.execute(select(AuditEvent).where(AuditEvent.action == "retention_change")).scalar_one()
    assert e.target == "30 to 14 days" and e.actor_name == "Olga 1"


def test_pages_show_only_what_the_role_may_do(team):
    g = team["g"].id
    owner_page = team["owner"].client.get(f"/groups/{g}").data.decode()
    co_page = team["co"].client.get(f"/groups/{g}").data.decode()
    owner_only = [f"/groups/{g}/erase", f"/groups/{g}/invites", f"/groups/{g}/transfer",
                  f"/groups/{g}/facilitators/{team['co2'].id}/remove", 'id="retention_days"']
    for marker in owner_only:
        assert marker in owner_page and marker not in co_page
    assert f"/groups/{g}/leave" in co_page and f"/groups/{g}/leave" not in owner_page
    for page in (owner_page, co_page):  # both see the team
        assert "Olga 1" in page and "Cora 2" in page and "Colin 3" in page
    assert f"/groups/{g}/audit" in co_page


# -- the team: exactly one owner, leaving, removal ---------------------------------------------------------

def test_owner_cannot_leave_or_remove_themselves_before_a_transfer(team):
    g, owner = team["g"].id, team["owner"]
    owner.client.post(f"/groups/{g}/leave")
    owner.client.post(f"/groups/{g}/facilitators/{owner.id}/remove")
    assert role(g, owner.id) == "owner"
    page = owner.client.get(f"/groups/{g}").data.decode()
    assert "Hand the ownership to a co-facilitator" in page
    owner.client.post(f"/groups/{g}/transfer", data={"facilitator": team["co"].id})
    assert role(g, team["co"].id) == "owner" and role(g, owner.id) == "co"
    owners = db.session.query(GroupMember).filter_by(group_id=g, role="owner").count()
    assert owners == 1
    assert owner.client.post(f"/groups/{g}/leave").status_code == 302
    assert role(g, owner.id) is None
    assert owner.client.get(f"/groups/{g}").status_code == 404


def test_transfer_only_to_a_member_of_the_group(team):
    g = team["g"].id
    team["owner"].client.post(f"/groups/{g}/transfer", data={"facilitator": team["other"].id})
    team["owner"].client.post(f"/groups/{g}/transfer", data={"facilitator": "not a number"})
    assert role(g, team["owner"].id) == "owner" and role(g, team["other"].id) is None
    assert team["owner"].client.post(f"/groups/{g}/facilitators/{team['other'].id}/remove").status_code == 404


def test_co_facilitator_leaves_and_loses_the_group(team):
    g, co, gs = team["g"].id, team["co"], team["gs"]
    assert co.client.post(f"/groups/{g}/leave").status_code == 302
    for url in (f"/groups/{g}", f"/groups/{g}/audit", f"/sessions/{gs.id}/console"):
        assert co.client.get(url).status_code == 404
    assert "facilitator_leave" in actions(g)


def test_removed_facilitator_is_cut_off_at_once(app, team, sock, make_group, make_session, monkeypatch):
    from core.extensions import socketio

    g, co = team["g"], team["co"]
    told, emit = [], socketio.emit
    monkeypatch.setattr(socketio, "emit", lambda *a, **k: (told.append((a, k.get("to"))), emit(*a, **k))[1])
    elsewhere = make_session(make_group(team["co"], "Cora's own group"), co)  # stays open
    live = sock(co.client, team["gs"], "facilitator")
    own = sock(co.client, elsewhere, "facilitator")
    assert live.is_connected() and own.is_connected()
    assert live.emit("roster", {}, callback=True)["ok"]
    r = team["owner"].client.post(f"/groups/{g.id}/facilitators/{co.id}/remove")
    assert r.status_code == 302
    assert not live.is_connected()  # their console for this group was told (it reloads), then disconnected
    assert [a for a, _to in told if a[0] == "status"] == [("status", {"status": "refused"})]
    assert own.is_connected() and own.emit("roster", {}, callback=True)["ok"]  # their own group is untouched
    assert not sock(co.client, team["gs"], "facilitator").is_connected()  # and cannot come back
    for url in (f"/groups/{g.id}", f"/sessions/{team['gs'].id}/console", f"/groups/{g.id}/audit.csv"):
        assert co.client.get(url).status_code == 404


def test_removed_facilitators_next_event_is_refused_even_before_the_disconnect_lands(app, team, sock, monkeypatch):
    """On another process the disconnect arrives through the queue: until then the socket's next event is
    refused by the server's own check of the connection row and membership."""
    from core.extensions import socketio

    live = sock(team["co"].client, team["gs"], "facilitator")
    monkeypatch.setattr(socketio.server, "disconnect", lambda *a, **k: None)
    team["owner"].client.post(f"/groups/{team['g'].id}/facilitators/{team['co'].id}/remove")
    assert live.is_connected()
    live.get_received()
    ack = live.emit("roster", {}, callback=True)
    assert ack["ok"] is False and "roster" not in ack


def test_removing_a_facilitator_kills_their_unused_invitations(team):
    g = team["g"]
    db.session.add(OneTimeToken(purpose="invite", token_hash="x" * 64, group_id=g.id, created_by=team["co2"].id,
                                expires_at=utcnow() + timedelta(days=1)))
    db.session.commit()
    team["owner"].client.post(f"/groups/{g.id}/facilitators/{team['co2'].id}/remove")
    assert db.session.query(OneTimeToken).filter_by(created_by=team["co2"].id).count() == 0


def test_every_team_change_is_audited_with_names(app, team, make_facilitator):
    g, owner = team["g"].id, team["owner"]
    owner.client.post(f"/groups/{g}/invites")
    link = owner.client.get(f"/groups/{g}").data.decode().split('readonly value="', 1)[1].split('"', 1)[0]
    newcomer = make_facilitator("Nadia")
    newcomer.client.post("/invite/" + link.rsplit("/", 1)[1])
    owner.client.post(f"/groups/{g}/facilitators/{team['co2'].id}/remove")
    owner.client.post(f"/groups/{g}/transfer", data={"facilitator": newcomer.id})
    team["co"].client.post(f"/groups/{g}/leave")
    assert actions(g)[-5:] == ["invite", "facilitator_join", "facilitator_remove", "ownership_transfer",
                               "facilitator_leave"]
    page = newcomer.client.get(f"/groups/{g}/audit").data.decode()
    assert "removed a facilitator" in page and "Colin 3" in page and "handed ownership to" in page
    assert "Nadia 5" in page and "facilitator:" not in page


# -- the audit log reads like a record ---------------------------------------------------------------------

@pytest.fixture
def session_with_ana(app, team, sock, join):
    fac = sock(team["owner"].client, team["gs"], "facilitator")
    http, ana = join(team["gs"], f"Ana {NAME_CANARY}")
    assert fac.emit("admit", {"participant": ana.id}, callback=True) == {"ok": True}
    return {**team, "ana": ana, "fac": fac}


def test_audit_page_names_facilitators_and_participants(app, session_with_ana):
    t = session_with_ana
    page = t["co"].client.get(f"/groups/{t['g'].id}/audit").data.decode()
    assert "Olga 1" in page and f"Ana {NAME_CANARY}" in page and "joined the waiting room" in page
    assert "facilitator:" not in page and "participant:" not in page
    assert "Week 1" in page  # the session, by its title


def test_names_read_right_after_the_account_and_the_participant_are_gone(app, session_with_ana):
    t = session_with_ana
    gs = t["gs"]
    with app.app_context():
        s = db.session.get(type(gs), gs.id)
        s.status, s.ended_at = "ended", utcnow() - timedelta(days=31)
        db.session.commit()
        purge_expired()
    db.session.execute(text("DELETE FROM group_member WHERE facilitator_id = :f"), {"f": t["co2"].id})
    db.session.execute(text("DELETE FROM facilitator WHERE id = :f"), {"f": t["co2"].id})
    db.session.commit()
    assert db.session.get(Facilitator, t["co2"].id) is None
    page = t["owner"].client.get(f"/groups/{t['g'].id}/audit").data.decode()
    assert NAME_CANARY not in page and "a participant (data purged)" in page
    assert "Olga 1" in page


def test_reads_and_exports_are_recorded_and_the_csv_is_safe(app, team):
    g = team["g"].id
    with app.app_context():
        f = db.session.get(Facilitator, team["co"].id)
        f.name = "=HYPERLINK(1)"
        db.session.commit()
    team["co"].client.get(f"/groups/{g}/audit")
    r = team["co"].client.get(f"/groups/{g}/audit.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.data.decode())))
    assert rows[0] == ["when_utc", "who", "what", "about", "session", "action"]
    # newest first (the export records itself); a name that looks like a formula stays text
    assert [r[1:3] for r in rows[1:3]] == [["'=HYPERLINK(1)", "exported the audit log (CSV)"],
                                           ["'=HYPERLINK(1)", "read the audit log"]]
    assert actions(g)[-2:] == ["read_audit", "export_audit"]


# -- the tombstone of an erased group ----------------------------------------------------------------------

def _erase(t):
    r = t["owner"].client.post(f"/groups/{t['g'].id}/erase", data={"confirm": "Tuesday group"})
    assert r.status_code == 302


def test_erasing_a_group_leaves_a_tombstone_without_content_or_names(app, session_with_ana):
    t = session_with_ana
    _erase(t)
    db.session.expire_all()
    tomb = list(db.session.execute(select(AuditEvent).where(AuditEvent.group_id == t["g"].id)
                                   .order_by(AuditEvent.id)).scalars())
    assert [e.action for e in tomb][:1] == ["group_create"] and tomb[-1].action == "erase_group"
    assert {"join", "admit", "session_create"} <= {e.action for e in tomb}
    with db.engine.connect() as conn:
        dump = "\n".join(str(row) for row in conn.execute(text("SELECT * FROM audit_event")))
    assert NAME_CANARY not in dump and "Ana" not in dump and "participant:" not in dump
    assert "Olga 1" in dump  # who did what stays
    assert t["owner"].client.get(f"/groups/{t['g'].id}/audit").status_code == 404


def test_operator_exports_a_tombstone_from_the_command_line(app, session_with_ana, tmp_path):
    t = session_with_ana
    _erase(t)
    out = tmp_path / "audit.csv"
    result = app.test_cli_runner().invoke(args=["audit", "export", "--group", str(t["g"].id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    body = out.read_text()
    assert "erased the group" in body and "a participant" in body and "Olga 1" in body
    assert NAME_CANARY not in body and "Week 1" not in body
    assert actions(t["g"].id)[-1] == "export_audit"
    missing = app.test_cli_runner().invoke(args=["audit", "export", "--group", "999999"])
    assert missing.exit_code == 1 and "no events" in missing.output


def test_tombstones_age_out_with_the_audit_retention(app, session_with_ana):
    t = session_with_ana
    _erase(t)
    db.session.execute(update(AuditEvent).where(AuditEvent.group_id == t["g"].id)
                       .values(at=utcnow() - timedelta(days=400)))
    db.session.commit()
    with app.app_context():
        assert purge_expired()["audit_events"] >= 5
    assert actions(t["g"].id) == []


def test_csv_export_streams_in_pieces_and_loses_nothing(app, session_with_ana):
    from core import audit

    g = session_with_ana["g"].id
    with app.test_request_context():
        pieces = list(audit.csv_chunks(g, chunk=1))
        whole = list(csv.reader(io.StringIO("".join(pieces))))
        expected = audit.rows_for_group(g)
    assert len(pieces) == len(expected) + 1 and len(whole) == len(expected) + 1 and len(expected) >= 4
    assert [r[5] for r in whole[1:]] == [r.action for r in expected]
