"""A plan item's own wording for its session: a round's prompt or a form's first question, saved and cleared
from the plan page, carried by copies and templates, used live on every screen and printed in the packet."""
from __future__ import annotations

import json
import re

import pytest

from activities import plan
from core import catalogue, live
from core.activity_models import PlanItem, PlanTemplate
from core.extensions import db
from core.models import GroupMember, LiveState
from facilitator import plans
from tests.handouts.conftest import pdf_text, squash
from tests.helpers import events

ROUND_OWN = "A moment this week when you felt connected to someone, or wished you had."
WORDING = "One thing you noticed about your breathing since last week"


@pytest.fixture
def setup(app, make_facilitator, make_group, make_session):
    f = make_facilitator()
    g = make_group(f)
    gs = make_session(g, f)
    with app.app_context():
        ids = [plans.add(gs, slug).id for slug in ("go-around", "check-in", "box-breathing")]
    return f, g, gs, ids


def prompts(app, gs) -> list[str | None]:
    with app.app_context():
        return [i.prompt for i in plans.plan_items(gs)]


def live_plan(app, gs) -> list[dict]:
    with app.app_context():
        return live.load_state(gs.id)[0]["plan"]


def post_prompt(client, gs, item_id: int, **data):
    return client.post(f"/sessions/{gs.id}/plan/items/{item_id}/prompt", data=data)


# ---- saving and clearing --------------------------------------------------------------------------


def test_the_facilitator_saves_and_clears_a_rounds_wording(app, setup):
    f, _g, gs, (round_id, _form_id, _pacer_id) = setup
    r = post_prompt(f.client, gs, round_id, prompt=f"  {WORDING}\n ", action="save")
    assert r.status_code == 302 and r.location.endswith(f"/sessions/{gs.id}/plan#item-{round_id}")
    assert prompts(app, gs) == [WORDING, None, None]
    assert live_plan(app, gs)[0] == {"slug": "go-around", "title": "Go-around (talking piece)", "kind": "round", "minutes": 20,
                                     "prompt": WORDING}
    assert "prompt" not in live_plan(app, gs)[1]
    page = f.client.get(r.location).data.decode()
    assert "Go-around (talking piece) has its own wording for this session." in page
    assert f"Own wording for this session: <q>{WORDING}</q>" in page
    assert f">{WORDING}</textarea>" in page and f"The activity's own wording: <q>{ROUND_OWN}</q>" in page
    assert "Use the activity's wording" in page

    r = post_prompt(f.client, gs, round_id, prompt=WORDING, action="clear")
    assert r.location.endswith(f"#item-{round_id}")
    assert prompts(app, gs) == [None, None, None] and "prompt" not in live_plan(app, gs)[0]
    page = f.client.get(r.location).data.decode()
    assert "Go-around (talking piece) uses the activity&#39;s own wording." in page and "Own wording for this session" not in page
    # empty text clears too
    post_prompt(f.client, gs, round_id, prompt=WORDING)
    post_prompt(f.client, gs, round_id, prompt="   ", action="save")
    assert prompts(app, gs) == [None, None, None]


def test_a_co_facilitator_may_set_the_wording_of_a_form(app, setup, make_facilitator):
    _f, g, gs, (_round_id, form_id, _pacer_id) = setup
    co = make_facilitator()
    db.session.add(GroupMember(group_id=g.id, facilitator_id=co.id, role="co"))
    db.session.commit()
    post_prompt(co.client, gs, form_id, prompt="What is the weather inside you today?")
    assert prompts(app, gs) == [None, "What is the weather inside you today?", None]


def test_the_page_offers_wording_only_for_rounds_and_forms(setup):
    f, _g, gs, (round_id, form_id, pacer_id) = setup
    page = f.client.get(f"/sessions/{gs.id}/plan").data.decode()
    assert f'id="prompt-{round_id}"' in page and f'id="prompt-{form_id}"' in page
    assert f'id="prompt-{pacer_id}"' not in page and page.count("Wording for this session<") == 2
    assert 'maxlength="300"' in page
    assert "The activity's own wording: <q>What are you feeling right now?</q>" in page


BAD = [
    ("pacer", {"prompt": "Breathe how you like"}, "Only a round&#39;s prompt or a form&#39;s first question"),
    ("round", {"prompt": "x" * 301}, "300 characters or fewer"),
    ("round", {"prompt": "Hidden\u202eword"}, "hidden or control characters"),
    ("round", {"prompt": "\u3164\u3164"}, "would show as blank"),
    ("round", {"prompt": "Fine", "action": "delete"}, "300 characters or fewer"),
    ("foreign", {"prompt": "Fine"}, "not in this plan"),
]


