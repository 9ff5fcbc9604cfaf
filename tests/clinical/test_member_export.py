"""A member's record: the CSV (a row per session, formula-safe), the PDF (renders, their notes with the
draft marked, nothing of another member), and `flask export member ID` (csv on stdout, pdf to a file,
audited as the operator; an unknown member is exit code 1)."""
import csv
import io
import shutil
import subprocess

from sqlalchemy import select

from core import member_export
from core.clinical_models import ClinicalNote
from core.extensions import db
from core.member_models import Member
from core.models import AuditEvent


def _setup(app, make_facilitator, make_group, make_member, weekly, result):
    f = make_facilitator()
    g = make_group(f)
    eve = make_member(g, f, "=Eve", link=False)  # a name a spreadsheet would run as a formula
    other = make_member(g, f, "Quentin", link=False)
    weeks = weekly(g, f, 3)
    result(weeks[0], eve.id, "phq-9", 16)
    result(weeks[0], eve.id, "gad-7", 12)
    result(weeks[2], eve.id, "phq-9", 8)
    result(weeks[2], eve.id, "session-feedback", 33)
    result(weeks[0], other.id, "phq-9", 27)
    result(weeks[1], other.id, "phq-9", 26)  # Eve has nothing in week 2: no row for it
    with app.app_context(), db.transaction() as s:
        s.add(ClinicalNote(group_id=g.id, session_id=weeks[0].id, member_id=eve.id, subject=f"m{eve.id}",
                           format="dap", sections={"data": "Came in quietly.", "plan": "Check in next week."},
                           status="draft"))
    return f, g, eve, other, weeks


def test_csv_rows_and_formula_safety(app, make_facilitator, make_group, make_member, weekly, result):
    f, g, eve, _other, _weeks = _setup(app, make_facilitator, make_group, make_member, weekly, result)
    text = f.client.get(f"/groups/{g.id}/members/{eve.id}/record.csv").get_data(as_text=True)
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["member", "date", "session", "attendance", "joined (UTC)", "left (UTC)", "PHQ-9 total",
                        "PHQ-9 band", "GAD-7 total", "GAD-7 band", "Session feedback total"]
    assert table[1:] == [
        ["'=Eve", "2026-11-03", "Week 1", "present", "2026-11-03 18:00", "2026-11-03 19:30", "16", "Moderately severe",
         "12", "Moderate", ""],
        ["'=Eve", "2026-11-17", "Week 3", "present", "2026-11-17 18:00", "2026-11-17 19:30", "8", "Mild", "", "", "33"]]
    assert "Quentin" not in text and "27" not in text


def test_pdf_renders_with_notes_and_nothing_of_another_member(app, make_facilitator, make_group, make_member,
                                                              weekly, result, tmp_path):
    f, g, eve, _other, _weeks = _setup(app, make_facilitator, make_group, make_member, weekly, result)
    r = f.client.get(f"/groups/{g.id}/members/{eve.id}/record.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF") and r.headers["Cache-Control"] == "no-store"
    assert f'record-group-{g.id}-member-{eve.id}.pdf' in r.headers["Content-Disposition"]
    with app.test_request_context():
        from handouts.render import pdf_html

        html = pdf_html(member_export.RECORD_TEMPLATE, member_export.record_context(db.session.get(Member, eve.id)))
    assert "Draft — not signed" in html and "Came in quietly." in html and html.count('role="img"') == 3
    assert "Quentin" not in html
    if shutil.which("pdftotext"):
        (tmp_path / "r.pdf").write_bytes(r.data)
        text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "=Eve" in text and "Came in quietly." in text and "Quentin" not in text
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "export_member")).scalar_one()
    assert event.target == f"member:{eve.id}"


def test_cli_csv_to_stdout_audited_as_operator(app, make_facilitator, make_group, make_member, weekly, result):
    _f, _g, eve, _other, _weeks = _setup(app, make_facilitator, make_group, make_member, weekly, result)
    out = app.test_cli_runner().invoke(args=["export", "member", str(eve.id), "--format", "csv"])
    assert out.exit_code == 0, out.output
    table = list(csv.reader(io.StringIO(out.stdout)))
    assert len(table) == 3 and table[1][6] == "16" and table[2][6] == "8"
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "export_member")).scalar_one()
    assert event.actor == "operator" and event.target == f"member:{eve.id}"


def test_cli_pdf_needs_output_and_writes_it(app, make_facilitator, make_group, make_member, weekly, result, tmp_path):
    _f, _g, eve, _other, _weeks = _setup(app, make_facilitator, make_group, make_member, weekly, result)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["export", "member", str(eve.id), "--format", "pdf"])
    assert refused.exit_code == 2 and "--output" in refused.output
    target = tmp_path / "eve.pdf"
    done = runner.invoke(args=["export", "member", str(eve.id), "--format", "pdf", "--output", str(target)])
    assert done.exit_code == 0, done.output
    assert target.read_bytes().startswith(b"%PDF")


def test_cli_unknown_member_and_format(app):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["export", "member", "999999"])
    assert missing.exit_code == 1 and "there is no member 999999" in missing.stderr
    wrong = runner.invoke(args=["export", "member", "1", "--format", "xlsx"])
    assert wrong.exit_code == 2 and "csv or pdf" in wrong.output
