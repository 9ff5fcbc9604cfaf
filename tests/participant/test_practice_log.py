"""The practice log on the member's page: the shape and size of each kind, the days it may be about,
the daily ceiling, a client key stored once (the offline phone resends), delete, and privacy."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core import members
from core.extensions import db
from core.member_models import PracticeEntry
from core.models import utcnow
from participant import practice
from tests.participant import member_fixtures
from tests.participant.member_fixtures import member_browser

world = member_fixtures.world  # the shared fixture, used by name

TODAY = utcnow().date()
GOOD = {
    "morning": {"feeling_word": "hopeful", "feeling_family": "glad", "need": "a slow walk"},
    "evening": {"went_well": "lunch with Sam", "repair": "said sorry to Jo", "lesson": "ask sooner"},
    "ladder": {"step": "asked a colleague for help", "expected": 7, "actual": 4},
}


def body(kind: str, key: str = "key-0000001", day=None, **fields) -> dict:
    return {"kind": kind, "day": (day or TODAY).isoformat(), "client_key": key, **GOOD[kind], **fields}


def entries(app) -> list[PracticeEntry]:
    with app.app_context():
        return list(db.session.query(PracticeEntry).order_by(PracticeEntry.id))


def url(w) -> str:
    return f"/me/{w['m'].public_id}/practice"


@pytest.mark.parametrize("kind", ["morning", "evening", "ladder"])
def test_each_kind_saves_as_json_and_shows_on_the_page(app, world, kind):
    r = world["client"].post(url(world), json=body(kind))
    assert r.status_code == 201 and r.json["ok"] and not r.json["repeat"]
    [e] = entries(app)
    assert e.kind == kind and e.day == TODAY and e.member_id == world["m"].id
    page = world["client"].get(f"/me/{world['m'].public_id}").data.decode()
    assert r.json["entry"]["line"] in page
    if kind == "morning":
        assert e.data == {"feeling": {"word": "hopeful", "family": "glad"}, "need": "a slow walk"}
        assert "Feeling hopeful (glad); needing a slow walk" in page


def test_a_ladder_step_holds_the_fear_the_outcome_and_the_body_on_one_discomfort_scale(app, world):
    r = world["client"].post(url(world), json=body("ladder", feared=" They would say no ", happened="They said yes",
                                                   body="tight chest"))
    assert r.status_code == 201
    [e] = entries(app)
    assert e.data == {"step": "asked a colleague for help", "expected": 7, "actual": 4,
                      "feared": "They would say no", "happened": "They said yes", "body": "tight chest"}
    assert r.json["entry"]["line"] == ("asked a colleague for help: discomfort expected 7/10, felt 4/10; "
                                       "feared: They would say no; what happened: They said yes; in my body: tight chest")
    page = world["client"].get(f"/me/{world['m'].public_id}").data.decode()
    assert "The discomfort I expected" in page and "The discomfort I felt, at its strongest" in page
    assert "Steps I have tried more than once" not in page  # one try is not yet a series


def test_the_optional_ladder_lines_stay_out_when_empty(app, world):
    world["client"].post(url(world), json=body("ladder", feared="  ", happened=""))
    [e] = entries(app)
    assert set(e.data) == {"step", "expected", "actual"}


def test_tries_of_the_same_step_are_shown_side_by_side_oldest_first(app, world):
    for n, (ago, step, expected, actual) in enumerate([(6, "Asked a colleague for help", 7, 6),
                                                       (3, "asked a colleague  for help.", 6, 4),
                                                       (2, "Went to the quiz", 5, 5),
                                                       (1, "Asked a colleague for help", 5, 2)]):
        r = world["client"].post(url(world), json=body("ladder", key=f"key-ladder-{n}", step=step, expected=expected,
                                                       actual=actual, day=TODAY - timedelta(days=ago)))
        assert r.status_code == 201
    with app.app_context():
        tried = practice.attempts(practice.ladder_entries(db.session.get(type(world["m"]), world["m"].id)))
    assert [t["step"] for t in tried] == ["Asked a colleague for help"]  # the quiz was tried once
    assert [(x["expected"], x["actual"]) for x in tried[0]["tries"]] == [(7, 6), (6, 4), (5, 2)]
    page = world["client"].get(f"/me/{world['m'].public_id}").data.decode()
    assert "Steps I have tried more than once" in page and "<caption>Asked a colleague for help</caption>" in page


@pytest.mark.parametrize("change", [{"feared": "x" * 301}, {"happened": 3}, {"body": "x" * 201}])
def test_the_ladder_lines_are_checked_for_size_and_shape(app, world, change):
    r = world["client"].post(url(world), json=body("ladder", **change))
    assert r.status_code == 400 and entries(app) == []


def test_the_same_client_key_is_stored_once(app, world):
    first = world["client"].post(url(world), json=body("evening", key="phone-key-123"))
    again = world["client"].post(url(world), json=body("evening", key="phone-key-123", lesson="changed"))
    assert first.status_code == 201 and again.status_code == 200 and again.json["repeat"]
    [e] = entries(app)
    assert e.data["lesson"] == "ask sooner"  # the repeat changes nothing


def test_a_plain_form_post_works_without_script(app, world):
    page = world["client"].get(f"/me/{world['m'].public_id}").data.decode()
    assert 'name="client_key" value="' in page  # the server makes a key for each form
    data = {k: str(v) for k, v in body("ladder", key="server-made-key").items()}
    r = world["client"].post(url(world), data=data)
    assert r.status_code == 302 and r.location.endswith(f"/me/{world['m'].public_id}#practice")
    assert world["client"].post(url(world), data=data).status_code == 302  # back and submit again: once
    [e] = entries(app)
    assert e.data == {"step": "asked a colleague for help", "expected": 7, "actual": 4}


BAD = [
    ("morning", {"feeling_word": ""}, "write a word"),
    ("morning", {"feeling_word": "x" * 41}, "40 characters"),
    ("morning", {"feeling_family": "purple"}, "family from the list"),
    ("morning", {"need": "y" * 301}, "300 characters"),
    ("morning", {"need": ["a", "list"]}, "takes text"),
    ("evening", {"went_well": "", "repair": "", "lesson": ""}, "at least one"),
    ("ladder", {"expected": 11}, "0 to 10"),
    ("ladder", {"actual": -1}, "0 to 10"),
    ("ladder", {"actual": 2.5}, "0 to 10"),
    ("ladder", {"expected": True}, "0 to 10"),
    ("ladder", {"step": ""}, "the step"),
    ("ladder", {"mood": "extra field"}, "fields the log does not know"),
    ("ladder", {"day": (TODAY + timedelta(days=2)).isoformat()}, "still to come"),
    ("ladder", {"day": (TODAY - timedelta(days=15)).isoformat()}, "last 14 days"),
    ("ladder", {"day": "2026-02-30"}, "choose the day"),
    ("ladder", {"client_key": "short"}, "could not be read"),
    ("ladder", {"kind": "diary"}, "choose a morning"),
]


@pytest.mark.parametrize("kind,change,reason", BAD)
def test_invalid_entries_save_nothing_and_say_why(app, world, kind, change, reason):
    r = world["client"].post(url(world), json={**body(kind), **change})
    assert r.status_code == 400 and not r.json["ok"] and reason.lower() in r.json["error"].lower()
    assert entries(app) == []


def test_a_refused_form_post_shows_the_reason_and_keeps_the_words(app, world):
    data = {**{k: str(v) for k, v in body("evening").items()}, "lesson": "z" * 301, "went_well": "kept words"}
    r = world["client"].post(url(world), data=data)
    page = r.data.decode()
    assert r.status_code == 400 and "300 characters" in page and "kept words" in page
    assert entries(app) == []


def test_not_json_at_all_is_refused(app, world):
    r = world["client"].post(url(world), data="[1, 2", content_type="application/json")
    assert r.status_code == 400 and entries(app) == []
    r = world["client"].post(url(world), json=["a", "list"])
    assert r.status_code == 400 and entries(app) == []


@pytest.mark.parametrize("offset", [-14, -1, 0, 1])
def test_days_allowed_from_two_weeks_ago_to_tomorrow(app, world, offset):
    r = world["client"].post(url(world), json=body("evening", day=TODAY + timedelta(days=offset)))
    assert r.status_code == 201


def test_a_daily_ceiling_on_entries(app, world, monkeypatch):
    assert practice.PER_DAY == 50
    monkeypatch.setattr(practice, "PER_DAY", 3)
    for n in range(3):
        assert world["client"].post(url(world), json=body("evening", key=f"key-{n:08d}")).status_code == 201
    r = world["client"].post(url(world), json=body("evening", key="key-overflow"))
    assert r.status_code == 400 and "tomorrow" in r.json["error"] and len(entries(app)) == 3


def test_delete_own_entry_only(app, world, make_facilitator):
    world["client"].post(url(world), json=body("evening"))
    [e] = entries(app)
    with app.app_context():
        ben = members.add(world["g"], "Ben", world["f"].id)
        ben_client = member_browser(app, ben, members.new_link(ben, world["f"].id))
    assert ben_client.post(f"/me/{ben.public_id}/practice/{e.id}/delete").status_code == 302
    assert len(entries(app)) == 1  # Ben's page cannot delete Ana's entry
    assert app.test_client().post(f"{url(world)}/{e.id}/delete").status_code == 403
    assert world["client"].post(f"{url(world)}/{e.id}/delete").status_code == 302
    assert entries(app) == []


def test_entries_older_than_two_weeks_leave_the_list(app, world):
    world["client"].post(url(world), json=body("evening", lesson="Oldlessonword"))
    with app.app_context(), db.transaction() as s:
        s.query(PracticeEntry).update({"day": TODAY - timedelta(days=20)})
    assert "Oldlessonword" not in world["client"].get(f"/me/{world['m'].public_id}").data.decode()


def test_entries_never_reach_a_facilitator_page(app, world, make_session):
    world["client"].post(url(world), json=body("evening", lesson="Numbatsecretlesson"))
    f, g = world["f"], world["g"]
    gs = make_session(g, f)
    paths = [f"/groups/{g.id}", f"/groups/{g.id}/members", f"/groups/{g.id}/attendance", f"/sessions/{gs.id}/console",
             f"/sessions/{gs.id}/summary", f"/sessions/{gs.id}/handouts", f"/sessions/{gs.id}/shared-lines"]
    for path in paths:
        r = f.client.get(path)
        assert r.status_code in (200, 404) and b"Numbatsecretlesson" not in r.data, path
    assert f.client.get(f"/sessions/{gs.id}/console").status_code == 200
