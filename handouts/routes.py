"""Handout pages: every handout as an HTML preview (same template as the PDF) and as a PDF download.

`<handout>` shows the preview, `<handout>.pdf` the PDF; `?paper=a4|letter` picks the paper (A4 by
default). Facilitator routes need a login and, for anything group-scoped, membership of the group
(others get 404). A take-home sheet is served to its own participant, identified by their cookie.

PDFs are made off the event loop (handouts/making.py, handouts/pool.py); when that cannot happen now
the person gets a calm page: 429 (their render budget), 503 (every worker busy), 504 (too slow).
Facilitators' reads of sensitive handouts (summary, take-home sheets) are audited.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from activities import guides
from core import audit, catalogue, links, roster
from core.auth import group_or_404, session_by_public_id, session_or_404
from core.extensions import db
from core.models import GroupSession, Participant
from core.sockets import participant_cookie
from handouts import bp, practice_guides
from handouts import context as ctx
from handouts import session_context as sctx
from handouts.making import TooManyRenders, make_pdf
from handouts.pool import Busy, RenderFailed, RenderTimeout
from handouts.render import DEFAULT_PAPER, PAPERS, render_html

log = logging.getLogger(__name__)

ACTIVITY_HANDOUTS = "any(guide, worksheet, reference)"


def _paper() -> str:
    paper = request.args.get("paper", DEFAULT_PAPER)
    if paper not in PAPERS:
        abort(400)
    return paper


def filename(*parts: str) -> str:
    """An ASCII file name from titles people typed: "Week 1: Check-in" -> "week-1-check-in"."""
    text = "-".join(parts).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "handout"


def _pdf_url(paper: str) -> str:
    args = {k: v for k, v in request.args.items() if k != "paper"}
    return url_for(request.endpoint, **{**request.view_args, "pdf": True}, **args, paper=paper)


# What each refusal says; the PDF can always be asked for again, nothing is lost.
UNAVAILABLE = {
    TooManyRenders: (429, "That is a lot of printing at once",
                     "You have made many new PDFs in the last minute. Please wait a minute and try again."),
    Busy: (503, "The printer is busy", "Several handouts are being made right now. Please try again in a moment."),
    RenderTimeout: (504, "That handout took too long",
                    "It could not be made in time. Please try again in a moment; a shorter handout may help."),
    RenderFailed: (500, "That handout could not be made", "Nothing you did caused this. Please try again in a moment."),
}


def _person() -> str:
    return f"facilitator:{current_user.id}"


def respond(template: str, context: dict[str, Any], name: str, pdf: bool, back: str | None = None, *,
            person: str | None = None, gs: GroupSession | None = None, group_id: int | None = None,
            read: tuple[str, str] | None = None):
    """The preview page, or the PDF as a download (made off the event loop, cached, budgeted per person).
    `read` (an audit action and target) is recorded once the handout is actually given out."""
    paper = _paper()
    if not pdf:
        page = render_html(template, context, back=back, pdf=_pdf_url("a4"), letter=_pdf_url("letter"))
        if read is not None:
            _audit_read(read[0], gs, read[1])
        return page
    try:
        data = make_pdf(template, context, paper, person=person or _person(),
                        session_id=gs.id if gs is not None else None,
                        group_id=gs.group_id if gs is not None else group_id)
    except tuple(UNAVAILABLE) as exc:
        code, heading, message = next(v for k, v in UNAVAILABLE.items() if isinstance(exc, k))
        log.warning("handout %s not made (%d): %s", template.rsplit("/", 1)[-1], code, type(exc).__name__)
        response = Response(render_template("error.html", heading=heading, message=message), code)
        if code in (429, 503):
            response.headers["Retry-After"] = "60" if code == 429 else "5"
        return response
    if read is not None:
        _audit_read(read[0], gs, read[1])
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{paper}.pdf"'
    return response


def _audit_read(action: str, gs: GroupSession, target: str = "") -> None:
    with db.transaction():
        audit.record(action, actor="facilitator", actor_id=current_user.id, session=gs, target=target)


def both(rule: str, **options: Any):
    """Register a view for the preview (`rule`) and the PDF (`rule.pdf`)."""
    def decorator(view):
        bp.add_url_rule(rule, view_func=view, defaults={"pdf": False}, **options)
        bp.add_url_rule(rule + ".pdf", view_func=view, defaults={"pdf": True}, **options)
        return view
    return decorator


# ---- activity handouts ------------------------------------------------------------------------


def _activity_handout(activity: Any, what: str, pdf: bool, back: str | None = None, group_id: int | None = None):
    if activity is None or (what == "reference" and activity.kind != "info"):
        abort(404)
    if what == "guide":
        context = ctx.guide_context(activity)
    elif what == "worksheet":
        context = ctx.worksheet_context(activity, catalogue.emotions())
    else:
        context = ctx.reference_context(activity)
    return respond(f"handouts/{'guide' if what == 'guide' else what}.html", context,
                   filename(activity.slug, what), pdf, back, group_id=group_id)


@both(f"/handouts/activities/<slug>/<{ACTIVITY_HANDOUTS}:what>")
@login_required
def library_activity(slug: str, what: str, pdf: bool):
    """A library activity's guide, worksheet or (information items) reference handout."""
    activity = catalogue.library().get(slug) if len(slug) <= 80 else None
    return _activity_handout(activity, what, pdf)


