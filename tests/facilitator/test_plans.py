"""The session plan builder: changes round-trip, reach the live session, and bad input changes nothing."""
from __future__ import annotations

import pytest

from core import live
from core.activity_models import PlanItem, PlanTemplate
from core.extensions import db
from core.models import GroupMember
from facilitator import plans


@pytest.fixture
def setup(make_facilitator, make_group, make_session):
    f = make_facilitator()
    g = make_group(f)
    return f, g, make_session(g, f)


def rows(app, gs) -> list[tuple[str, int, int]]:
    with app.app_context():
        return [(i.slug, i.minutes, i.position) for i in plans.plan_items(gs)]


def live_plan(app, gs) -> list[dict]:
    with app.app_context():
        return live.load_state(gs.id)[0]["plan"]


def add(client, gs, slug: str, **extra):
    return client.post(f"/sessions/{gs.id}/plan/add", data={"slug": slug, **extra})


def item_ids(app, gs) -> list[int]:
    with app.app_context():
        return [i.id for i in plans.plan_items(gs)]


def test_add_uses_the_suggested_minutes_and_reaches_the_live_session(app, setup):
    f, _g, gs = setup
    r = add(f.client, gs, "check-in")
    assert r.status_code == 302 and r.location.endswith(f"/sessions/{gs.id}/plan?added=check-in#lib-check-in")
    assert rows(app, gs) == [("check-in", 15, 0)]
    assert live_plan(app, gs) == [{"slug": "check-in", "title": "Check-in round", "kind": "form", "minutes": 15}]
    page = f.client.get(r.location).data.decode()
    assert "Added Check-in round (15 min) to the plan." in page
    assert "Planned: <strong>15 minutes</strong>" in page


def test_plan_page_shows_library_by_category_and_kind_empty_states(setup):
    f, _g, gs = setup
    page = f.client.get(f"/sessions/{gs.id}/plan").data.decode()
    headings = ["Opening and closing", "Skill practice", "Reflection", "Psychoeducation", "Your group&#39;s activities"]
    positions = [page.index(f">{h}</h3>") for h in headings]
    assert positions == sorted(positions)
    assert "Nothing in this plan yet" in page and "has no activities of its own yet" in page
    assert "None of this group's other sessions has a plan yet" in page and "No templates yet" in page
    assert "Open the live console" in page and f'/sessions/{gs.id}/console' in page
    assert "<script" not in page.split("</header>", 1)[1]


def test_move_remove_and_minutes_keep_positions_dense(app, setup):
    f, _g, gs = setup
    for slug in ("check-in", "box-breathing", "check-out"):
        add(f.client, gs, slug)
    first, second, third = item_ids(app, gs)
    r = f.client.post(f"/sessions/{gs.id}/plan/items/{third}/move", data={"direction": "up"})
    assert r.status_code == 302 and r.location.endswith(f"/sessions/{gs.id}/plan#item-{third}")
    assert f'id="item-{third}"' in f.client.get(r.location).data.decode()
    assert [s for s, _, _ in rows(app, gs)] == ["check-in", "check-out", "box-breathing"]
    f.client.post(f"/sessions/{gs.id}/plan/items/{first}/move", data={"direction": "down"})
    assert [s for s, _, _ in rows(app, gs)] == ["check-out", "check-in", "box-breathing"]
    f.client.post(f"/sessions/{gs.id}/plan/items/{first}/remove")
    f.client.post(f"/sessions/{gs.id}/plan/items/{second}/minutes", data={"minutes": "7"})
    assert rows(app, gs) == [("check-out", 10, 0), ("box-breathing", 7, 1)]
    assert [(e["slug"], e["minutes"]) for e in live_plan(app, gs)] == [("check-out", 10), ("box-breathing", 7)]


