"""The attendance page: only the group's facilitators (others 404, signed out to the login page);
corrections are validated (a wrong one saves nothing and says why); cancelling needs a confirmation;
the CSV has the documented header and cannot run in a spreadsheet; and the live path: real joins,
admission, leaving and the end show up in the grid as they happened."""
import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import attendance, members
from core.extensions import db
from core.member_models import Attendance, Member
from core.models import AuditEvent, Facilitator, GroupMember, GroupSession, Participant, utcnow
from facilitator import sessions as ops


@pytest.fixture
def setup(app, make_facilitator, make_group):
    """A group with two members (one named like a formula), one ended session, one planned."""
    f = make_facilitator()
    g = make_group(f)
    with app.app_context():
        fac = db.session.get(Facilitator, f.id)
        ana, sly = members.add(g, "Ana", f.id), members.add(g, "=HYPERLINK(\"x\")", f.id)
        start = utcnow().replace(hour=9, minute=0, second=0, microsecond=0)
        gs = ops.create_session(g, "Week 1", start, "", False, fac)
        with db.transaction() as s:
            s.add(Attendance(session_id=gs.id, member_id=ana.id, status="present", joined_at=start))
            ended = s.merge(gs)
            ended.status, ended.ended_at = "ended", start + timedelta(minutes=90)
        attendance.finalise(db.session.get(GroupSession, gs.id))
        later = ops.create_session(g, "Week 2", start + timedelta(days=7), "", False, fac)
    return {"f": f, "g": g, "gs": gs, "later": later, "ana": ana, "sly": sly, "start": start}


def urls(t) -> dict[str, str]:
    g, gs, ana = t["g"].id, t["gs"].id, t["ana"].id
    return {"page": f"/groups/{g}/attendance", "csv": f"/groups/{g}/attendance.csv",
            "cell": f"/groups/{g}/attendance/{gs}/{ana}", "cancel": f"/groups/{g}/attendance/{t['later'].id}/cancel"}


def cell(symbol: str, word: str) -> str:
    """How a status shows in a grid cell: the symbol (hidden from screen readers) and the word."""
    return f'{symbol}</span> <span class="word">{word}</span>'


def row_of(app, gs_id: int, member_id: int) -> Attendance | None:
    with app.app_context():
        return db.session.execute(select(Attendance).where(Attendance.session_id == gs_id,
                                                           Attendance.member_id == member_id)).scalar_one_or_none()


@pytest.mark.parametrize("what, method", [("page", "get"), ("csv", "get"), ("cell", "get"), ("cell", "post"),
                                          ("cancel", "post")])
def test_only_the_groups_facilitators_reach_it(app, setup, make_facilitator, make_group, what, method):
    url = urls(setup)[what]
    data = {"status": "excused", "confirm": "yes"}
    other = make_facilitator("Otto")
    make_group(other, "Their group")
    assert getattr(other.client, method)(url, data=data).status_code == 404
    signed_out = getattr(app.test_client(), method)(url, data=data)
    assert signed_out.status_code == 302 and "/login" in signed_out.location
    assert row_of(app, setup["gs"].id, setup["ana"].id).status == "present"
    with app.app_context():
        assert db.session.get(GroupSession, setup["later"].id).status == "planned"
    co = make_facilitator("Cora")
    with app.app_context():
        db.session.add(GroupMember(group_id=setup["g"].id, facilitator_id=co.id, role="co"))
        db.session.commit()
    assert getattr(co.client, method)(url, data=data).status_code in (200, 302)


def test_the_page_shows_words_and_symbols_and_totals(setup):
    html = setup["f"].client.get(urls(setup)["page"]).get_data(as_text=True)
    assert "<caption" in html and 'scope="row"' in html and 'scope="col"' in html
    ana_row = re.search(rf'<tr id="member-{setup["ana"].id}">(.*?)</tr>', html, re.S).group(1)
    assert cell("✓", "present") in ana_row and "1 of 1" in ana_row
    sly_row = re.search(rf'<tr id="member-{setup["sly"].id}">(.*?)</tr>', html, re.S).group(1)
    assert cell("✗", "absent") in sly_row and "0 of 1" in sly_row
    assert "Cancel this session" in html and "Download CSV" in html
    assert "<script" not in html.split("</header>", 1)[1] and "style=" not in html


@pytest.mark.parametrize("form, says", [
    ({"status": "present", "joined": "10:30", "left": "10:00"}, "leaving time must be after"),
    ({"status": "here", "joined": "", "left": ""}, "Not a valid choice"),
    ({"status": "late", "joined": "25:99", "left": ""}, "Not a valid time"),
    ({"status": "late", "joined": "x" * 5000, "left": ""}, "Not a valid time"),
])
def test_a_wrong_correction_saves_nothing_and_explains(app, setup, form, says):
    r = setup["f"].client.post(urls(setup)["cell"], data=form)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert says in page and "Nothing was saved" in page
    row = row_of(app, setup["gs"].id, setup["ana"].id)
    assert row.status == "present" and row.edited_by is None
    with app.app_context():
        assert not db.session.execute(select(AuditEvent).where(AuditEvent.action == "attendance_edit")).first()


