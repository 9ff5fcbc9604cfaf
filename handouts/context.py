"""Plain-data builders for every handout: activity worksheets and reference sheets (the guide: guide_data.py).

Templates receive only what these functions return (dicts, lists, strings, numbers): never ORM
objects or pydantic models, and never HTML (Jinja escapes everything). The same data feeds the
browser preview and the PDF. Session handouts (packet, summary, take-home, join sheet, agreements)
are built in `handouts.session_context` on top of these.
"""
from __future__ import annotations

from typing import Any

from activities import privacy
from core import vocabulary as vocab
from handouts import layouts
from handouts.guide_data import _instrument, guide_data, settings_in_words  # noqa: F401 (importers read them here)
from handouts.words import (  # noqa: F401 (session_context.py and tests import them from here)
    AUDIENCE_WORDS,
    BLANK,
    clock,
    duration_words,
    frame_rows,
    lines_of,
    people_words,
    phrase,
)

# Categories, kinds, orders, field types, breath phases, exercises, groups, card modes and anonymity: core/vocabulary.py.
WRITING_LINES = {"short_text": 2, "prompt": 3, "reading": 4}  # ruled lines under each kind of question
LIST_LINES_MAX = 10  # a long list still fits a page


# ---- the participant worksheet ------------------------------------------------------------------


def _measure_blocks(activity: Any) -> list[dict[str, Any]]:
    """The questionnaire as published, with tick boxes, for members answering on paper."""
    ins = _instrument(activity.settings.instrument)
    items = [{"number": n, "text": item.text, "options": [o.label for o in (item.options or ins.options)]}
             for n, item in enumerate(ins.items, start=1)]
    return [{"type": "list", "heading": "Before you start", "items": list(activity.prompts), "ordered": False},
            {"type": "measure", "title": ins.name, "stem": ins.stem, "items": items,
             "source": ins.source, "licence": ins.licence}]



def question(label: str, space: str, help: str = "", **extra: Any) -> dict[str, Any]:
    """One prompt with room to answer. space: lines | box | list | scale | emotion."""
    return {"type": "question", "label": label, "help": help, "space": space, **extra}


def _field_question(field: dict, emotions: list[dict]) -> dict[str, Any]:
    kind, label, help_text = field["type"], field["label"], field["help"]
    if kind == "emotion":
        return question(label, "emotion", help_text, families=emotions)
    if kind == "scale":
        return question(label, "scale", help_text, min_label=field["min_label"], max_label=field["max_label"],
                        points=list(range(0, 11)))
    if kind == "list":
        return question(label, "list", help_text, n=min(field["max_items"], LIST_LINES_MAX))
    if kind == "long_text":
        return question(label, "box", help_text)
    return question(label, "lines", help_text, n=WRITING_LINES["short_text"])


def home_question(field: dict, emotions: list[dict]) -> dict[str, Any]:
    """A field to answer after the session, as a question with room to write (the take-home sheet)."""
    return _field_question(field, emotions)


def _prompt_questions(prompts: list[str], n: int = WRITING_LINES["prompt"]) -> list[dict[str, Any]]:
    return [question(p, "lines", n=n) for p in prompts]


def _form_blocks(activity: Any, emotions: list[dict]) -> list[dict[str, Any]]:
    """Each question with the same "who sees this" line as on the phone (activities/privacy.py), and
    the print groups' shapes (handouts/layouts.py)."""
    s = activity.settings.model_dump(mode="json")
    questions = {f["id"]: {**_field_question(f, emotions), "who_sees": privacy.WHO_SEES[privacy.form_who_sees(f)]}
                 for f in s["fields"]}
    emotion_ids = [f["id"] for f in s["fields"] if f["type"] == "emotion"]
    for fid in emotion_ids[1:]:  # the feelings list prints once; a later feeling question points to it
        questions[fid]["families_above"] = True
    return layouts.arrange(s["fields"], s["print"], questions)


