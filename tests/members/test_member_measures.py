"""Answering before the session on the member's own page (participant/member_measures.py): the card only
when the next session plans a questionnaire, the instrument in its exact wording, who may open and post,
refused input that stores nothing, a risk answer (crisis text and an alert in the live state), delete,
CSRF, and the result in the facilitators' trends once the session has ended."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from activities import instruments
from core import live, members, trends
from core.clinical_models import MeasureResult
from core.extensions import db
from core.member_models import Member
from core.models import AuditEvent, Facilitator, GroupSession, utcnow

PHQ = {f"q{i}": 1 for i in range(1, 10)}  # total 9, "Mild", item 9 above "Not at all": a risk answer
CALM = {f"q{i}": 0 for i in range(1, 9)} | {"q9": 0, "q10": 0}
GAD = {f"q{i}": 1 for i in range(1, 8)}
FAC = {"role": "facilitator", "id": None}


def next_tuesday() -> datetime:
    now = utcnow()
    days = (1 - now.weekday()) % 7 or 7
    return datetime(now.year, now.month, now.day, 18, 0, tzinfo=UTC) + timedelta(days=days)


@pytest.fixture
def world(app, make_facilitator, make_group, make_member):
    from facilitator import plans
    from facilitator import sessions as ops

    fac = make_facilitator("Noor")
    group = make_group(fac)
    sam = make_member(group, fac, "Sam")

    def session(slugs=("phq-9", "gad-7"), *, of=None, when=None, title="Week 5"):
        with app.app_context():
            gs = ops.create_session(of or group, title, when or next_tuesday(), "", False,
                                    db.session.get(Facilitator, fac.id))
            for slug in slugs:
                plans.add(gs, slug)
            return db.session.get(GroupSession, gs.id)

    return SimpleNamespace(fac=fac, group=group, sam=sam, session=session)


def url(member, gs, instrument="phq-9", tail=""):
    return f"/me/{member.public_id}/sessions/{gs.public_id}/before/{instrument}{tail}"


def stored(app, member_id: int) -> list[MeasureResult]:
    with app.app_context():
        return list(db.session.query(MeasureResult).filter_by(member_id=member_id))


def live_state(app, gs) -> dict:
    with app.app_context():
        return live.load_state(gs.id)[0]


def run(app, gs, command):
    with app.app_context():
        return live.execute(db.session.get(GroupSession, gs.id), command)


# ---- the card ------------------------------------------------------------------------------------


def test_the_card_appears_only_when_the_next_session_plans_a_questionnaire(app, world):
    from facilitator import sessions as ops

    home = f"/me/{world.sam.public_id}"
    assert b"short questionnaire" not in world.sam.client.get(home).data  # no session at all
    world.session(("check-in",), title="Week 4")
    assert b"short questionnaire" not in world.sam.client.get(home).data  # a session, but no questionnaire
    later = world.session(when=next_tuesday() + timedelta(days=7), title="Week 6")
    assert b"short questionnaire" not in world.sam.client.get(home).data  # only the next session counts
    with app.app_context():  # Week 4 is over: Week 6 is the next session now
        week4 = db.session.query(GroupSession).filter_by(title="Week 4").one()
        ops.end(week4, db.session.get(Facilitator, world.fac.id))
    page = world.sam.client.get(home).get_data(as_text=True)
    assert "Before Tuesday&#39;s session: two short questionnaires (about 5 minutes)" in page
    assert "Only the facilitators see your answers. You can skip them." in page
    assert url(world.sam, later, "phq-9") in page and url(world.sam, later, "gad-7") in page
    assert world.sam.client.post(url(world.sam, later), data=CALM).status_code == 303
    assert "Answered" in world.sam.client.get(home).get_data(as_text=True)
    run(app, later, {"type": "set_phase", "to": "ended", "actor": FAC})  # no longer taking answers
    assert b"short questionnaire" not in world.sam.client.get(home).data


# ---- the questionnaire page ------------------------------------------------------------------------


def test_the_page_shows_the_instrument_in_its_exact_wording_with_nothing_preselected(world):
    gs = world.session()
    r = world.sam.client.get(url(world.sam, gs))
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    phq = instruments.instrument("phq-9")
    for text in (phq.name, phq.stem, *(item.text for item in phq.items), *(o.label for o in phq.options)):
        assert str(text) in page.replace("&#39;", "'").replace("&#34;", '"'), text
    assert "Kroenke K, Spitzer RL" in page and "No permission required" in page
    assert "One question asks about thoughts of death or self-harm." in page  # the activity's content note
    assert " checked>" not in page
    assert page.count('type="radio" name="q1"') == 4 and 'name="csrf_token"' in page


def test_saving_keeps_the_answers_says_thank_you_and_shows_them_again(app, world):
    gs = world.session()
    r = world.sam.client.post(url(world.sam, gs), data=CALM)
    assert r.status_code == 303 and r.headers["Location"].endswith(url(world.sam, gs) + "#thanks")
    assert "q1" not in r.headers["Location"]  # nothing of the answers in a URL
    [row] = stored(app, world.sam.id)
    assert (row.source, row.total, row.band, row.risk, row.session_id) == ("before", 0, "Minimal", False, gs.id)
    page = world.sam.client.get(url(world.sam, gs)).get_data(as_text=True)
    assert "Thank you" in page and "You can change your answers until the session starts" in page
    assert page.count(" checked>") == 10 and "Delete my answers" in page
    assert "If you need help now" not in page  # no risk: no crisis box
    changed = CALM | {"q1": 3}
    assert world.sam.client.post(url(world.sam, gs), data=changed).status_code == 303
    [row] = stored(app, world.sam.id)
    assert row.total == 3 and row.items["q1"] == 3
    with app.app_context():
        events = db.session.query(AuditEvent).filter_by(action="measure_before", session_id=gs.id).all()
        assert [(e.actor, e.target) for e in events] == [("member_self", f"member:{world.sam.id}")] * 2


def test_who_may_open_and_post(app, world, make_facilitator, make_group, make_member, join, opened):
    gs = world.session()
    bea = make_member(world.group, world.fac, "Bea")
    guest, _seat = join(opened(world.session(("check-in",), title="Drop-in")), "Gil")
    other_fac = make_facilitator("Ola")
    other_group = make_group(other_fac, "Thursday group")
    theirs = world.session(of=other_group, title="Their week")
    for client, path in ((bea.client, url(world.sam, gs)),  # another member's page
                         (guest, url(world.sam, gs)),  # a guest with a session cookie
                         (app.test_client(), url(world.sam, gs)),  # nobody
                         (world.fac.client, url(world.sam, gs))):  # even the facilitator: it is the member's page
        assert client.get(path).status_code == 403
        assert client.post(path, data=CALM).status_code == 403
        assert client.post(path + "/delete").status_code == 403
    for path in (url(world.sam, theirs),  # a session of another group
                 url(world.sam, gs, "session-feedback"),  # a questionnaire this session does not plan
                 url(world.sam, gs, "no-such"),
                 f"/me/{world.sam.public_id}/sessions/nope/before/phq-9"):
        assert world.sam.client.get(path).status_code == 404
        assert world.sam.client.post(path, data=CALM).status_code == 404
    with app.app_context():
        members.new_link(db.session.get(Member, world.sam.id), world.fac.id)  # Sam's old link is dead now
    assert world.sam.client.get(url(world.sam, gs)).status_code == 403
    assert world.sam.client.post(url(world.sam, gs), data=CALM).status_code == 403
    assert stored(app, world.sam.id) == [] and stored(app, bea.id) == []


@pytest.mark.parametrize("how", ["running", "step", "ended"])
def test_once_the_session_has_started_or_ended_the_page_takes_no_answers(app, world, opened, how):
    from facilitator import sessions as ops

    gs = world.session()
    assert world.sam.client.post(url(world.sam, gs), data=CALM).status_code == 303
    opened(gs)
    if how == "running":
        assert run(app, gs, {"type": "set_phase", "to": "running", "actor": FAC})["ok"]
    elif how == "step":  # a facilitator started the first step (still in the lobby phase)
        assert run(app, gs, {"type": "plan_go", "index": 1, "actor": FAC})["ok"]
    else:
        with app.app_context():
            ops.end(db.session.get(GroupSession, gs.id), db.session.get(Facilitator, world.fac.id))
    page = world.sam.client.get(url(world.sam, gs))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and ("has started" in text or "has ended" in text)
    assert 'type="radio"' not in text and "Thank you" not in text  # no form, no answers shown
    r = world.sam.client.post(url(world.sam, gs), data=CALM | {"q1": 3})
    assert r.status_code == 409
    assert world.sam.client.post(url(world.sam, gs, tail="/delete")).status_code == 409
    [row] = stored(app, world.sam.id)
    assert row.items["q1"] == 0  # unchanged, not deleted


@pytest.mark.parametrize("data, status, says", [
    (CALM | {"q3": None}, 400, "Please answer question 3."),
    (CALM | {"q1": "7"}, 400, "Question 1: please choose one of the answers."),
    (CALM | {"q1": "-1"}, 400, "Question 1: please choose one of the answers."),
    (CALM | {"q1": "one"}, 400, "Question 1: please choose one of the answers."),
    (CALM | {"q1": "1" * 5000}, 413, "more than this questionnaire takes"),
    (CALM | {"q99": "1"}, 400, "This questionnaire has no such question."),
    ({f"x{i}": "1" for i in range(40)}, 413, "more than this questionnaire takes"),
])
def test_refused_answers_store_nothing_and_keep_what_was_ticked(app, world, data, status, says):
    gs = world.session()
    sent = {k: v for k, v in data.items() if v is not None}
    r = world.sam.client.post(url(world.sam, gs), data=sent)
    page = r.get_data(as_text=True)
    assert r.status_code == status and says in page and 'role="alert"' in page
    assert stored(app, world.sam.id) == []
    if status == 400:  # what they ticked is still ticked
        assert 'name="q2" value="0" checked' in page


def test_csrf_is_required(app, world):
    import re

    gs = world.session()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert world.sam.client.post(url(world.sam, gs), data=CALM).status_code == 400
        assert stored(app, world.sam.id) == []
        page = world.sam.client.get(url(world.sam, gs)).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert world.sam.client.post(url(world.sam, gs), data=CALM | {"csrf_token": token}).status_code == 303
        assert world.sam.client.post(url(world.sam, gs, tail="/delete")).status_code == 400
        assert len(stored(app, world.sam.id)) == 1
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_risk_answer_shows_the_crisis_text_and_alerts_the_facilitators(app, world, caplog):
    from core.crisis import DEFAULT_CRISIS_TEXT

    gs = world.session()
    with caplog.at_level("DEBUG"):
        assert world.sam.client.post(url(world.sam, gs), data=PHQ).status_code == 303
    page = world.sam.client.get(url(world.sam, gs)).get_data(as_text=True)
    assert "If you need help now" in page and "A facilitator will get in touch with you soon" in page
    assert DEFAULT_CRISIS_TEXT.splitlines()[0].replace("'", "&#39;") in page
    [alert] = live_state(app, gs)["alerts"]
    assert (alert["kind"], alert["member"], alert["name"], alert["instrument"], alert["value"]) == \
        ("risk", f"m{world.sam.id}", "Sam", "phq-9", 1)
    assert alert["activity"] == "Answered before the session" and alert["followup"] == "new"
    assert "risk procedure" in alert["say"]
    # The same answers again: the alert is not raised twice; a calm answer keeps the alert for follow-up.
    assert world.sam.client.post(url(world.sam, gs), data=PHQ).status_code == 303
    assert world.sam.client.post(url(world.sam, gs), data=CALM).status_code == 303
    assert len(live_state(app, gs)["alerts"]) == 1
    assert "If you need help now" not in world.sam.client.get(url(world.sam, gs)).get_data(as_text=True)
    assert "Sam" not in caplog.text and "q9" not in caplog.text


def test_a_crisis_text_of_the_group_is_the_one_shown(app, world):
    from core.models import Group

    with app.app_context():
        db.session.get(Group, world.group.id).crisis_text = "Call the Riverside line on 0800 123."
        db.session.commit()
    gs = world.session()
    world.sam.client.post(url(world.sam, gs), data=PHQ)
    assert "Call the Riverside line on 0800 123." in world.sam.client.get(url(world.sam, gs)).get_data(as_text=True)


def test_delete_removes_the_answers(app, world):
    gs = world.session()
    assert world.sam.client.post(url(world.sam, gs, "gad-7"), data=GAD).status_code == 303
    r = world.sam.client.post(url(world.sam, gs, "gad-7", "/delete"), follow_redirects=True)
    assert r.status_code == 200 and b"Your answers have been deleted." in r.data
    assert stored(app, world.sam.id) == []
    page = world.sam.client.get(url(world.sam, gs, "gad-7")).get_data(as_text=True)
    assert " checked>" not in page and "Thank you" not in page
    again = world.sam.client.post(url(world.sam, gs, "gad-7", "/delete"), follow_redirects=True)
    assert b"There were no answers to delete." in again.data
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="erase_own_answers", session_id=gs.id).count() == 1


def test_the_facilitators_trends_include_the_answer_once_the_session_has_ended(app, world, opened):
    from facilitator import sessions as ops

    gs = world.session()
    world.sam.client.post(url(world.sam, gs), data=CALM | {"q1": 2, "q2": 2})
    with app.app_context():
        ops.end(opened(gs) and db.session.get(GroupSession, gs.id), db.session.get(Facilitator, world.fac.id))
        [point] = trends.member_series(db.session.get(Member, world.sam.id))["phq-9"]
    assert (point.session_id, point.total, point.source) == (gs.id, 4, "before")
    page = world.fac.client.get(f"/groups/{world.group.id}/members/{world.sam.id}/trends")
    assert page.status_code == 200 and b"Week 5" in page.data