def test_a_correction_is_saved_and_audited(app, setup):
    r = setup["f"].client.post(urls(setup)["cell"], data={"status": "late", "joined": "09:40", "left": "10:25"})
    assert r.status_code == 302
    row = row_of(app, setup["gs"].id, setup["ana"].id)
    assert (row.status, row.joined_at.strftime("%H:%M"), row.left_at.strftime("%H:%M")) == ("late", "09:40", "10:25")
    assert row.edited_by == setup["f"].id
    with app.app_context():
        target = db.session.execute(select(AuditEvent.target).where(AuditEvent.action == "attendance_edit")).scalar()
    assert target == f"member:{setup['ana'].id}"
    r = setup["f"].client.post(urls(setup)["cell"], data={"status": "excused", "joined": "09:40", "left": ""})
    assert r.status_code == 302  # times go with visits only: left out for "excused"
    row = row_of(app, setup["gs"].id, setup["ana"].id)
    assert (row.status, row.joined_at, row.left_at) == ("excused", None, None)


def test_cancelling_needs_the_box_ticked(app, setup):
    client, url = setup["f"].client, urls(setup)["cancel"]
    assert client.post(url, data={}).status_code == 302
    with app.app_context():
        assert db.session.get(GroupSession, setup["later"].id).status == "planned"
    assert client.post(url, data={"confirm": "yes"}).status_code == 302
    assert row_of(app, setup["later"].id, setup["ana"].id).status == "cancelled"
    assert client.post(f"/groups/{setup['g'].id}/attendance/{setup['gs'].id}/cancel",
                       data={"confirm": "yes"}).status_code == 302  # Week 1 happened: refused
    assert row_of(app, setup["gs"].id, setup["ana"].id).status == "present"


def test_the_csv_has_its_header_and_cannot_run_formulas(app, setup):
    r = setup["f"].client.get(urls(setup)["csv"])
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0] == ["member", "status_on_roster", f"{setup['start']:%Y-%m-%d} Week 1", "attended", "of"]
    assert rows[1:] == [["'=HYPERLINK(\"x\")", "active", "absent", "0", "1"],  # by name: "=" sorts first
                        ["Ana", "active", "present", "1", "1"]]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    with app.app_context():
        assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "export_attendance")).first()


def test_the_live_path_real_joins_admit_leave_end(app, make_facilitator, make_group, make_session, join, sock,
                                                  monkeypatch):
    monkeypatch.setattr(attendance, "EARLY_BEFORE", timedelta(0))  # leaving a moment before the end counts
    f = make_facilitator()
    g = make_group(f)
    gs = make_session(g, f)
    with app.app_context():
        ana, ben, cy = (members.add(g, n, f.id) for n in ("Ana", "Ben", "Cy"))
        members.add(g, "Dee", f.id, status="break")
    fac = sock(f.client, gs, "facilitator")
    seats = {}
    for m, name in ((ana, "Ana"), (ben, "Ben"), (None, "Gus")):
        http, p = join(gs, name)
        with app.app_context(), db.transaction() as s:
            s.get(Participant, p.id).member_id = m.id if m else None
        assert fac.emit("admit", {"participant": p.id}, callback=True) == {"ok": True}
        seats[name] = http
    assert seats["Ben"].post(f"/s/{gs.public_id}/leave").status_code == 200
    assert f.client.post(f"/sessions/{gs.id}/end").status_code == 302
    html = f.client.get(f"/groups/{g.id}/attendance").get_data(as_text=True)
    with app.app_context():
        shown = {m.display_name: re.search(rf'<tr id="member-{m.id}">(.*?)</tr>', html, re.S).group(1)
                 for m in db.session.execute(select(Member)).scalars()}
    assert cell("✓", "present") in shown["Ana"] and "1 of 1" in shown["Ana"]
    assert cell("E", "left early") in shown["Ben"] and "1 of 1" in shown["Ben"]
    assert cell("✗", "absent") in shown["Cy"] and "0 of 1" in shown["Cy"]
    assert "no record" in shown["Dee"] and "0 of 0" in shown["Dee"]
    assert "Gus" not in html
    assert row_of(app, gs.id, ana.id).joined_at is not None


def test_reading_the_grid_is_on_the_audit_log(app, make_facilitator, make_group):
    from core.extensions import db
    from core.models import AuditEvent

    fac = make_facilitator()
    g = make_group(fac)
    assert fac.client.get(f"/groups/{g.id}/attendance").status_code == 200
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="read_attendance", group_id=g.id).count() == 1
    assert b"read the attendance record" in fac.client.get(f"/groups/{g.id}/audit").data