@pytest.mark.parametrize("which,data,message", BAD)
def test_bad_wording_is_explained_and_changes_nothing(app, setup, make_facilitator, make_group, make_session,
                                                     which, data, message):
    f, _g, gs, (round_id, _form_id, pacer_id) = setup
    other = make_facilitator()
    ogs = make_session(make_group(other, "Their group"), other, "Theirs")
    with app.app_context():
        foreign = plans.add(ogs, "go-around").id
    item = {"round": round_id, "pacer": pacer_id, "foreign": foreign}[which]
    before = live_plan(app, gs)
    r = post_prompt(f.client, gs, item, **data)
    assert r.status_code == 302 and r.location.split("#")[0].endswith(f"/sessions/{gs.id}/plan")
    page = f.client.get(r.location).data.decode()
    assert "flash-error" in page and message in page, page[page.find("flash"):][:400]
    assert prompts(app, gs) == [None, None, None] and prompts(app, ogs) == [None]
    assert live_plan(app, gs) == before


def test_the_server_refuses_other_kinds_directly(app, setup):
    _f, _g, gs, (_round_id, _form_id, pacer_id) = setup
    with app.app_context(), pytest.raises(plans.PlanError, match="stays as written"):
        plans.set_prompt(gs, pacer_id, "Anything")


def test_an_ended_session_keeps_its_wording(app, setup):
    f, _g, gs, (round_id, _form_id, _pacer_id) = setup
    post_prompt(f.client, gs, round_id, prompt=WORDING)
    f.client.post(f"/sessions/{gs.id}/end")
    r = post_prompt(f.client, gs, round_id, action="clear")
    assert "This session has ended" in f.client.get(r.location).data.decode()
    assert prompts(app, gs) == [WORDING, None, None]
    page = f.client.get(f"/sessions/{gs.id}/plan").data.decode()
    assert f"Own wording for this session: <q>{WORDING}</q>" in page and "<textarea" not in page


# (who may set the wording, allowed and refused: PLAN_ROUTES in tests/facilitator/test_plans.py)


def test_the_wording_needs_the_csrf_token(app, setup):
    f, _g, gs, (round_id, _form_id, _pacer_id) = setup
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert post_prompt(f.client, gs, round_id, prompt=WORDING).status_code == 400
        assert prompts(app, gs) == [None, None, None]
        page = f.client.get(f"/sessions/{gs.id}/plan").data.decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert post_prompt(f.client, gs, round_id, prompt=WORDING, csrf_token=token).status_code == 302
        assert prompts(app, gs) == [WORDING, None, None]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_wording_is_escaped(app, setup):
    f, _g, gs, (round_id, _form_id, _pacer_id) = setup
    post_prompt(f.client, gs, round_id, prompt="<script>alert(1)</script>")
    page = f.client.get(f"/sessions/{gs.id}/plan").data.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---- copies and templates -------------------------------------------------------------------------


def test_copies_and_templates_carry_the_wording(app, setup, make_session):
    f, g, gs, (round_id, form_id, _pacer_id) = setup
    post_prompt(f.client, gs, round_id, prompt=WORDING)
    post_prompt(f.client, gs, form_id, prompt="How is your body today?")
    later = make_session(g, f, "Week 2")
    f.client.post(f"/sessions/{later.id}/plan/copy", data={"source": gs.id})
    assert prompts(app, later) == [WORDING, "How is your body today?", None]
    assert live_plan(app, later)[0]["prompt"] == WORDING

    f.client.post(f"/sessions/{gs.id}/plan/templates", data={"name": "Worded"})
    template = db.session.query(PlanTemplate).one()
    assert template.items == [{"slug": "go-around", "minutes": 20, "prompt": WORDING},
                              {"slug": "check-in", "minutes": 15, "prompt": "How is your body today?"},
                              {"slug": "box-breathing", "minutes": 5}]
    template_id = template.id
    third = make_session(g, f, "Week 3")
    f.client.post(f"/sessions/{third.id}/plan/apply-template", data={"template": template_id})
    assert prompts(app, third) == [WORDING, "How is your body today?", None]


def test_a_templates_bad_wording_is_left_out_not_copied(app, setup):
    _f, g, gs, _ids = setup
    with app.app_context(), db.transaction() as s:
        s.add(PlanTemplate(group_id=g.id, name="Old", items=[{"slug": "go-around", "minutes": 5, "prompt": 42},
                                                             {"slug": "go-around", "minutes": 5, "prompt": "x" * 400}]))
    with app.app_context():
        template = db.session.query(PlanTemplate).one()
        assert plans.apply_template(gs, template) == (2, 0)
    assert prompts(app, gs)[3:] == [None, None]


# ---- the activity with the session's wording -----------------------------------------------------


