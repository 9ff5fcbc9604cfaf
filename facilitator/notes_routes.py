"""The notes pages: a group's record list, a session's notes (group note, members' notes, debrief) with
edit, sign, addenda and co-sign, and the owner's record settings. Owner, co-facilitators and the group's
supervisor read them (core.auth.record_group_or_404); everyone else gets 404."""
from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from core import audit, notes
from core.auth import record_group_or_404
from core.clinical_models import ClinicalNote
from core.extensions import db
from core.member_models import Member
from core.models import GroupSession
from core.note_drafts import DEBRIEF_SECTIONS
from facilitator import bp, team
from facilitator import sessions as ops
from facilitator.forms import ActionForm, RecordSettingsForm
from facilitator.note_forms import AddendumForm, posted_sections

log = logging.getLogger(__name__)
NO_STORE = {"Cache-Control": "no-store"}
LABELS = {"note": "Note", "data": "Data", "assessment": "Assessment", "plan": "Plan", "behaviour": "Behaviour",
          "intervention": "Intervention", "response": "Response", "subjective": "Subjective",
          "objective": "Objective", "helped": "What helped", "hindered": "What hindered",
          "plan_next": "Plan for next time"}


def _session_or_404(session_id: int) -> tuple[GroupSession, str]:
    gs = db.session.get(GroupSession, session_id)
    if gs is None:
        abort(404)
    _group, role = record_group_or_404(gs.group_id)
    return gs, role


def _note_or_404(note_id: int) -> tuple[ClinicalNote, GroupSession, str]:
    note = db.session.get(ClinicalNote, note_id)
    if note is None:
        abort(404)
    gs, role = _session_or_404(note.session_id)
    return note, gs, role


def _label(note: ClinicalNote, key: str, names: dict[int, str]) -> str:
    if key.startswith("concern_m") and key[9:].isdigit():
        return f"Concerns: {names.get(int(key[9:]), 'a member')}"
    if note.subject == "debrief" and key == "plan":
        return LABELS["plan_next"]
    return LABELS.get(key, key)


def _ordered(note: ClinicalNote) -> list[str]:
    first = [k for k in DEBRIEF_SECTIONS if k in note.sections] if note.subject == "debrief" else []
    return first + [k for k in note.sections if k not in first]


@bp.route("/groups/<int:group_id>/notes", endpoint="group_notes")
@login_required
def group_notes(group_id: int):
    """The group's ended sessions with the state of their notes."""
    group, role = record_group_or_404(group_id)
    ended = [s for s in ops.sessions_of(group) if s.status == "ended"]
    by_session: dict[int, list] = {}
    for n in db.session.execute(select(ClinicalNote).where(ClinicalNote.group_id == group.id)).scalars():
        by_session.setdefault(n.session_id, []).append(n)
    rows = [{"gs": s, "status": notes.status_of(by_session.get(s.id, []))} for s in ended]
    people = db.session.execute(select(Member).where(Member.group_id == group.id)
                                .order_by(Member.display_name, Member.id)).scalars().all()
    return render_template("facilitator/notes_list.html", group=group, role=role, rows=rows, members=people,
                           action=ActionForm()), 200, NO_STORE


@bp.route("/sessions/<int:session_id>/notes", endpoint="session_notes")
@login_required
def session_notes(session_id: int):
    gs, role = _session_or_404(session_id)
    if gs.status == "ended" and role in notes.WRITERS:
        try:
            notes.drafts_for(gs)
        except Exception as exc:  # noqa: BLE001 - the page still shows what exists
            db.session.rollback()
            log.warning("notes: drafts for session %s not made on opening (%s)", gs.id, type(exc).__name__)
    rows = notes.notes_of(gs)
    names = dict(db.session.execute(select(Member.id, Member.display_name)
                                    .where(Member.group_id == gs.group_id)).all())
    view = [{"note": n, "keys": _ordered(n), "labels": {k: _label(n, k, names) for k in n.sections},
             "addenda": notes.addenda(n),
             "heading": ("Group note" if n.subject == "group" else "Debrief" if n.subject == "debrief"
                         else f"{names.get(n.member_id, 'A member')}'s note")} for n in rows]
    with db.transaction():
        audit.record("read_notes", session=gs, actor="facilitator", actor_id=current_user.id)
    return render_template("facilitator/notes.html", gs=gs, group=gs.group, role=role, notes=view,
                           writer=role in notes.WRITERS, action=ActionForm(), addendum=AddendumForm()), 200, NO_STORE


def _back(gs: GroupSession, note: ClinicalNote):
    return redirect(url_for("facilitator.session_notes", session_id=gs.id) + f"#note-{note.id}")


def _attempt(change, done: str) -> None:
    try:
        change()
    except notes.NoteError as exc:
        log.info("notes: a change was refused (%s)", exc.reason)
        flash(str(exc), "error")
    else:
        flash(done, "ok")


@bp.post("/notes/<int:note_id>/save", endpoint="note_save")
@login_required
def note_save(note_id: int):
    note, gs, role = _note_or_404(note_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        sections = posted_sections(request.form)
    except ValueError:
        log.info("notes: a malformed draft was refused")
        flash("The note could not be read. Please try again.", "error")
        return _back(gs, note)
    _attempt(lambda: notes.save(note, sections, current_user, role), "Draft saved.")
    return _back(gs, note)


def _signing(note_id: int, change, done: str):
    """Sign (a writer) or co-sign (the supervisor): core.notes checks the role and the note's state."""
    note, gs, role = _note_or_404(note_id)
    if ActionForm().validate_on_submit():
        _attempt(lambda: change(note, current_user, role), done)
    return _back(gs, note)


@bp.post("/notes/<int:note_id>/sign", endpoint="note_sign")
@login_required
def note_sign(note_id: int):
    return _signing(note_id, notes.sign, "Note signed. It is now read-only.")


@bp.post("/notes/<int:note_id>/addendum", endpoint="note_addendum")
@login_required
def note_addendum(note_id: int):
    note, gs, _role = _note_or_404(note_id)
    form = AddendumForm()
    if not form.validate_on_submit():
        flash("Please check the addendum: " + "; ".join(e for errs in form.errors.values() for e in errs), "error")
        return _back(gs, note)
    _attempt(lambda: notes.add_addendum(note, form.text.data, current_user), "Addendum added.")
    return _back(gs, note)


@bp.post("/notes/<int:note_id>/cosign", endpoint="note_cosign")
@login_required
def note_cosign(note_id: int):
    return _signing(note_id, notes.cosign, "Note co-signed.")


@bp.post("/groups/<int:group_id>/record-settings", endpoint="record_settings")
@login_required
def record_settings(group_id: int):
    """The owner's: the members' note format, members see their trends, the safety procedure."""
    g = team.owned_group_or_403(group_id)
    form = RecordSettingsForm()
    if not form.validate_on_submit():
        flash("Please check the record settings: " + "; ".join(e for errs in form.errors.values() for e in errs),
              "error")
        return redirect(url_for("facilitator.group", group_id=g.id) + "#record")
    ops.update_group(g, note_format=form.note_format.data, members_see_trends=bool(form.members_see_trends.data),
                     safety_procedure=form.safety_procedure.data or "")
    with db.transaction():
        audit.record("group_record_settings", actor="facilitator", actor_id=current_user.id, group_id=g.id,
                     target=f"format {form.note_format.data}")
    flash("Record settings saved. New notes use the chosen format.", "ok")
    return redirect(url_for("facilitator.group", group_id=g.id) + "#record")