def test_move_to_a_position_and_past_the_edges(app, setup):
    f, _g, gs = setup
    for slug in ("check-in", "box-breathing", "check-out"):
        add(f.client, gs, slug)
    ids = item_ids(app, gs)
    with app.app_context():
        plans.move(gs, ids[2], 0)
        with pytest.raises(plans.PlanError, match="top"):
            plans.move(gs, ids[2], "up")
        with pytest.raises(plans.PlanError, match="end"):
            plans.move(gs, ids[1], "down")
    assert [s for s, _, _ in rows(app, gs)] == ["check-out", "check-in", "box-breathing"]


def test_plan_holds_at_most_forty(app, setup):
    _f, _g, gs = setup
    with app.app_context():
        for _ in range(plans.PLAN_MAX):
            plans.add(gs, "box-breathing")
        with pytest.raises(plans.PlanError, match="at most 40"):
            plans.add(gs, "box-breathing")
    assert len(rows(app, gs)) == 40 and len(live_plan(app, gs)) == 40


def test_copy_the_plan_of_an_earlier_session(app, setup, make_session):
    f, g, gs = setup
    add(f.client, gs, "check-in")
    add(f.client, gs, "check-out", minutes="5")
    later = make_session(g, f, "Week 2")
    assert f"<option value=\"{gs.id}\">Week 1" in f.client.get(f"/sessions/{later.id}/plan").data.decode()
    r = f.client.post(f"/sessions/{later.id}/plan/copy", data={"source": gs.id}, follow_redirects=True)
    assert "Added 2 activities from “Week 1”." in r.data.decode()
    assert rows(app, later) == [("check-in", 15, 0), ("check-out", 5, 1)]
    assert len(live_plan(app, later)) == 2


def test_save_and_apply_a_template(app, setup, make_session):
    f, g, gs = setup
    add(f.client, gs, "check-in")
    add(f.client, gs, "grounding-5-4-3-2-1", minutes="8")
    r = f.client.post(f"/sessions/{gs.id}/plan/templates", data={"name": "Opening block"}, follow_redirects=True)
    assert "Saved this plan as the template “Opening block”." in r.data.decode()
    r = f.client.post(f"/sessions/{gs.id}/plan/templates", data={"name": "Opening block"}, follow_redirects=True)
    assert "There is already a template called" in r.data.decode()
    template = db.session.query(PlanTemplate).one()
    assert template.items == [{"slug": "check-in", "minutes": 15}, {"slug": "grounding-5-4-3-2-1", "minutes": 8}]
    template_id = template.id
    later = make_session(g, f, "Week 2")
    add(f.client, later, "check-out")
    r = f.client.post(f"/sessions/{later.id}/plan/apply-template", data={"template": template_id}, follow_redirects=True)
    assert "Added 2 activities from the template “Opening block”." in r.data.decode()
    assert [s for s, _, _ in rows(app, later)] == ["check-out", "check-in", "grounding-5-4-3-2-1"]
    assert [e["slug"] for e in live_plan(app, later)] == ["check-out", "check-in", "grounding-5-4-3-2-1"]


def test_template_skips_activities_that_are_gone(app, setup):
    f, g, gs = setup
    with app.app_context(), db.transaction() as s:
        s.add(PlanTemplate(group_id=g.id, name="Old", items=[{"slug": "check-in", "minutes": 15},
                                                             {"slug": "custom-999", "minutes": 5}]))
    template_id = db.session.query(PlanTemplate).one().id
    r = f.client.post(f"/sessions/{gs.id}/plan/apply-template", data={"template": template_id}, follow_redirects=True)
    assert "1 activity is no longer available and was left out." in r.data.decode()
    assert rows(app, gs) == [("check-in", 15, 0)]


def test_saving_an_empty_plan_as_a_template_is_refused(setup):
    f, _g, gs = setup
    r = f.client.post(f"/sessions/{gs.id}/plan/templates", data={"name": "Nothing"}, follow_redirects=True)
    assert "Add at least one activity" in r.data.decode() and db.session.query(PlanTemplate).count() == 0