def _round_blocks(activity: Any, replaced: str | None = None) -> list[dict[str, Any]]:
    """`replaced`: the file's prompt that this session's own wording replaces; not another question then."""
    s = activity.settings
    blocks = [{"type": "text", "heading": "", "body":
               f"In the round, each person has about {duration_words(s.turn_seconds)}. You can speak, or "
               "simply say \u201cpass\u201d. Notes for yourself can help you decide what to share."},
              question(s.prompt, "box")]
    others = [p for p in activity.prompts if p not in (s.prompt, replaced)]
    if others:
        blocks.append({"type": "heading", "text": "Other questions to think about"})
        blocks += _prompt_questions(others)
    return blocks


def _pacer_blocks(activity: Any) -> list[dict[str, Any]]:
    s = activity.settings
    asks = [p for p in activity.prompts if p.rstrip().endswith("?")]
    tips = [p for p in activity.prompts if p not in asks]
    if s.mode == "breathing":
        cycle = sum(p.seconds for p in s.pattern)
        blocks: list[dict[str, Any]] = [
            {"type": "pattern", "phases": (phases := [{"label": vocab.BREATH[p.label].capitalize(), "seconds": p.seconds}
                                                      for p in s.pattern]),
             "square": layouts.square(phases),
             "cycle": cycle, "cycles": s.cycles, "total": duration_words(cycle * s.cycles)}]
        if tips:
            blocks.append({"type": "list", "heading": "As you practise", "items": tips, "ordered": False})
        blocks += _prompt_questions(asks)
        blocks.append({"type": "log", "heading": "Practice log",
                       "help": "Rate how tense or unsettled you feel before and after, from 0 (not at all) to 10.",
                       "columns": ["Day and time", "Before (0\u201310)", "After (0\u201310)", "What I noticed"],
                       "rows": 7})
        return blocks
    senses = [step.model_dump() for step in s.senses]
    practice = {"type": "text", "heading": "Practising on your own",
                "body": "In the group you notice silently. On your own, writing the things down can help hold your "
                        "attention: use the lines if that helps, or leave them empty and let the sheet guide you."}
    if len(tips) == len(senses):  # each sense step has its own short prompt: use it as the heading
        blocks = [question(tip, "list", step["prompt"], n=step["count"]) for tip, step in zip(tips, senses, strict=True)]
    else:
        blocks = [question(step["prompt"], "list", n=step["count"]) for step in senses]
        if tips:
            blocks.append({"type": "list", "heading": "As you practise", "items": tips, "ordered": False})
    return [practice, *blocks, *_prompt_questions(asks)]


def _pairs_blocks(activity: Any) -> list[dict[str, Any]]:
    s = activity.settings
    roles = ", ".join(s.roles[:-1]) + f" and {s.roles[-1]}"
    blocks: list[dict[str, Any]] = [{
        "type": "text", "heading": "How it works",
        "body": f"You practise in {phrase(vocab.GROUP_SETTINGS, s.group)}, with the roles {roles}. Each round lasts "
                f"about {s.round_minutes} minutes; then you swap roles, so that everyone can try each one. "
                "You can pass on any role."}]
    for items, heading, ordered in ((s.listener_prompts, "Sentence starters for the listener", False),
                                    (s.ask_steps, "Asking for repair: the steps", True),
                                    (s.repair_steps, "The repair steps", True),
                                    (s.scenarios, "Scenario ideas: choose one, or bring your own", False)):
        if items:
            blocks.append({"type": "list", "heading": heading, "items": list(items), "ordered": ordered})
    blocks.append({"type": "heading", "text": "Your notes"})
    blocks += _prompt_questions(list(activity.prompts))
    if s.observer_checklist:
        blocks.append({"type": "checklist", "heading": "When you are the observer",
                       "help": "Tick what you noticed, with a word or two about it.",
                       "items": list(s.observer_checklist)})
    return blocks


def _cards_blocks(activity: Any) -> list[dict[str, Any]]:
    s = activity.settings
    blocks: list[dict[str, Any]] = []
    if s.mode == "istatement":
        blocks.append({"type": "heading", "text": "The pattern"})
        blocks += [{"type": "frame", **frame_rows(t)} for t in s.templates if BLANK in t]
        starters = [t for t in s.templates if BLANK not in t]
    else:
        starters = list(s.templates)
    if s.worked_example:
        blocks.append({"type": "text", "heading": "An example", "body": s.worked_example, "quote": True})
    if starters:
        blocks.append({"type": "heading", "text": "Sentence starters"})
        blocks += [question(t, "lines", n=WRITING_LINES["prompt"]) for t in starters]
    blocks.append({"type": "heading", "text": "Your notes"})
    return blocks + _prompt_questions(list(activity.prompts))