@both(f"/groups/<int:group_id>/handouts/activities/<slug>/<{ACTIVITY_HANDOUTS}:what>")
@login_required
def group_activity(group_id: int, slug: str, what: str, pdf: bool):
    """The same for anything the group can plan, including its own activities."""
    group = group_or_404(group_id)
    activity = catalogue.resolve(group.id, slug) if len(slug) <= 80 else None
    back = url_for("facilitator.activity_preview", group_id=group.id, slug=slug)
    return _activity_handout(activity, what, pdf, back, group.id)


@both("/handouts/guides/<slug>")
@login_required
def practice_guide(slug: str, pdf: bool):
    """A practice guide for facilitators (repairing ruptures, ...): the preview is the page to read."""
    guide = guides.shipped().get(slug) if len(slug) <= 80 else None
    if guide is None:
        abort(404)
    back = request.referrer if _same_site(request.referrer) else None
    return respond("handouts/practice_guide.html", practice_guides.context(guide), filename(slug, "guide"), pdf, back)


def _same_site(url: str | None) -> bool:
    """A referrer of this app's own (to offer "Back"), never another site's."""
    return bool(url) and url.startswith(request.host_url) and len(url) <= 500


# ---- group and session handouts ----------------------------------------------------------------


@both("/groups/<int:group_id>/handouts/agreements")
@login_required
def agreements(group_id: int, pdf: bool):
    group = group_or_404(group_id)
    return respond("handouts/agreements.html", sctx.agreements_context(group), filename(group.name, "agreements"),
                   pdf, url_for("facilitator.group", group_id=group.id), group_id=group.id)


@bp.route("/sessions/<int:session_id>/handouts")
@login_required
def index(session_id: int):
    """Every handout for one session, in one place."""
    from facilitator.plans import plan_rows

    gs = session_or_404(session_id)
    people = db.session.execute(select(Participant).where(Participant.session_id == gs.id, Participant.admitted_at.is_not(None))
                                .order_by(Participant.created_at, Participant.id)).scalars()
    activities = [(item.slug, a) for item, a in plan_rows(gs) if a is not None]
    return render_template("handouts/index.html", gs=gs, group=gs.group, activities=activities,
                           people=[{"id": p.id, "name": p.display_name, "status": p.status} for p in people])


@both("/sessions/<int:session_id>/handouts/packet")
@login_required
def packet(session_id: int, pdf: bool):
    """The plan as an agenda, the agreements, then the guides or (?edition=participant) the worksheets."""
    from facilitator.plans import plan_rows

    gs = session_or_404(session_id)
    edition = request.args.get("edition", "facilitator")
    if edition not in sctx.EDITIONS:
        abort(400)
    context = sctx.packet_context(gs, plan_rows(gs), edition, catalogue.emotions())
    return respond("handouts/packet.html", context, filename(gs.title, edition, "packet"), pdf,
                   url_for("handouts.index", session_id=gs.id), gs=gs)


@both("/sessions/<int:session_id>/handouts/join-sheet")
@login_required
def join_sheet(session_id: int, pdf: bool):
    gs = session_or_404(session_id)
    return respond("handouts/join_sheet.html", sctx.join_context(gs, links.join_info(gs)),
                   filename(gs.title, "join"), pdf, url_for("facilitator.console", session_id=gs.id), gs=gs)


@both("/sessions/<int:session_id>/handouts/summary")
@login_required
def summary(session_id: int, pdf: bool):
    """Generated on request from the session's data; never stored. Every read is audited."""
    gs = session_or_404(session_id)
    return respond("handouts/summary.html", sctx.summary_context(gs, catalogue.emotions()),
                   filename(gs.title, "summary"), pdf, url_for("facilitator.summary", session_id=gs.id), gs=gs,
                   read=("print_summary" if pdf else "preview_summary", ""))


# ---- take-home sheets ---------------------------------------------------------------------------


@both("/sessions/<int:session_id>/take-home/<int:participant_id>")
@login_required
def take_home_for(session_id: int, participant_id: int, pdf: bool):
    """A facilitator prints someone's sheet. Answers that person kept private are left out unless they
    took part in the room without a device (the facilitator entered their answers for them)."""
    gs = session_or_404(session_id)
    p = db.session.get(Participant, participant_id)
    if p is None or p.session_id != gs.id:
        abort(404)
    context = sctx.take_home_context(gs, p, catalogue.emotions(), include_private=p.in_room)
    return respond("handouts/take_home.html", context, filename(gs.title, "take-home", p.display_name), pdf,
                   url_for("handouts.index", session_id=gs.id), gs=gs,
                   read=("print_take_home" if pdf else "preview_take_home", f"participant:{p.id}"))


@both("/s/<public_id>/take-home")
def take_home(public_id: str, pdf: bool):
    """A participant's own sheet, from their own device: every answer of theirs, private ones included."""
    gs: GroupSession | None = session_by_public_id(public_id)
    if gs is None:
        abort(404)
    holder = roster.holder_of(gs, request.cookies.get(participant_cookie(gs.public_id)))
    if holder is None or holder.status == "left":
        return render_template("participant/closed.html", reason="no_credential"), 403
    if holder.status == "removed":
        return render_template("participant/closed.html", reason="removed"), 403
    context = sctx.take_home_context(gs, holder, catalogue.emotions(), include_private=True)
    return respond("handouts/take_home.html", context, filename(gs.title, "take-home"), pdf,
                   url_for("participant.live", public_id=gs.public_id), person=f"participant:{holder.id}", gs=gs)
