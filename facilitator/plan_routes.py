"""Plan builder pages: a session's plan and its buttons, activity previews, and a group's own activities.

Every control is a plain form (CSRF token, no script), so it works with the keyboard alone. The
handlers parse, check access, delegate to facilitator/plans.py or custom_activities.py, and redirect
back with a message.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from activities import guides
from activities import plan as plan_steps
from activities.engine import KINDS as LIVE_KINDS
from activities.library import CATEGORIES, MAX_FILE_BYTES
from core import catalogue
from core import vocabulary as vocab
from core.auth import group_or_404, session_or_404
from core.extensions import db
from core.models import Group, GroupSession
from facilitator import bp, plans
from facilitator import custom_activities as custom
from facilitator.activity_form import CustomActivityForm, UploadForm, attach, to_data
from facilitator.forms import ActionForm
from facilitator.plan_forms import (
    AddForm,
    ApplyTemplateForm,
    CopyForm,
    MinutesForm,
    MoveForm,
    PromptForm,
    SaveTemplateForm,
)
from facilitator.plans import PlanError
from handouts import practice_guides

# The plan page's words for an activity's settings, from core/vocabulary.py (the in-a-sentence forms).
WORDS = {"kind": vocab.KINDS, "audience": vocab.AUDIENCES, "order": {k: o.phrase for k, o in vocab.ORDERS.items()},
         "field": vocab.FIELDS, "phase": vocab.BREATH, "anonymity": {k: a.phrase for k, a in vocab.ANONYMITY.items()},
         "group": {k: g.phrase for k, g in vocab.GROUP_SETTINGS.items()}, "category": vocab.CATEGORIES}


# ---- the plan builder ---------------------------------------------------------------------------


def _library(group: Group) -> list[tuple[str, str, list[tuple[str, object]]]]:
    """(heading id, heading, [(slug, activity)]) in catalogue order, then the group's own."""
    lib = catalogue.library()
    sections = [(f"cat-{c}", vocab.CATEGORIES.get(c, c.title()), [(a.slug, a) for a in lib.by_category(c)])
                for c in CATEGORIES]
    return [*sections, ("cat-own", "Your group's activities", custom.own_activities(group))]


@bp.route("/sessions/<int:session_id>/plan")
@login_required
def plan(session_id: int):
    gs = session_or_404(session_id)
    rows = plans.plan_rows(gs)
    return render_template(
        "facilitator/plan.html", gs=gs, group=gs.group, rows=rows, library=_library(gs.group),
        planned=sum(item.minutes for item, _ in rows), suggested=sum(a.duration for _, a in rows if a is not None),
        earlier=plans.sessions_with_plans(gs), templates=plans.templates_of(gs.group), editable=gs.status != "ended",
        words=WORDS, live_kinds=LIVE_KINDS, guides=practice_guides.links(list(guides.shipped())),
        prompt_of=plan_steps.prompt_of, prompt_kinds=plan_steps.PROMPT_KINDS,
        prompt_max=plans.PROMPT_MAX, just_added=request.args.get("added", "")[:80])


def _change(gs: GroupSession, valid: bool, invalid_message: str, change: Callable[[], str],
            anchor: str | None = None) -> Response:
    """Run one change and say what happened, or why nothing changed. `anchor` brings the browser (and
    the keyboard's starting point) back to the item just changed."""
    if not valid:
        flash(invalid_message, "error")
    else:
        try:
            flash(change(), "ok")
        except PlanError as exc:
            flash(str(exc), "error")
    return redirect(url_for("facilitator.plan", session_id=gs.id, _anchor=anchor))


def _skipped(skipped: int) -> str:
    if not skipped:
        return ""
    return (f" {skipped} activit{'y is' if skipped == 1 else 'ies are'} no longer available "
            f"and {'was' if skipped == 1 else 'were'} left out.")


@bp.post("/sessions/<int:session_id>/plan/add")
@login_required
def plan_add(session_id: int):
    gs, form = session_or_404(session_id), AddForm()

    added: list[str] = []

    def change() -> str:
        item = plans.add(gs, form.slug.data, form.minutes.data)
        added.append(form.slug.data)
        return f"Added {plans.title(gs, item)} ({item.minutes} min) to the plan."
    response = _change(gs, form.validate_on_submit(), "Please choose an activity to add.", change)
    if not added:
        return response
    # Back to the same place in the library, not the top of the page; the entry says it was added.
    return redirect(url_for("facilitator.plan", session_id=gs.id, added=added[0], _anchor=f"lib-{added[0]}"))


@bp.post("/sessions/<int:session_id>/plan/items/<int:item_id>/remove")
@login_required
def plan_remove(session_id: int, item_id: int):
    gs = session_or_404(session_id)

    def change() -> str:
        return f"Removed {plans.title(gs, plans.remove(gs, item_id))} from the plan."
    return _change(gs, ActionForm().validate_on_submit(), "Nothing was removed. Please try again.", change)


@bp.post("/sessions/<int:session_id>/plan/items/<int:item_id>/move")
@login_required
def plan_move(session_id: int, item_id: int):
    gs, form = session_or_404(session_id), MoveForm()

    def change() -> str:
        return f"Moved {plans.title(gs, plans.move(gs, item_id, form.direction.data))} {form.direction.data}."
    return _change(gs, form.validate_on_submit(), "Please choose Move up or Move down.", change, f"item-{item_id}")


