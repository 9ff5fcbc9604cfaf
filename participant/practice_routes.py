"""The practice log on the member's own page: add an entry (a plain form post, or JSON from
participant/static/practice.js, which queues entries on the phone while it is offline) and delete one.

Only the member themself (their standing-link cookie, participant/member_access.py) reaches these.
CSRF: the app-wide Flask-WTF protection covers both; the JSON request sends the token in X-CSRFToken.
"""
from __future__ import annotations

import logging

from flask import flash, jsonify, redirect, request, url_for

from core import catalogue
from core.models import utcnow
from participant import bp, practice
from participant.member_access import member_or_403

log = logging.getLogger(__name__)
JSON_MAX = 8 * 1024  # one entry is well under 2 KB


def _labels() -> dict[str, str]:
    return {f["id"]: f["label"] for f in catalogue.emotions()}


def _home(public_id: str):
    return redirect(url_for("participant.member_home", public_id=public_id, _anchor="practice"))


@bp.post("/me/<public_id>/practice")
def practice_add(public_id: str):
    """Add one practice-log entry. JSON: 201 when stored, 200 when this client key was already stored,
    400 with the reason otherwise. A form post returns to the page (with the reason when refused)."""
    member = member_or_403(public_id)
    as_json = request.is_json
    if as_json:
        raw = request.get_json(silent=True) if (request.content_length or 0) <= JSON_MAX else None
    else:
        raw = request.form.to_dict()
    try:
        entry, created = practice.add(member, raw, set(_labels()), utcnow().date())
    except practice.PracticeRejected as exc:
        log.info("practice entry refused: %s", "not valid")
        if as_json:
            return jsonify(ok=False, error=str(exc)), 400
        from participant.member_home import render_home

        kind = raw.get("kind") if raw.get("kind") in practice.FIELDS else None
        return render_home(member, error=str(exc), kind=kind, values=raw, status=400)
    if as_json:
        return jsonify(ok=True, repeat=not created, entry=practice.describe(entry, _labels())), 201 if created else 200
    flash("Saved in your practice log." if created else "That entry was already saved.", "ok")
    return _home(member.public_id)


@bp.post("/me/<public_id>/practice/<int:entry_id>/delete")
def practice_delete(public_id: str, entry_id: int):
    """Delete one of the member's own entries (someone else's, or a gone one, changes nothing)."""
    member = member_or_403(public_id)
    if practice.delete(member, entry_id):
        flash("That entry has been deleted.", "ok")
    else:
        flash("That entry was already gone.", "ok")
    return _home(member.public_id)