@pytest.fixture
def other_group_things(app, make_facilitator, make_group, make_session):
    """A session with an item and a template, in a group the facilitator under test does not belong to."""
    other = make_facilitator()
    og = make_group(other, "Another group")
    ogs = make_session(og, other, "Their session")
    with app.app_context():
        item = plans.add(ogs, "check-in")
        with db.transaction() as s:
            s.add(PlanTemplate(group_id=og.id, name="Theirs", items=[{"slug": "check-out", "minutes": 10}]))
    return ogs, item.id, db.session.query(PlanTemplate).filter_by(group_id=og.id).one().id


BAD = [
    ("add", {"slug": "no-such-activity"}, "not available to this group"),
    ("add", {"slug": ""}, "Please choose an activity"),
    ("add", {"slug": "check-in", "minutes": "0"}, "between 1 and 240"),
    ("minutes", {"minutes": "241"}, "between 1 and 240"),
    ("minutes", {"minutes": "0"}, "between 1 and 240"),
    ("minutes", {"minutes": "ten"}, "whole number from 1 to 240"),
    ("move", {"direction": "sideways"}, "Move up or Move down"),
    ("foreign-remove", {}, "not in this plan"),
    ("foreign-minutes", {"minutes": "5"}, "not in this plan"),
    ("foreign-move", {"direction": "up"}, "not in this plan"),
    ("copy", {"source": "OTHER_SESSION"}, "not one of this group"),
    ("copy", {"source": "999999"}, "not one of this group"),
    ("copy", {"source": "SELF"}, "different session"),
    ("apply", {"template": "OTHER_TEMPLATE"}, "not one of this group"),
    ("save", {"name": ""}, "give the template a name"),
    ("save", {"name": "Bad\u202ename"}, "hidden or control characters"),
]


@pytest.mark.parametrize("action,data,message", BAD)
def test_bad_input_is_explained_and_changes_nothing(app, setup, other_group_things, action, data, message):
    f, g, gs = setup
    ogs, foreign_item, foreign_template = other_group_things
    add(f.client, gs, "check-in")
    own_item = item_ids(app, gs)[0]
    data = {k: {"OTHER_SESSION": ogs.id, "SELF": gs.id, "OTHER_TEMPLATE": foreign_template}.get(v, v)
            for k, v in data.items()}
    url = {
        "add": f"/sessions/{gs.id}/plan/add", "minutes": f"/sessions/{gs.id}/plan/items/{own_item}/minutes",
        "move": f"/sessions/{gs.id}/plan/items/{own_item}/move",
        "foreign-remove": f"/sessions/{gs.id}/plan/items/{foreign_item}/remove",
        "foreign-minutes": f"/sessions/{gs.id}/plan/items/{foreign_item}/minutes",
        "foreign-move": f"/sessions/{gs.id}/plan/items/{foreign_item}/move",
        "copy": f"/sessions/{gs.id}/plan/copy", "apply": f"/sessions/{gs.id}/plan/apply-template",
        "save": f"/sessions/{gs.id}/plan/templates",
    }[action]
    before, live_before = rows(app, gs), live_plan(app, gs)
    r = f.client.post(url, data=data)
    assert r.status_code == 302 and r.location.split("#")[0].endswith(f"/sessions/{gs.id}/plan")
    page = f.client.get(r.location).data.decode()
    assert "flash-error" in page and message in page.replace("&#39;", "'")
    assert rows(app, gs) == before and live_plan(app, gs) == live_before
    assert rows(app, ogs) == [("check-in", 15, 0)]
    assert db.session.query(PlanTemplate).filter_by(group_id=g.id).count() == 0


def test_an_ended_session_keeps_its_plan(app, setup):
    f, _g, gs = setup
    add(f.client, gs, "check-in")
    f.client.post(f"/sessions/{gs.id}/end")
    r = add(f.client, gs, "check-out")
    assert "This session has ended" in f.client.get(r.location).data.decode()
    assert rows(app, gs) == [("check-in", 15, 0)]
    page = f.client.get(f"/sessions/{gs.id}/plan").data.decode()
    assert "Save as template" in page and "to plan</button>" not in page