@bp.post("/sessions/<int:session_id>/plan/items/<int:item_id>/minutes")
@login_required
def plan_minutes(session_id: int, item_id: int):
    gs, form = session_or_404(session_id), MinutesForm()

    def change() -> str:
        item = plans.set_minutes(gs, item_id, form.minutes.data)
        return f"{plans.title(gs, item)} now has {item.minutes} minutes."
    return _change(gs, form.validate_on_submit(),
                   f"Please enter the minutes as a whole number from {plans.MINUTES_MIN} to {plans.MINUTES_MAX}.", change,
                   f"item-{item_id}")


@bp.post("/sessions/<int:session_id>/plan/items/<int:item_id>/prompt")
@login_required
def plan_prompt(session_id: int, item_id: int):
    gs, form = session_or_404(session_id), PromptForm()

    def change() -> str:
        clear = form.action.data == "clear"
        item = plans.set_prompt(gs, item_id, "" if clear else (form.prompt.data or ""))
        if item.prompt is None:
            return f"{plans.title(gs, item)} uses the activity's own wording."
        return f"{plans.title(gs, item)} has its own wording for this session."
    return _change(gs, form.validate_on_submit(),
                   f"Please keep the wording to {plans.PROMPT_MAX} characters or fewer.", change, f"item-{item_id}")


@bp.post("/sessions/<int:session_id>/plan/copy")
@login_required
def plan_copy(session_id: int):
    gs, form = session_or_404(session_id), CopyForm()

    def change() -> str:
        other = plans.source_session(gs, form.source.data)
        added, skipped = plans.copy_from(gs, other)
        return f"Added {added} activities from \u201c{other.title}\u201d.{_skipped(skipped)}"
    return _change(gs, form.validate_on_submit(), "Please choose a session to copy from.", change)


@bp.post("/sessions/<int:session_id>/plan/templates")
@login_required
def plan_save_template(session_id: int):
    gs, form = session_or_404(session_id), SaveTemplateForm()

    def change() -> str:
        template = plans.save_template(gs, form.name.data)
        return f"Saved this plan as the template \u201c{template.name}\u201d."
    return _change(gs, form.validate_on_submit(), "Please give the template a name (up to 120 characters).", change)


@bp.post("/sessions/<int:session_id>/plan/apply-template")
@login_required
def plan_apply_template(session_id: int):
    gs, form = session_or_404(session_id), ApplyTemplateForm()

    def change() -> str:
        template = plans.template_for(gs, form.template.data)
        added, skipped = plans.apply_template(gs, template)
        return f"Added {added} activities from the template \u201c{template.name}\u201d.{_skipped(skipped)}"
    return _change(gs, form.validate_on_submit(), "Please choose a template.", change)


# ---- activities: preview, and the group's own ---------------------------------------------------


def _from_session(group: Group) -> GroupSession | None:
    """The session whose plan the facilitator came from (?session=), when it belongs to this group."""
    gs = db.session.get(GroupSession, request.args.get("session", type=int) or 0)
    return gs if gs is not None and gs.group_id == group.id else None


@bp.route("/groups/<int:group_id>/activities/<slug>")
@login_required
def activity_preview(group_id: int, slug: str):
    group = group_or_404(group_id)
    activity = catalogue.resolve(group.id, slug) if len(slug) <= 80 else None
    if activity is None:
        abort(404)
    return render_template("facilitator/activity_preview.html", group=group, slug=slug, a=activity,
                           back=_from_session(group), words=WORDS, live_kinds=LIVE_KINDS,
                           own=slug.startswith(catalogue.CUSTOM_PREFIX), action=ActionForm(),
                           guides=practice_guides.links(list(activity.guides)))


def _saved(group: Group, slug: str, title: str) -> Response:
    flash(f"Saved. \u201c{title}\u201d is now one of your group's activities.", "ok")
    back = _from_session(group)
    return redirect(url_for("facilitator.activity_preview", group_id=group.id, slug=slug,
                            session=back.id if back else None))


def _new_page(group: Group, form: CustomActivityForm, upload: UploadForm, summary: list, upload_problems: list,
              status: int):
    return render_template("facilitator/activity_new.html", group=group, form=form, upload=upload, summary=summary,
                           upload_problems=upload_problems, back=_from_session(group),
                           max_kb=MAX_FILE_BYTES // 1024), status


@bp.route("/groups/<int:group_id>/activities/new", methods=["GET", "POST"])
@login_required
def activity_new(group_id: int):
    group = group_or_404(group_id)
    form = CustomActivityForm()
    if not form.validate_on_submit():
        summary = [(form[name].id, form[name].label.text, message) for name, messages in form.errors.items()
                   if name != "csrf_token" for message in messages]
        if "csrf_token" in form.errors:
            summary.insert(0, (form.title.id, "Form", "The form had expired. Please check it and save again."))
        return _new_page(group, form, UploadForm(formdata=None), summary, [], 400 if request.method == "POST" else 200)
    data, problems = to_data(form)
    if not problems:
        slug, row = custom.create(group, data, current_user)
        return _saved(group, slug, row.data["title"])
    return _new_page(group, form, UploadForm(formdata=None), attach(form, problems), [], 400)


@bp.post("/groups/<int:group_id>/activities/upload")
@login_required
def activity_upload(group_id: int):
    group = group_or_404(group_id)
    upload = UploadForm()
    if not upload.validate_on_submit():
        expired = "csrf_token" in upload.errors
        problems = [("file", "The form had expired. Please choose the file again." if expired
                     else "Please choose a YAML file to upload.")]
    else:
        data, problems = custom.read_yaml(upload.file.data.read(MAX_FILE_BYTES + 1))
        if not problems and data is not None:
            slug, row = custom.create(group, data, current_user)
            return _saved(group, slug, row.data["title"])
    described = [(custom.describe(path), message) for path, message in problems]
    return _new_page(group, CustomActivityForm(formdata=None), upload, [], described, 400)
