"""A group's own activities (form and YAML upload) and activity previews."""
from __future__ import annotations

import io

import pytest

from core import live
from core.activity_models import CustomActivity
from core.extensions import db

ROUND = {
    "title": "Rose and thorn", "kind": "round", "category": "reflection",
    "summary": "One good thing and one hard thing from the week.",
    "purpose": "A gentle way to hear how the week went.", "intro": "Share a rose and a thorn from your week.",
    "duration": "12", "content_note": "",
    "steps": "2 | Explain the round | Each of us shares one rose and one thorn.\n\n10 | Go around the circle",
    "prompts": "What was your rose?\nWhat was your thorn?", "safety_notes": "Passing is always fine.",
    "debrief": "What did you notice?", "round_prompt": "Your rose and your thorn", "round_order": "random",
    "turn_seconds": "90",
}

YAML_OK = """\
kind: info
title: Sleep and mood
category: psychoeducation
summary: How sleep and mood affect each other.
purpose: Offer a simple picture of the sleep and mood cycle.
intro: A few minutes on sleep, and how it links to how we feel.
duration: 10
steps:
  - {minutes: 10, text: Read the sections together, say: "Let's read this together."}
prompts:
  - What helps you sleep?
settings:
  sections:
    - {heading: The cycle, body: Poor sleep lowers mood; low mood disturbs sleep.}
"""


@pytest.fixture
def setup(make_facilitator, make_group, make_session):
    f = make_facilitator()
    g = make_group(f)
    return f, g, make_session(g, f)


def new(client, g, **changes):
    return client.post(f"/groups/{g.id}/activities/new", data={**ROUND, **changes})


def upload(client, g, text: str | bytes, name: str = "activity.yaml"):
    raw = text.encode() if isinstance(text, str) else text
    return client.post(f"/groups/{g.id}/activities/upload", data={"file": (io.BytesIO(raw), name)},
                       content_type="multipart/form-data")


def test_a_round_made_with_the_form_is_stored_and_previewed(setup):
    f, g, gs = setup
    r = new(f.client, g)
    assert r.status_code == 302
    row = db.session.query(CustomActivity).one()
    assert row.slug == "rose-and-thorn" and row.group_id == g.id and row.created_by == f.id
    assert row.data["settings"] == {"order": "random", "turn_seconds": 90, "prompt": "Your rose and your thorn"}
    assert [s["minutes"] for s in row.data["steps"]] == [2, 10]
    assert row.data["steps"][0]["say"] == "Each of us shares one rose and one thorn."
    assert r.location.endswith(f"/groups/{g.id}/activities/custom-{row.id}")
    page = f.client.get(r.location).data.decode()
    assert "Rose and thorn" in page and "Each of us shares one rose and one thorn." in page
    assert "In a random order" in page and "1 min 30 s" in page and "Your group's own activity" in page
    again = new(f.client, g)
    assert again.status_code == 302
    assert sorted(r.slug for r in db.session.query(CustomActivity)) == ["rose-and-thorn", "rose-and-thorn-2"]


def test_form_problems_name_the_field_and_keep_what_was_typed(setup):
    f, g, _gs = setup
    r = new(f.client, g, prompts="", steps="2 | Explain\nabout ten | Go around", turn_seconds="5",
            summary="Kept <em>as typed</em>")
    page = r.data.decode()
    assert r.status_code == 400 and db.session.query(CustomActivity).count() == 0
    assert "Prompts for participants</a>: needs at least 1 entry" in page
    assert "Steps</a>: line 2: write it as minutes | what to do" in page
    assert "Seconds per turn</a>: must be at least 10" in page
    assert 'value="Kept &lt;em&gt;as typed&lt;/em&gt;"' in page and "about ten | Go around</textarea>" in page


def test_a_form_activity_with_questions_and_audiences(setup):
    f, g, _gs = setup
    fields = "scale | How strong is it? | facilitators\nshort text | What do you need? | the group\nlong | Notes | only you"
    r = new(f.client, g, title="My check-in", kind="form", form_fields=fields, go_around="y")
    assert r.status_code == 302, r.data
    data = db.session.query(CustomActivity).one().data
    assert [(q["id"], q["type"], q["audience"]) for q in data["settings"]["fields"]] == [
        ("how_strong_is_it", "scale", "facilitators"), ("what_do_you_need", "short_text", "group"),
        ("notes", "long_text", "private")]
    page = f.client.get(r.location).data.decode()
    assert "Only the member" in page and "Facilitators" in page and "The group" in page and "go-around" in page


