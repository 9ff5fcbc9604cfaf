"""Practice guides for facilitators (activities/guides.py): the shipped ones load, broken files are
reported by file and field, and an activity can only lean on a guide that exists."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from activities import guides
from activities.library import LIBRARY_DIR, LibraryError, load_file, load_library

RUPTURES = "repairing-ruptures"


def test_the_ruptures_guide_carries_the_principles_and_the_worked_situations():
    guide = guides.shipped()[RUPTURES]
    headings = " ".join(s.heading for s in guide.sections).casefold()
    assert "pull back" in headings and "closeness" in headings and "frame" in headings
    titles = " ".join(s.title for s in guide.situations).casefold()
    for situation in ("cancel", "ignored", "stung", "late", "care", "reassurance", "quiet", "mistake"):
        assert situation in titles, situation
    assert all(len(s.what_helps) >= 2 for s in guide.situations)


def test_guides_never_label_a_member():
    text = yaml.safe_dump(guides.shipped()[RUPTURES].model_dump()).casefold()
    assert " anxious " not in text and " avoidant " not in text


@pytest.mark.parametrize("slug", ["repair-script", "compassionate-feedback"])
def test_the_activities_that_say_repair_it_with_the_group_link_the_guide(slug):
    activity = load_library()[slug]
    assert RUPTURES in activity.guides
    assert any("Repairing ruptures" in note for note in activity.safety_notes)


def _write(directory: Path, name: str, data: dict) -> None:
    (directory / name).write_text(yaml.safe_dump(data), encoding="utf-8")


GOOD = {"slug": "a-guide", "title": "A guide", "summary": "A short guide.", "intro": "Why.",
        "sections": [{"heading": "One", "body": "Text."}]}


def test_a_broken_guide_is_reported_by_file_and_field(tmp_path):
    _write(tmp_path, "a-guide.yaml", GOOD)
    assert list(guides.load(tmp_path)) == ["a-guide"]
    _write(tmp_path, "b-guide.yaml", {**GOOD, "slug": "b-guide", "sections": [{"heading": "One"}],
                                      "situations": [{"title": "T", "what_happens": "x", "what_it_may_stir": "y",
                                                      "what_helps": []}]})
    _write(tmp_path, "c-guide.yaml", {**GOOD, "slug": "not-c"})
    with pytest.raises(guides.GuideError) as err:
        guides.load(tmp_path)
    message = str(err.value)
    assert "b-guide.yaml: sections.0.body" in message and "b-guide.yaml: situations.0.what_helps" in message
    assert "c-guide.yaml: slug: must equal the file name" in message


def test_an_activity_naming_an_unknown_guide_does_not_load(tmp_path):
    data = yaml.safe_load((LIBRARY_DIR / "repair-script.yaml").read_text(encoding="utf-8"))
    data["guides"] = ["no-such-guide"]
    path = tmp_path / "repair-script.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(LibraryError) as err:
        load_file(path)
    assert any(p.field == "guides" and "no-such-guide" in p.reason for p in err.value.problems)
    data["guides"] = [RUPTURES]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_file(path).guides == [RUPTURES]


def test_an_uploaded_activity_can_lean_on_a_shipped_guide_only():
    from facilitator.custom_activities import validate

    data = yaml.safe_load((LIBRARY_DIR / "go-around.yaml").read_text(encoding="utf-8"))  # a kind groups may write
    assert validate({**data, "guides": [RUPTURES]}) == []
    assert validate({**data, "guides": ["made-up"]}) == [("guides", "there is no guide called 'made-up'")]
    assert validate({**data, "guides": ["Not A Slug"]})[0][0].startswith("guides")