def test_worded_replaces_a_rounds_prompt_and_a_forms_first_label_only(app):
    with app.app_context():
        go_around, check_in, pacer = (catalogue.library().get(s) for s in ("go-around", "check-in", "box-breathing"))
    worded = plan.worded(go_around, WORDING)
    assert worded.settings.prompt == WORDING and go_around.settings.prompt == ROUND_OWN  # the library is untouched
    assert worded.settings.turn_seconds == go_around.settings.turn_seconds and worded.title == go_around.title
    form = plan.worded(check_in, "How is your body today?")
    assert [f.label for f in form.settings.fields][0] == "How is your body today?"
    assert [f.label for f in form.settings.fields][1:] == [f.label for f in check_in.settings.fields][1:]
    assert [f.id for f in form.settings.fields] == [f.id for f in check_in.settings.fields]
    assert check_in.settings.fields[0].label == "What are you feeling right now?"
    assert plan.worded(pacer, "Anything") is pacer and plan.worded(go_around, None) is go_around
    assert plan.prompt_of(go_around) == ROUND_OWN and plan.prompt_of(pacer) is None
    assert "prompt" not in plan.entry("box-breathing", pacer, 5, "Anything")


# ---- live -----------------------------------------------------------------------------------------


def cmd(sc, type_, **args):
    return sc.emit("command", {"type": type_, **args}, callback=True)


def last_view(sc):
    views = events(sc, "view")
    return views[-1] if views else None


@pytest.fixture
def live_room(app, setup, sock, admit_phones):
    f, _g, gs, ids = setup
    fac = sock(f.client, gs, "facilitator")
    phones = admit_phones(gs, fac, ("Ana", "Ben"))
    disp = sock(app.test_client(), gs, "display", display=gs.display_token)
    return {"f": f, "gs": gs, "ids": ids, "fac": fac, "disp": disp, "ana": phones["Ana"][0]}


def test_a_started_round_shows_the_sessions_wording_on_every_screen(app, live_room):
    f, gs, fac, disp, ana = (live_room[k] for k in ("f", "gs", "fac", "disp", "ana"))
    post_prompt(f.client, gs, live_room["ids"][0], prompt=WORDING)
    for sc in (fac, disp, ana):
        sc.get_received()
    assert cmd(fac, "plan_go", index=0)["ok"]
    fview, pview, dview = last_view(fac), last_view(ana), last_view(disp)
    for view in (fview, pview, dview):
        assert view["activity"]["item"]["slug"] == "go-around"
        assert view["activity"]["item"]["settings"]["prompt"] == WORDING
        assert view["activity"]["view"]["prompt"] == WORDING
    for sc_view in (fview, pview, dview):  # (the file's list of other prompts, shown as ideas, still has it)
        shown = sc_view["activity"]
        assert ROUND_OWN not in json.dumps([shown["view"], shown["item"]["settings"]])
    assert fview["plan"]["items"][0]["prompt"] == WORDING
    with app.app_context():
        state = live.load_state(gs.id)[0]
    assert state["activity"]["prompt"] == WORDING


def test_a_started_form_asks_the_sessions_first_question(app, live_room):
    f, gs, fac, disp, ana = (live_room[k] for k in ("f", "gs", "fac", "disp", "ana"))
    post_prompt(f.client, gs, live_room["ids"][1], prompt="How is your body today?")
    assert cmd(fac, "plan_go", index=1)["ok"]
    for view in (last_view(fac), last_view(ana), last_view(disp)):
        fields = view["activity"]["item"]["settings"]["fields"]
        assert fields[0]["label"] == "How is your body today?" and fields[1]["label"] == "How strong is it?"
    answers = {"feeling": {"word": "calm", "family": "calm"}, "intensity": 3}
    ack = ana.emit("command", {"type": "activity", "action": "submit", "args": {"answers": answers}}, callback=True)
    assert ack["ok"], ack  # answering works as before: the field ids did not change
    with app.app_context():
        assert live.load_state(gs.id)[0]["activity"]["fields"][0]["label"] == "How is your body today?"


def test_wording_saved_while_a_round_runs_leaves_that_round_as_it_is(app, live_room):
    f, gs, fac = live_room["f"], live_room["gs"], live_room["fac"]
    assert cmd(fac, "plan_go", index=0)["ok"]
    assert last_view(fac)["activity"]["item"]["settings"]["prompt"] == ROUND_OWN
    post_prompt(f.client, gs, live_room["ids"][0], prompt=WORDING)
    view = last_view(fac)
    assert view["plan"]["items"][0]["prompt"] == WORDING  # the plan has it, for the next start
    assert view["activity"]["item"]["settings"]["prompt"] == ROUND_OWN  # nobody's question changes mid-turn


# ---- handouts -------------------------------------------------------------------------------------