def test_bad_form_questions_and_pacer_pattern_are_explained(setup):
    f, g, _gs = setup
    r = new(f.client, g, kind="form", form_fields="slider | How much? | facilitators\nscale | Ok? | the boss")
    page = r.data.decode()
    assert r.status_code == 400
    assert "line 1: “slider” is not an answer type" in page and "line 2: “the boss” is not one of" in page
    r = new(f.client, g, kind="pacer", pacer_pattern="in 4, sigh 3")
    assert r.status_code == 400 and "“sigh 3”: write each part as in, hold, out or rest" in r.data.decode()
    r = new(f.client, g, kind="pacer", pacer_pattern="in 4, out 60")
    assert r.status_code == 400 and "Breathing pattern</a>: part 2 (seconds): must be at most 20" in r.data.decode()
    assert db.session.query(CustomActivity).count() == 0
    r = new(f.client, g, kind="pacer", pacer_pattern="in 4, hold 2, out 6", pacer_cycles="5")
    assert r.status_code == 302
    assert db.session.query(CustomActivity).one().data["settings"]["pattern"][2] == {"label": "out", "seconds": 6}


def test_an_uploaded_yaml_activity_is_stored(setup):
    f, g, gs = setup
    r = upload(f.client, g, YAML_OK)
    assert r.status_code == 302, r.data
    row = db.session.query(CustomActivity).one()
    assert row.slug == "sleep-and-mood" and row.data["kind"] == "info"
    page = f.client.get(r.location).data.decode()
    assert "The cycle" in page and "Let&#39;s read this together." in page


@pytest.mark.parametrize("text,where,message", [
    (YAML_OK.replace("duration: 10", "duration: 999"), "duration", "must be at most 240"),
    (YAML_OK.replace("  sections:\n    - {heading: The cycle, body: Poor sleep lowers mood; low mood disturbs sleep.}\n",
                     "  sections: []\n"), "settings › sections", "needs at least 1 entry"),
    (YAML_OK.replace("{minutes: 10,", "{minutes: ten,"), "steps › item 1 › minutes", "must be a whole number"),
    (YAML_OK.replace("kind: info", "kind: pairs"), "kind", "please choose one of: info, round, form, pacer"),
    (YAML_OK + "colour: blue\n", "colour", "is not part of the activity format"),
    (YAML_OK.replace("title: Sleep and mood", "title: &t Sleep\nsummary2: *t"), "title", "anchors and aliases"),
    ("title: [unclosed", "(file)", "invalid YAML"),
    ("- just\n- a list\n", "(file)", "must be a set of fields"),
    (b"\xff\xfe not text", "(file)", "not plain text"),
    ("#" * (201 * 1024), "(file)", "larger than 200 KB"),
])
def test_a_bad_yaml_file_is_refused_naming_the_field(setup, text, where, message):
    f, g, _gs = setup
    r = upload(f.client, g, text)
    page = r.data.decode()
    assert r.status_code == 400 and "The file was not saved" in page
    assert f"<strong>{where}</strong>: " in page and message in page
    assert db.session.query(CustomActivity).count() == 0


def test_upload_without_a_file(setup):
    f, g, _gs = setup
    r = f.client.post(f"/groups/{g.id}/activities/upload", data={}, content_type="multipart/form-data")
    assert r.status_code == 400 and "Please choose a YAML file" in r.data.decode()


def test_a_custom_activity_can_be_planned_and_goes_live(app, setup):
    f, g, gs = setup
    new(f.client, g)
    slug = f"custom-{db.session.query(CustomActivity).one().id}"
    assert "Rose and thorn" in f.client.get(f"/sessions/{gs.id}/plan").data.decode()
    r = f.client.post(f"/sessions/{gs.id}/plan/add", data={"slug": slug})
    assert "Added Rose and thorn (12 min)" in f.client.get(r.location).data.decode()
    with app.app_context():
        assert live.load_state(gs.id)[0]["plan"] == [
            {"slug": slug, "title": "Rose and thorn", "kind": "round", "minutes": 12}]


def test_another_groups_activity_is_out_of_reach(app, setup, make_facilitator, make_group, make_session):
    f, g, gs = setup
    new(f.client, g)
    slug = f"custom-{db.session.query(CustomActivity).one().id}"
    other = make_facilitator()
    og = make_group(other, "Their group")
    ogs = make_session(og, other)
    assert other.client.get(f"/groups/{g.id}/activities/{slug}").status_code == 404
    assert other.client.get(f"/groups/{og.id}/activities/{slug}").status_code == 404
    r = other.client.post(f"/sessions/{ogs.id}/plan/add", data={"slug": slug})
    assert "not available to this group" in other.client.get(r.location).data.decode()
    with app.app_context():
        assert live.load_state(ogs.id)[0]["plan"] == []


