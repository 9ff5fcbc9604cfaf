"""Joining by link or code, the consent gate, names, returning on the same device, leaving."""
import pytest

from core.extensions import db
from core.models import GroupSession, Participant
from core.security import token_hash


@pytest.fixture
def gs(make_facilitator, make_group, make_session):
    f = make_facilitator()
    return make_session(make_group(f), f)


def participants():
    db.session.expire_all()
    return db.session.query(Participant).all()


def test_join_by_link_name_and_consent_then_waiting(app, gs):
    c = app.test_client()
    r = c.get(f"/j/{gs.join_token}")
    assert r.status_code == 302 and r.location.endswith(f"/s/{gs.public_id}/name")
    assert gs.join_token not in r.location  # the token appears in one URL only
    c.post(f"/s/{gs.public_id}/name", data={"name": "  Ana  "})
    page = c.get(f"/s/{gs.public_id}/agreements")
    assert b"One voice at a time" in page.data and b"Hello, Ana" in page.data
    assert b"We don&#39;t record, screenshot" in page.data and b"within the limits they explained" in page.data
    assert participants() == []  # no record before consent
    r = c.post(f"/s/{gs.public_id}/agreements", data={"agree": "y"})
    assert r.status_code == 302 and r.location.endswith(f"/s/{gs.public_id}")
    [p] = participants()
    assert p.display_name == "Ana" and p.status == "waiting" and p.consent_at is not None
    cookie = c.get_cookie(f"sbp_{gs.public_id}")
    assert cookie.http_only and cookie.same_site == "Lax" and len(cookie.value) >= 43
    assert p.credential_hash == token_hash(cookie.value)  # stored hashed, never in clear
    assert c.get(f"/s/{gs.public_id}").status_code == 200


def test_consent_is_required(app, gs):
    c = app.test_client()
    c.get(f"/j/{gs.join_token}")
    c.post(f"/s/{gs.public_id}/name", data={"name": "Ana"})
    r = c.post(f"/s/{gs.public_id}/agreements", data={})
    assert r.status_code == 400 and b"tick the box" in r.data
    assert participants() == [] and c.get_cookie(f"sbp_{gs.public_id}") is None


def test_name_and_agreement_pages_need_the_link_or_code_first(app, gs):
    c = app.test_client()
    assert c.get(f"/s/{gs.public_id}/name").status_code == 403
    assert c.post(f"/s/{gs.public_id}/agreements", data={"agree": "y"}).status_code == 403
    assert c.get(f"/s/{gs.public_id}").status_code == 403


@pytest.mark.parametrize("code_as_typed", ["{code}", "{lower}", " {a}-{b} "])
def test_join_by_code_is_forgiving_about_case_and_spacing(app, gs, code_as_typed):
    code = gs.join_code
    typed = code_as_typed.format(code=code, lower=code.lower(), a=code[:3], b=code[3:])
    r = app.test_client().post("/join", data={"code": typed})
    assert r.status_code == 302 and r.location.endswith(f"/s/{gs.public_id}/name")


def test_wrong_code_and_rate_limit(app, gs):
    c = app.test_client()
    r = c.post("/join", data={"code": "ZZZZZZZ"})
    assert r.status_code == 404 and b"does not match" in r.data
    for _ in range(9):
        c.post("/join", data={"code": "ZZZZZZZ"})
    r = c.post("/join", data={"code": gs.join_code})  # even the right code waits now
    assert r.status_code == 429


@pytest.mark.parametrize("name,message", [
    ("", b"choose a name"),
    ("x" * 31, b"30 characters"),
    ("Ana\u202e", b"hidden or control"),
    ("Ana\x00", b"hidden or control"),
    ("Ana\u200b", b"hidden or control"),
])
def test_bad_names_are_refused_with_a_reason(app, gs, name, message):
    c = app.test_client()
    c.get(f"/j/{gs.join_token}")
    r = c.post(f"/s/{gs.public_id}/name", data={"name": name})
    assert r.status_code == 400 and message in r.data


def test_names_are_escaped_everywhere(app, gs, join, make_facilitator):
    evil = "<img src=x onerror=alert(1)>"[:30]
    c, p = join(gs, name=evil)
    page = c.get(f"/s/{gs.public_id}").data
    assert b"<img src=x" not in page and b"&lt;img src=x" in page


def test_locked_and_ended_sessions_refuse_new_people(app, gs):
    with app.app_context():
        db.session.get(GroupSession, gs.id).locked = True
        db.session.commit()
    r = app.test_client().get(f"/j/{gs.join_token}")
    assert r.status_code == 403 and b"closed to new people" in r.data
    with app.app_context():
        s = db.session.get(GroupSession, gs.id)
        s.locked, s.status = False, "ended"
        db.session.commit()
    r = app.test_client().post("/join", data={"code": gs.join_code})
    assert r.status_code == 403 and b"has ended" in r.data


def test_returning_on_the_same_device_is_recognised(app, gs, join):
    c, p = join(gs)
    r = c.get(f"/j/{gs.join_token}")
    assert r.status_code == 302 and r.location.endswith(f"/s/{gs.public_id}")
    assert len(participants()) == 1


def test_leaving_clears_the_device_and_frees_the_seat(app, gs, join):
    c, p = join(gs)
    r = c.post(f"/s/{gs.public_id}/leave")
    assert r.status_code == 200 and b"You have left" in r.data
    assert c.get_cookie(f"sbp_{gs.public_id}") is None
    assert participants()[0].status == "left"
    assert c.get(f"/j/{gs.join_token}").status_code == 302  # may join again as someone new


def test_auto_admit_skips_the_waiting_room(app, make_facilitator, make_group, make_session, join):
    f = make_facilitator()
    gs = make_session(make_group(f), f, auto_admit=True)
    join(gs)
    assert participants()[0].status == "admitted"


def test_unknown_link_is_a_calm_page(app):
    r = app.test_client().get("/j/not-a-real-token")
    assert r.status_code == 404 and b"That link doesn" in r.data