def test_the_packet_prints_the_sessions_wording(app, setup):
    f, _g, gs, (round_id, form_id, _pacer_id) = setup
    post_prompt(f.client, gs, round_id, prompt=WORDING)
    post_prompt(f.client, gs, form_id, prompt="How is your body today?")
    guide = f.client.get(f"/sessions/{gs.id}/handouts/packet").data.decode()
    assert f"Round prompt: {WORDING}" in guide and f"Round prompt: {ROUND_OWN}" not in guide
    assert "How is your body today?" in guide
    sheet = f.client.get(f"/sessions/{gs.id}/handouts/packet?edition=participant").data.decode()
    assert WORDING in sheet and "How is your body today?" in sheet
    assert "What are you feeling right now?" not in sheet
    text = pdf_text(f.client.get(f"/sessions/{gs.id}/handouts/packet.pdf?edition=participant").data)
    first = text.split("OTHERQUESTIONSTOTHINKABOUT")[0]  # the file's other prompts follow, as ideas
    assert squash(WORDING) in first and squash(ROUND_OWN) not in first
    assert squash("How is your body today?") in text and squash("What are you feeling right now?") not in text


def test_the_worksheet_does_not_list_the_replaced_prompt_as_another_question(app, setup):
    """The session's wording takes the round prompt's place: the file's prompt is not offered again under
    "Other questions to think about"; the file's other prompts still are. Without a wording it is the box."""
    f, _g, gs, (round_id, _form_id, _pacer_id) = setup
    with app.app_context():
        others = [p for p in catalogue.library().get("go-around").prompts if p != ROUND_OWN]
    post_prompt(f.client, gs, round_id, prompt=WORDING)
    sheet = f.client.get(f"/sessions/{gs.id}/handouts/packet?edition=participant").data.decode()
    assert WORDING in sheet and ROUND_OWN not in sheet
    assert "Other questions to think about" in sheet and all(p in sheet for p in others)
    text = squash(pdf_text(f.client.get(f"/sessions/{gs.id}/handouts/packet.pdf?edition=participant").data))
    assert squash(WORDING) in text and squash(ROUND_OWN) not in text and squash(others[0]) in text

    post_prompt(f.client, gs, round_id, action="clear")
    sheet = f.client.get(f"/sessions/{gs.id}/handouts/packet?edition=participant").data.decode()
    assert sheet.count(ROUND_OWN) == 1 and WORDING not in sheet  # the file's prompt, once, as the round's own


def test_the_guide_says_once_which_wording_the_session_replaces(app, setup):
    """The facilitator's packet lists the file's other prompts, not the replaced one beside the session's
    own wording; it says once what the session's wording replaces."""
    f, _g, gs, (round_id, _form_id, _pacer_id) = setup
    post_prompt(f.client, gs, round_id, prompt=WORDING)
    guide = f.client.get(f"/sessions/{gs.id}/handouts/packet").data.decode()
    assert guide.count(ROUND_OWN) == 1
    assert f"own wording replaces the usual one: {ROUND_OWN}" in guide
    post_prompt(f.client, gs, round_id, action="clear")
    guide = f.client.get(f"/sessions/{gs.id}/handouts/packet").data.decode()
    assert "own wording replaces" not in guide


def test_the_consoles_plan_list_shows_the_sessions_wording_before_the_item_starts(app, live_room):
    f, gs, fac = live_room["f"], live_room["gs"], live_room["fac"]
    post_prompt(f.client, gs, live_room["ids"][0], prompt=WORDING)
    shown = f"Own wording for this session: <q>{WORDING}</q>"
    page = f.client.get(f"/sessions/{gs.id}/console").data.decode()
    plan_list = page[page.find('id="plan-items"'):]
    assert shown in plan_list[:plan_list.find("</ol>")]
    assert page.count("Own wording for this session") == 1  # only the worded item, not the form or pacer
    view = last_view(fac)
    assert view["activity"] is None and shown in view["plan_html"]
    post_prompt(f.client, gs, live_room["ids"][0], action="clear")
    assert "Own wording for this session" not in last_view(fac)["plan_html"]


# ---- erasure ---------------------------------------------------------------------------------------


def test_erasing_the_session_erases_its_wording(app, setup):
    f, _g, gs, (round_id, _form_id, _pacer_id) = setup
    secret = "Quokkawording for this week only"
    post_prompt(f.client, gs, round_id, prompt=secret)
    assert f.client.post(f"/sessions/{gs.id}/erase", data={"confirm": "erase"}).status_code == 302
    with app.app_context():
        assert db.session.query(PlanItem).filter(PlanItem.prompt.is_not(None)).count() == 0
        assert db.session.query(PlanItem).filter_by(session_id=gs.id).count() == 0
        assert db.session.get(LiveState, gs.id) is None  # the live plan entries (with the wording) go too
