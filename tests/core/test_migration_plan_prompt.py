"""Migration 0008: a plan item's own wording. Existing plans keep working (no wording: the activity's own),
and the step goes back down cleanly."""
from __future__ import annotations

from sqlalchemy import create_engine, inspect, text

from core import migrate


def columns(url: str) -> dict[str, dict]:
    engine = create_engine(url)
    try:
        return {c["name"]: c for c in inspect(engine).get_columns("plan_item")}
    finally:
        engine.dispose()


def test_0008_adds_the_plan_items_wording_and_keeps_existing_items(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url, "0007")
    assert "prompt" not in columns(url)
    engine = create_engine(url)
    with engine.begin() as conn:  # a plan item made before the wording existed (no foreign keys enforced here)
        conn.execute(text("INSERT INTO plan_item (id, session_id, position, slug, minutes) "
                          "VALUES (1, 1, 0, 'go-around', 20)"))
    migrate.upgrade(url, "0008")
    assert migrate.current(url) == "0008"
    prompt = columns(url)["prompt"]
    assert prompt["nullable"] is True and getattr(prompt["type"], "length", None) == 300
    with engine.begin() as conn:
        assert conn.execute(text("SELECT slug, minutes, prompt FROM plan_item")).all() == [("go-around", 20, None)]
        conn.execute(text("UPDATE plan_item SET prompt = 'Our own question' WHERE id = 1"))
    migrate.downgrade(url, "0007")
    assert "prompt" not in columns(url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT slug, minutes FROM plan_item")).all() == [("go-around", 20)]
    engine.dispose()
    migrate.upgrade(url)
    assert migrate.current(url) == migrate.head() == "0008"