def test_preview_of_a_library_activity_shows_the_whole_guide(setup):
    f, g, gs = setup
    page = f.client.get(f"/groups/{g.id}/activities/check-in?session={gs.id}").data.decode()
    for text in ("Step by step", "Let&#39;s start the way we always do", "Participant prompts",
                 "What are you feeling right now?", "Who sees it", "Facilitators", "The group",
                 "A scale from 0 to 10", "Safety notes", "Debrief questions", "In the room and online",
                 "Feelings list handout", "2 to 14 people", "alerted, privately, at 8 or above",
                 "Add to the plan for Week 1", "Back to the plan"):
        assert text in page, text
    breathing = f.client.get(f"/groups/{g.id}/activities/box-breathing").data.decode()
    assert "breathe in 4, hold 4, breathe out 4, rest 4" in breathing and "Add to the plan" not in breathing
    pairs = f.client.get(f"/groups/{g.id}/activities/empathic-listening").data.decode()
    assert "Speaker, Listener, Observer" in pairs and "Groups of three" in pairs
    cards = f.client.get(f"/groups/{g.id}/activities/appreciations-round").data.decode()
    assert "Sentence starters" in cards and "The addressee and the group see who wrote each card" in cards
    assert f.client.get(f"/groups/{g.id}/activities/no-such-thing").status_code == 404


def test_custom_activity_text_is_escaped(setup):
    f, g, _gs = setup
    r = new(f.client, g, title="<script>alert(1)</script> round", steps="3 | <b>bold</b> | <i>say</i>")
    assert r.status_code == 302
    page = f.client.get(r.location).data.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; round" in page
    assert "<b>bold</b>" not in page and "&lt;i&gt;say&lt;/i&gt;" in page
    assert db.session.query(CustomActivity).one().slug == "script-alert-1-script-round"


# ---- hostile structure: bounded before anything is built (issue 11, finding 1) --------------------

CANARY = "canary-words-of-a-participant"


def _nested(depth: int) -> str:
    return "[" * depth + CANARY + "]" * depth


@pytest.mark.parametrize("text,message,kind", [
    (YAML_OK + f"materials: {_nested(600)}\n", "nests deeper than 20 levels", "depth"),  # a 500 before
    (YAML_OK + f"materials: {_nested(6000)}\n", "nests deeper than 20 levels", "depth"),  # seconds, then a 500
    (YAML_OK + "materials: [" + ", ".join([CANARY] * 6000) + "]\n", "more than 5,000 values", "nodes"),
    (YAML_OK.replace("duration: 10", "duration: " + "7" * 5000), "looks like a date or a number", "value"),
    (YAML_OK.replace("duration: 10", "duration: 2024-13-45"), "looks like a date or a number", "value"),
    (YAML_OK.replace("duration: 10", "duration: !!timestamp soon"), "YAML tags", "tag"),
    (YAML_OK.replace("duration: 10", "duration: !!int ten"), "YAML tags", "tag"),
])
def test_a_hostile_file_gets_a_clear_error_and_nothing_is_stored(setup, caplog, text, message, kind):
    f, g, _gs = setup
    caplog.set_level("INFO", logger="facilitator.custom_activities")
    r = upload(f.client, g, text)
    page = r.data.decode()
    assert r.status_code == 400 and "The file was not saved" in page and message in page
    assert db.session.query(CustomActivity).count() == 0
    [record] = [rec for rec in caplog.records if rec.name == "facilitator.custom_activities"]
    assert record.getMessage() == f"activity upload refused: {kind}"
    assert record.levelname == ("WARNING" if kind in ("depth", "nodes") else "INFO")
    assert CANARY not in caplog.text and "7777" not in caplog.text


def test_a_wide_real_file_is_stored(setup):
    f, g, _gs = setup
    # thousands of notes: far wider than any real activity, still inside the node bound
    text = YAML_OK + "hybrid_notes:\n" + "".join(f"  - note {i}\n" for i in range(4000))
    r = upload(f.client, g, text)
    assert r.status_code == 302, r.data.decode()[:2000]
    assert len(db.session.query(CustomActivity).one().data["hybrid_notes"]) == 4000


def test_under_gevent_the_file_is_read_in_the_thread_pool(monkeypatch):
    import threading

    from gevent import monkey

    from facilitator import custom_activities

    here = threading.get_ident()
    assert custom_activities._off_the_event_loop(threading.get_ident) == here  # not serving under gevent: inline
    monkey_patched = monkey.is_module_patched
    monkeypatch.setattr(monkey, "is_module_patched", lambda name: name == "threading" or monkey_patched(name))
    assert custom_activities._off_the_event_loop(threading.get_ident) != here
    assert custom_activities.read_yaml(YAML_OK.encode())[1] == []
    assert "nests deeper" in custom_activities.read_yaml(_nested(50).encode())[1][0][1]