def test_user_text_is_escaped(app, make_facilitator, make_group, make_session):
    f = make_facilitator()
    g = make_group(f, "<b>Group</b>")
    gs = make_session(g, f, "<script>alert(1)</script>")
    add(f.client, gs, "check-in")
    f.client.post(f"/sessions/{gs.id}/plan/templates", data={"name": "<img src=x onerror=alert(1)>"})
    page = f.client.get(f"/sessions/{gs.id}/plan").data.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Group</b>" not in page and "<img src=x" not in page


PLAN_ROUTES = [
    ("get", "/sessions/{s}/plan"),
    ("post", "/sessions/{s}/plan/add"),
    ("post", "/sessions/{s}/plan/items/{i}/remove"),
    ("post", "/sessions/{s}/plan/items/{i}/move"),
    ("post", "/sessions/{s}/plan/items/{i}/minutes"),
    ("post", "/sessions/{s}/plan/items/{i}/prompt"),
    ("post", "/sessions/{s}/plan/copy"),
    ("post", "/sessions/{s}/plan/templates"),
    ("post", "/sessions/{s}/plan/apply-template"),
    ("get", "/groups/{g}/activities/check-in"),
    ("get", "/groups/{g}/activities/new"),
    ("post", "/groups/{g}/activities/new"),
    ("post", "/groups/{g}/activities/upload"),
]


@pytest.mark.parametrize("method,route", PLAN_ROUTES)
@pytest.mark.parametrize("who", ["owner", "co_facilitator", "other_facilitator", "participant", "anonymous"])
def test_plan_route_access_matrix(app, setup, make_facilitator, make_group, join, method, route, who):
    owner, g, gs = setup
    with app.app_context():
        plans.add(gs, "check-in")
        template_id = plans.save_template(gs, "Mine").id
    item = item_ids(app, gs)[0]
    if who == "owner":
        c = owner.client
    elif who == "co_facilitator":
        co = make_facilitator()
        db.session.add(GroupMember(group_id=g.id, facilitator_id=co.id, role="co"))
        db.session.commit()
        c = co.client
    elif who == "other_facilitator":
        other = make_facilitator()
        make_group(other, "Their own group")
        c = other.client
    elif who == "participant":
        c, _p = join(gs)
    else:
        c = app.test_client()
    data = {"slug": "check-out", "direction": "down", "minutes": "5", "source": gs.id, "name": "New",
            "template": template_id, "title": "Mine", "prompt": "Worded by someone outside the group"}
    url = route.format(g=g.id, s=gs.id, i=item)
    r = c.get(url) if method == "get" else c.post(url, data=data)
    if who in ("owner", "co_facilitator"):
        assert r.status_code in (200, 302, 400) and "/login" not in (r.location or "")
        return
    if who == "other_facilitator":
        assert r.status_code == 404
    else:
        assert r.status_code == 302 and "/login" in r.location
    assert rows(app, gs) == [("check-in", 15, 0)]
    assert db.session.query(PlanTemplate).count() == 1 and db.session.query(PlanItem).count() == 1
    assert db.session.get(PlanItem, item).prompt is None and "prompt" not in live_plan(app, gs)[0]


def test_adding_keeps_the_place_in_the_library(app, setup):
    """After Add the page comes back at the entry just added (not the top), and that entry says so."""
    f, _g, gs = setup
    r = add(f.client, gs, "go-around")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/sessions/{gs.id}/plan?added=go-around#lib-go-around")
    page = f.client.get(f"/sessions/{gs.id}/plan?added=go-around").data.decode()
    entry = page[page.index('id="lib-go-around"'):]
    assert entry.index("Added to the end of the plan.") < entry.index("</li>")
    assert page.count("Added to the end of the plan.") == 1
    refused = add(f.client, gs, "no-such-activity")
    assert "added=" not in refused.headers["Location"]
