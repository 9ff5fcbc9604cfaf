"""The activity library: the real content loads cleanly and covers the catalogue; bad files are reported."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from activities.library import (
    EMOTIONS_PATH,
    LIBRARY_DIR,
    MAX_FILE_BYTES,
    Library,
    LibraryError,
    Problem,
    check_paths,
    load_emotions,
    load_file,
    load_library,
)

# CONTENT.md item number -> (slug, kind) of the files that implement it.
CATALOGUE: dict[int, list[tuple[str, str]]] = {
    1: [("group-agreements", "info")],
    2: [("check-in", "form")],
    3: [("check-out", "form")],
    4: [("go-around", "round")],
    5: [("empathic-listening", "pairs")],
    6: [("compassionate-feedback", "cards"), ("appreciations-round", "cards")],
    7: [("i-statement-builder", "cards")],
    8: [("repair-script", "pairs")],
    9: [("role-play-rehearsal", "pairs")],
    10: [("paced-breathing", "pacer"), ("grounding-5-4-3-2-1", "pacer"), ("box-breathing", "pacer")],
    11: [("experience-reflection-next-step", "form")],
    12: [("helped-hindered", "form")],
    13: [("trigger-safe-zone-map", "form")],
    14: [("thought-check", "form")],
    15: [("exposure-ladder", "form")],
    16: [("internal-working-models", "info")],
    17: [("attachment-patterns", "info")],
    18: [("secure-base-earned-security", "info")],
    19: [("phq-9", "measure"), ("gad-7", "measure"), ("session-feedback", "measure")],  # issue 13: measures
    # issue 15: what the library lacked (CONTENT.md, "What the library still lacks")
    20: [("other-possible-readings", "form")],
    21: [("the-kind-voice", "form")],
    22: [("boundaries-that-keep-connection", "pairs")],
    23: [("re-authoring-your-story", "form")],
    24: [("window-of-tolerance", "info")],
    25: [("steadying-plan", "form")],
    26: [("closing-session", "form"), ("booster-plan", "form")],
}
CATEGORY_OF_ITEM = {**dict.fromkeys(range(1, 4), "frame"), **dict.fromkeys(range(4, 11), "skill"),
                    **dict.fromkeys(range(11, 16), "reflection"), **dict.fromkeys(range(16, 19), "psychoeducation"), 19: "reflection",
                    20: "reflection", 21: "skill", 22: "skill", 23: "reflection", 24: "psychoeducation",
                    25: "reflection", 26: "reflection"}
ALL_SLUGS = [slug for items in CATALOGUE.values() for slug, _ in items]
HARD_MATERIAL = ["trigger-safe-zone-map", "exposure-ladder", "repair-script", "role-play-rehearsal",
                 "attachment-patterns", "empathic-listening", "compassionate-feedback"]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


# ---- the real library ---------------------------------------------------------------------


def test_real_library_has_no_problems():
    assert check_paths([LIBRARY_DIR, EMOTIONS_PATH]) == []


def test_library_holds_exactly_the_catalogue(library):
    assert sorted(a.slug for a in library.all()) == sorted(ALL_SLUGS)


@pytest.mark.parametrize("item", sorted(CATALOGUE))
def test_every_catalogue_item_is_present_with_its_kind_and_category(library, item):
    for slug, kind in CATALOGUE[item]:
        activity = library.get(slug)
        assert activity is not None, f"CONTENT.md item {item}: {slug} missing"
        assert activity.kind == kind
        assert activity.category == CATEGORY_OF_ITEM[item]


@pytest.mark.parametrize("slug", ALL_SLUGS)
def test_script_minutes_add_up_to_duration(library, slug):
    activity = library[slug]
    total = sum(step.minutes for step in activity.steps)
    assert abs(total - activity.duration) <= max(2, activity.duration // 10), (total, activity.duration)


@pytest.mark.parametrize("slug", ALL_SLUGS)
def test_every_activity_is_complete_enough_to_run(library, slug):
    a = library[slug]
    assert a.safety_notes, "safety notes"
    assert a.debrief, "debrief questions"
    assert a.hybrid_notes, "hybrid notes"
    assert sum(1 for step in a.steps if step.say) >= len(a.steps) - 1, "say: lines for the facilitator"
    assert re.search(r"\byou(r)?\b", a.intro, re.I), "intro speaks to the participant"


@pytest.mark.parametrize("slug", HARD_MATERIAL)
def test_hard_material_has_a_content_note(library, slug):
    assert library[slug].content_note


def test_check_in_is_configured_as_the_catalogue_says(library):
    s = library["check-in"].settings
    fields = {f.type: f for f in s.fields}
    assert s.go_around
    assert fields["emotion"].audience == "summary"  # the room may see a summary (activities/privacy.py)
    assert fields["scale"].distress_alert and fields["scale"].audience == "summary"
    assert fields["short_text"].audience == "group" and not fields["short_text"].required


def test_check_out_commitment_is_not_shared_with_the_group(library):
    fields = {f.id: f for f in library["check-out"].settings.fields}
    assert fields["commitment"].audience in {"private", "facilitators"}


def test_trigger_map_is_private_by_default(library):
    fields = library["trigger-safe-zone-map"].settings.fields
    shared = [f.id for f in fields if f.audience != "private"]
    assert shared == ["share_one"]
    assert sum(f.type == "list" for f in fields) >= 4


def test_thought_check_names_the_thinking_traps(library):
    a = library["thought-check"]
    for trap in ("catastrophising", "overgeneralising", "all-or-nothing", "mind-reading"):
        assert trap in a.intro.lower()


def test_repair_script_practises_both_sides_with_ownership_and_follow_through(library):
    s = library["repair-script"].settings
    assert len(s.repair_steps) == 6
    assert s.repair_steps[1].startswith("Own it and apologise") and "I'm sorry" in s.repair_steps[1]
    assert "What would help you feel more secure next time?" in s.repair_steps[4]
    assert s.repair_steps[5].startswith("Follow through") and "check back" in s.repair_steps[5]
    assert any("I felt hurt" in step for step in s.ask_steps)
    assert any("Can we agree" in step for step in s.ask_steps)
    assert s.roles[1] == "Person asking for repair" and s.scenarios and len(s.roles) == 3


def test_the_thought_check_rates_the_belief_and_the_feeling_again_at_the_end(library):
    fields = {f.id: f for f in library["thought-check"].settings.fields}
    ids = list(fields)
    assert ids.index("feeling") < ids.index("evidence_for") < ids.index("feeling_after")
    assert (fields["feeling_before"].min_label, fields["feeling_before"].max_label) == \
        (fields["feeling_after"].min_label, fields["feeling_after"].max_label)
    assert ids.index("belief_before") < ids.index("belief_after")


def test_the_reflection_tests_another_reading_before_the_next_step(library):
    ids = [f.id for f in library["experience-reflection-next-step"].settings.fields]
    assert ids.index("story") < ids.index("other_reading") < ids.index("next_time")


def test_the_ladder_sets_fear_against_outcome_and_discomfort_on_one_scale(library):
    fields = {f.id: f for f in library["exposure-ladder"].settings.fields}
    ids = list(fields)
    assert ids.index("feared") < ids.index("happened") and ids.index("feared_sure") < ids.index("feared_sure_after")
    same = [(fields[a].min_label, fields[a].max_label) for a in ("expected", "in_the_moment")]
    assert same[0] == same[1] == ("calm", "as strong as it gets")
    assert fields["feared_sure"].min_label == fields["feared_sure_after"].min_label
    assert fields["body"].type == "short_text"
    assert all(f.audience == "private" for f in fields.values())


def test_the_default_agreements_come_from_the_agreements_activity(library):
    lines = [line for section in library["group-agreements"].settings.sections for line in section.agreements]
    text = " ".join(lines)
    assert "record, screenshot" in text and "within the limits they explained" in text
    assert len(lines) >= 6


def test_feedback_cards_are_anonymous_to_the_group_only(library):
    assert library["compassionate-feedback"].settings.anonymity == "facilitators"
    assert library["appreciations-round"].settings.mode == "appreciations"


def test_pacers(library):
    assert [(p.label, p.seconds) for p in library["box-breathing"].settings.pattern] == [
        ("in", 4), ("hold", 4), ("out", 4), ("rest", 4)]
    assert [(p.label, p.seconds) for p in library["paced-breathing"].settings.pattern] == [("in", 4), ("out", 6)]
    assert [s.count for s in library["grounding-5-4-3-2-1"].settings.senses] == [5, 4, 3, 2, 1]


def _participant_texts(a) -> list[str]:
    texts = [a.intro, *a.prompts, *(s.say for s in a.steps)]
    s = a.settings
    for name in ("fields",):
        for f in getattr(s, name, []):
            texts += [f.label, f.help]
    for name in ("templates", "listener_prompts", "scenarios", "reflection"):
        texts += list(getattr(s, name, []))
    texts += [sec.body for sec in getattr(s, "sections", [])]
    return texts


def _unquoted(text: str) -> str:
    """Drop quoted examples ("You always…" is shown on purpose, as the thing to rephrase)."""
    return re.sub(r"\"[^\"]*\"|“[^”]*”", "", text)


@pytest.mark.parametrize("slug", ALL_SLUGS)
def test_participant_text_does_not_blame_or_promise(library, slug):
    blame = re.compile(r"\byou (always|never|should)\b|\byou'?re (so|too)\b", re.I)
    promise = re.compile(r"\b(cures?|cured|guarantees?|will heal|will fix|fix you|you will feel better)\b", re.I)
    for text in _participant_texts(library[slug]):
        assert not blame.search(_unquoted(text)), text
        assert not promise.search(_unquoted(text)), text


def test_emotions(library):
    ids = [f.id for f in library.emotions]
    assert {"sad", "scared", "mad", "glad", "calm", "ashamed"} <= set(ids)
    assert all(6 <= len(f.words) <= 12 for f in library.emotions)
    assert library.emotion_family("  Anxious ").id == "scared"
    assert library.emotion_family("my own word") is None
    assert library.emotions_intro


def test_library_api(library):
    assert library.get("no-such-thing") is None
    assert "check-in" in library and len(library) == len(ALL_SLUGS)
    order = ["frame", "skill", "reflection", "psychoeducation"]
    keys = [(order.index(a.category), a.title.casefold()) for a in library.all()]
    assert keys == sorted(keys)
    assert {a.slug for a in library.by_kind("pacer")} == {"paced-breathing", "box-breathing", "grounding-5-4-3-2-1"}
    assert all(a.kind == "form" for a in library.by_kind("form"))
    assert library.by_kind("nope") == []


# ---- bad files ----------------------------------------------------------------------------

GOOD = {
    "slug": "tiny",
    "kind": "form",
    "title": "Tiny",
    "category": "reflection",
    "summary": "A tiny test activity.",
    "purpose": "Testing.",
    "intro": "You write one thing.",
    "duration": 5,
    "steps": [{"minutes": 5, "text": "Write.", "say": "Please write."}],
    "prompts": ["What do you notice?"],
    "settings": {"fields": [{"id": "note", "type": "short_text", "label": "A note"},
                            {"id": "how", "type": "scale", "label": "How much?"}]},
}


def good(**changes) -> dict:
    data = copy.deepcopy(GOOD)
    data.update(changes)
    return data


def write(directory: Path, name: str, data) -> Path:
    path = directory / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def fields_of(problems: list[Problem]) -> list[str]:
    return [p.field for p in problems]


def test_good_file_loads(tmp_path):
    activity = load_file(write(tmp_path, "tiny.yaml", good()))
    assert activity.slug == "tiny" and activity.kind == "form"
    assert check_paths([tmp_path]) == []


def test_unknown_kind(tmp_path):
    path = write(tmp_path, "tiny.yaml", good(kind="quiz"))
    [problem] = check_paths([path])
    assert problem.file == str(path) and problem.field == "kind" and "quiz" in problem.reason


def test_missing_kind(tmp_path):
    data = good()
    del data["kind"]
    [problem] = check_paths([write(tmp_path, "tiny.yaml", data)])
    assert problem.field == "kind" and "missing" in problem.reason


def test_missing_field(tmp_path):
    data = good()
    del data["title"]
    [problem] = check_paths([write(tmp_path, "tiny.yaml", data)])
    assert (problem.field, problem.reason) == ("title", "required field is missing")


def test_bad_settings_field_names_the_dotted_path_without_the_kind_tag(tmp_path):
    data = good()
    data["settings"]["fields"][1]["type"] = "slider"
    [problem] = check_paths([write(tmp_path, "tiny.yaml", data)])
    assert problem.field == "settings.fields.1.type"
    assert "scale" in problem.reason


def test_settings_validator_message_is_kept(tmp_path):
    data = good()
    data["settings"]["fields"][0]["distress_alert"] = True
    [problem] = check_paths([write(tmp_path, "tiny.yaml", data)])
    assert problem.field == "settings.fields.0"
    assert problem.reason == "distress_alert is only allowed on a scale field"


def test_unknown_field_is_reported(tmp_path):
    data = good()
    data["settings"]["colour"] = "blue"
    [problem] = check_paths([write(tmp_path, "tiny.yaml", data)])
    assert problem.field == "settings.colour" and "unknown field" in problem.reason


def test_several_problems_in_one_file_are_all_reported(tmp_path):
    data = good(duration=0, category="fun")
    del data["prompts"]
    problems = check_paths([write(tmp_path, "tiny.yaml", data)])
    assert sorted(fields_of(problems)) == ["category", "duration", "prompts"]


def test_bad_yaml(tmp_path):
    path = write(tmp_path, "tiny.yaml", "slug: tiny\ntitle: [unclosed\nkind: form\n")
    [problem] = check_paths([path])
    assert problem.file == str(path) and problem.field == "(file)"
    assert problem.reason.startswith("invalid YAML at line")


@pytest.mark.parametrize("text, got", [("", "an empty file"), ("- a\n- b\n", "a list"), ("just words\n", "a str")])
def test_top_level_must_be_a_mapping(tmp_path, text, got):
    [problem] = check_paths([write(tmp_path, "tiny.yaml", text)])
    assert problem.field == "(file)" and got in problem.reason


def test_slug_must_match_file_name(tmp_path):
    path = write(tmp_path, "other-name.yaml", good())
    [problem] = check_paths([path])
    assert problem.field == "slug" and "other-name" in problem.reason


def test_duplicate_slugs(tmp_path):
    write(tmp_path, "tiny.yaml", good())
    second = write(tmp_path, "tiny.yml", good())
    [problem] = check_paths([tmp_path])
    assert problem.file == str(second) and problem.field == "slug"
    assert "duplicate slug 'tiny'" in problem.reason and "tiny.yaml" in problem.reason


def test_duplicate_slugs_across_directories(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a", "tiny.yaml", good())
    write(tmp_path / "b", "tiny.yaml", good())
    assert fields_of(check_paths([tmp_path / "a", tmp_path / "b"])) == ["slug"]


def test_repeated_key_is_reported(tmp_path):
    text = yaml.safe_dump(good(), sort_keys=False).replace("title: Tiny\n", "title: Tiny\ntitle: Again\n")
    text = text.replace("  say: Please write.\n", "  say: Please write.\n  say: Twice.\n")
    problems = check_paths([write(tmp_path, "tiny.yaml", text)])
    assert fields_of(problems) == ["title", "steps.0.say"]
    assert all("repeated" in p.reason for p in problems)


def test_anchors_and_aliases_are_refused(tmp_path):
    text = yaml.safe_dump(good(), sort_keys=False).replace("purpose: Testing.", "purpose: &p Testing.")
    text = text.replace("intro: You write one thing.", "intro: *p")
    problems = check_paths([write(tmp_path, "tiny.yaml", text)])
    assert fields_of(problems) == ["purpose", "intro"]


def test_file_size_limit(tmp_path):
    path = write(tmp_path, "tiny.yaml", good(purpose="x" * (MAX_FILE_BYTES + 10)))
    [problem] = check_paths([path])
    assert problem.field == "(file)" and "larger than" in problem.reason


def test_not_utf8(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_bytes(b"slug: tiny\ntitle: caf\xe9\n")
    [problem] = check_paths([path])
    assert "UTF-8" in problem.reason


def test_missing_path_and_empty_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    problems = check_paths([tmp_path / "nope.yaml", tmp_path / "empty"])
    assert [p.reason for p in problems] == ["no such file or directory", "no .yaml files in this directory"]


def test_load_library_collects_every_problem_and_names_file_and_field(tmp_path):
    write(tmp_path, "tiny.yaml", good())
    data = good(slug="broken")
    data["settings"]["fields"][0]["type"] = "dropdown"
    write(tmp_path, "broken.yaml", data)
    write(tmp_path, "mismatch.yaml", good())
    with pytest.raises(LibraryError) as info:
        load_library(tmp_path)
    assert len(info.value.problems) == 3
    message = str(info.value)
    assert "broken.yaml: settings.fields.0.type:" in message
    assert "mismatch.yaml: slug:" in message
    assert "tiny.yaml: slug: duplicate slug 'tiny'" in message


def test_load_file_raises_with_problems(tmp_path):
    with pytest.raises(LibraryError) as info:
        load_file(write(tmp_path, "tiny.yaml", good(kind="quiz")))
    assert [p.field for p in info.value.problems] == ["kind"]
    assert "tiny.yaml: kind:" in str(info.value)


def test_load_library_without_emotions_file(tmp_path):
    write(tmp_path, "tiny.yaml", good())
    library = load_library(tmp_path)
    assert library.get("tiny") is not None and library.emotions == ()


EMOTIONS = {"families": [{"id": "sad", "label": "Sad", "words": ["sad", "low", "hurt"], "distress": "likely"},
                         {"id": "glad", "label": "Glad", "words": ["glad", "happy", "hopeful"], "distress": "never"}]}


def test_emotions_next_to_the_library_directory(tmp_path):
    (tmp_path / "library").mkdir()
    write(tmp_path / "library", "tiny.yaml", good())
    write(tmp_path, "emotions.yaml", EMOTIONS)
    library = load_library(tmp_path / "library")
    assert [f.id for f in library.emotions] == ["sad", "glad"]
    assert library.emotion_family("HURT").id == "sad"


def test_bad_emotions_are_reported(tmp_path):
    bad = copy.deepcopy(EMOTIONS)
    bad["families"][0]["id"] = "Sad Things"
    del bad["families"][1]["label"]
    path = write(tmp_path, "emotions.yaml", bad)
    assert fields_of(check_paths([path])) == ["families.0.id", "families.1.label"]
    with pytest.raises(LibraryError) as info:
        load_emotions(path)
    assert "emotions.yaml: families.0.id:" in str(info.value)


def test_word_in_two_families(tmp_path):
    bad = copy.deepcopy(EMOTIONS)
    bad["families"][1]["words"].append("Low")
    [problem] = check_paths([write(tmp_path, "emotions.yaml", bad)])
    assert problem.field == "families" and "'Low'" in problem.reason


def test_explicit_emotions_path_must_exist(tmp_path):
    write(tmp_path, "tiny.yaml", good())
    with pytest.raises(LibraryError) as info:
        load_library(tmp_path, emotions_path=tmp_path / "missing.yaml")
    assert info.value.problems[0].reason == "no such file"