def _info_blocks(activity: Any) -> list[dict[str, Any]]:
    sections = [sec.model_dump() for sec in activity.settings.sections]
    grid = activity.settings.grid
    return [{"type": "reading", "sections": sections},
            *([layouts.grid_block(grid.model_dump())] if grid is not None else []),
            {"type": "heading", "text": "Questions to think about"},
            *_prompt_questions(list(activity.prompts), n=WRITING_LINES["reading"])]


def worksheet_blocks(activity: Any, emotions: list[dict], replaced: str | None = None) -> list[dict[str, Any]]:
    kind = activity.kind
    if kind == "form":
        return _form_blocks(activity, emotions)
    if kind == "round":
        return _round_blocks(activity, replaced)
    if kind == "pacer":
        return _pacer_blocks(activity)
    if kind == "pairs":
        return _pairs_blocks(activity)
    if kind == "cards":
        return _cards_blocks(activity)
    if kind == "info":
        return _info_blocks(activity)
    if kind == "measure":
        return _measure_blocks(activity)
    return _prompt_questions(list(activity.prompts))


def worksheet_data(activity: Any, emotions: list[dict], replaced: str | None = None) -> dict[str, Any]:
    """What a participant may read and write on: the intro, the prompts with room to answer. `replaced` is
    the file's wording that the session's own replaced (plan.worded), left out of the other questions.

    Nothing facilitator-only: no purpose, steps, say-lines, safety notes, debrief or hybrid notes."""
    blocks = worksheet_blocks(activity, emotions, replaced)
    return {"who_sees_all": _who_sees_once(blocks), "slug": activity.slug, "title": activity.title, "intro": activity.intro,
            "content_note": activity.content_note, "blocks": blocks,
            "questions": [b["label"] for b in blocks if b["type"] == "question"]}


def _who_sees_once(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """Say the readers of most answers once at the top of the sheet, and under a question only where
    they differ. Returns {"line": ..., "unless": bool} (unless: some questions say otherwise), or {}."""
    said = [line for b in blocks for line in _who_lines(b)]
    if not said:
        return {}
    common = max(set(said), key=lambda line: (said.count(line), line))
    for b in blocks:
        for q in (b, *b.get("questions", [])):
            who = q.get("who_sees")
            if who == common or who == [common]:
                q.pop("who_sees")
    return {"line": common, "unless": any(line != common for line in said)}


def _who_lines(block: dict[str, Any]) -> list[str]:
    who = block.get("who_sees")
    return [who] if isinstance(who, str) else list(who or [])


def reference_data(activity: Any) -> dict[str, Any]:
    """A psychoeducation (info) item as a readable handout: the sections, then questions to take away."""
    s = activity.settings
    return {"slug": activity.slug, "title": activity.title, "intro": activity.intro,
            "content_note": activity.content_note, "sections": [sec.model_dump() for sec in s.sections],
            "grid": layouts.grid_block(s.grid.model_dump()) if s.grid is not None else None,
            "questions": list(s.reflection) or list(activity.prompts)}


# ---- whole documents ------------------------------------------------------------------------------


def doc(title: str, audience: str, kind: str, **extra: Any) -> dict[str, Any]:
    """Document-level data: <title> (and the PDF title), the footer note, a CSS class."""
    return {"title": title, "audience": audience, "kind": kind, **extra}


def guide_context(activity: Any) -> dict[str, Any]:
    return {"doc": doc(f"{activity.title}: facilitator guide", "Facilitator guide \u00b7 not for participants",
                       "guide"),
            "guide": guide_data(activity)}


def worksheet_context(activity: Any, emotions: list[dict]) -> dict[str, Any]:
    return {"doc": doc(f"{activity.title}: worksheet", "Worksheet \u00b7 yours to keep", "worksheet"),
            "sheet": worksheet_data(activity, emotions)}


def reference_context(activity: Any) -> dict[str, Any]:
    return {"doc": doc(f"{activity.title}: handout", "Handout \u00b7 yours to keep", "reference"),
            "ref": reference_data(activity)}
