"""Plain-data builders for every handout: activity guides, worksheets and reference sheets.

Templates receive only what these functions return (dicts, lists, strings, numbers): never ORM
objects or pydantic models, and never HTML (Jinja escapes everything). The same data feeds the
browser preview and the PDF. Session handouts (packet, summary, take-home, join sheet, agreements)
are built in `handouts.session_context` on top of these.
"""
from __future__ import annotations

from typing import Any

from activities import privacy
from core import vocabulary as vocab
from handouts import layouts, practice_guides

# Categories, kinds, orders, field types, breath phases, exercises, groups, card modes and anonymity: core/vocabulary.py.
AUDIENCE_WORDS = privacy.AUDIENCE_WORDS  # one source with the phones' "who sees this" lines


phrase = vocab.phrase  # (session_context.py imports it from here)


WRITING_LINES = {"short_text": 2, "prompt": 3, "reading": 4}  # ruled lines under each kind of question
LIST_LINES_MAX = 10  # a long list still fits a page
BLANK = "___"  # blanks in sentence frames (the I-statement)


# ---- small wording helpers -----------------------------------------------------------------------


def duration_words(seconds: int) -> str:
    """90 -> "1 min 30 s", 120 -> "2 minutes", 45 -> "45 seconds"."""
    minutes, rest = divmod(int(seconds), 60)
    if not minutes:
        return f"{rest} seconds"
    if not rest:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{minutes} min {rest} s"


def clock(minutes: int) -> str:
    """Minutes from the start as h:mm ("0:00", "1:05")."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def people_words(low: int, high: int) -> str:
    return f"{low} to {high} people" if low != high else f"{low} people"


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _label(text: str) -> str:
    """A sentence-frame fragment as a row label: ", because " -> "because"."""
    return text.strip().lstrip(",.;:").strip()


def frame_rows(template: str) -> dict[str, Any]:
    """ "I feel ___ when ___." -> rows [("I feel"), ("when")] each followed by a blank, plus the tail."""
    parts = template.split(BLANK)
    rows = [_label(p) for p in parts[:-1]]
    return {"template": template, "rows": rows, "tail": _label(parts[-1])}


# ---- the facilitator guide -----------------------------------------------------------------------


def _form_settings(s: dict) -> dict[str, Any]:
    fields = [{"label": f["label"], "type": phrase(vocab.FIELDS, f["type"]),
               "audience": AUDIENCE_WORDS.get(f["audience"], f["audience"]),
               "notes": "; ".join(n for n in (
                   "required" if f["required"] else "",
                   f"up to {f['max_items']} items" if f["type"] == "list" else "",
                   "alerts facilitators, privately, at the group's threshold (8 by default) or above"
                   if f["distress_alert"] else "",
                   "the room may see the words you tick, as a list without names"
                   if f.get("show_as") == "words" else "") if n)}
              for f in s["fields"]]
    facts = [f"Members answer {len(fields)} question{'s' if len(fields) != 1 else ''} on their own screens "
             "(or on the printed worksheet)."]
    if s["go_around"]:
        facts.append("Afterwards, members read aloud what they choose to share, in a go-around; passing is always fine.")
    audiences = {f["audience"] for f in s["fields"]}
    if "private" in audiences:
        facts.append(f"Answers marked \u201c{AUDIENCE_WORDS['private']}\u201d are never shown to anyone else, not even to you.")
    if audiences & {"summary", "group"}:
        facts.append(f"The room display shows a summary only of questions marked \u201c{AUDIENCE_WORDS['summary']}"
                     f"\u201d or \u201c{AUDIENCE_WORDS['group']}\u201d, once at least {privacy.MIN_CONTRIBUTORS} "
                     f"people have answered, and never a bar that stands for one person; \u201c{AUDIENCE_WORDS['facilitators']}"
                     "\u201d answers never reach it.")
    else:
        facts.append("Nothing from this activity reaches the room display.")
    return {"facts": facts, "fields": fields}


def _pacer_settings(s: dict) -> dict[str, Any]:
    if s["mode"] == "breathing":
        cycle = sum(p["seconds"] for p in s["pattern"])
        pattern = ", ".join(f"{vocab.BREATH[p['label']]} {p['seconds']}" for p in s["pattern"])
        return {"facts": [f"Breathing pattern: {pattern} ({cycle} seconds a cycle).",
                          f"{s['cycles']} cycles, about {duration_words(cycle * s['cycles'])} in all.",
                          "Every screen shows the same pacer, in step; people who prefer less motion see a "
                          "calm countdown instead."]}
    steps = [f"{step['count']}: {step['prompt']}" for step in s["senses"]]
    return {"facts": [f"{len(steps)} steps, about {duration_words(s['step_seconds'])} each."],
            "lists": [{"heading": "The steps", "items": steps, "ordered": False}]}


def _pairs_settings(s: dict) -> dict[str, Any]:
    facts = [f"Exercise: {phrase(vocab.EXERCISES, s['exercise'])}, in "
             f"{phrase(vocab.GROUP_SETTINGS, s['group'])}.",
             f"Roles: {', '.join(s['roles'])}. Each round lasts {s['round_minutes']} minutes, then roles rotate."]
    lists = [{"heading": heading, "items": s[key], "ordered": ordered} for key, heading, ordered in (
        ("listener_prompts", "Listener's sentence starters", False),
        ("ask_steps", "Asking for repair: the steps", True),
        ("repair_steps", "The repair steps", True),
        ("observer_checklist", "What the observer looks for", False),
        ("scenarios", "Scenario cards", False)) if s.get(key)]
    return {"facts": facts, "lists": lists}


def _cards_settings(s: dict) -> dict[str, Any]:
    facts = [f"Mode: {phrase(vocab.CARDS_MODES, s['mode'])}; {phrase(vocab.ANONYMITY, s['anonymity'])}.",
             f"Each card holds up to {s['max_chars']} characters."]
    if s["mode"] == "feedback":
        facts.append("Cards wait in a moderation queue until you release them.")
    return {"facts": facts, "lists": [{"heading": "Sentence starters", "items": s["templates"], "ordered": False}],
            "example": s["worked_example"]}


def settings_in_words(activity: Any) -> dict[str, Any]:
    """How the activity runs, as plain sentences, tables and lists for the guide."""
    s = activity.settings.model_dump(mode="json")
    kind = activity.kind
    if kind == "round":
        return {"facts": [f"Order: {phrase(vocab.ORDERS, s['order'])}.",
                          f"Each turn: about {duration_words(s['turn_seconds'])}. The timer is soft: it shows, "
                          "it never cuts anyone off.",
                          f"Round prompt: {s['prompt']}"]}
    if kind == "form":
        return _form_settings(s)
    if kind == "pacer":
        return _pacer_settings(s)
    if kind == "info":
        return {"facts": [f"{len(s['sections'])} sections, shown on the room display one at a time."],
                "sections": s["sections"],
                "lists": [{"heading": "Questions to think about", "items": s["reflection"], "ordered": False}]
                if s["reflection"] else []}
    if kind == "pairs":
        return _pairs_settings(s)
    if kind == "cards":
        return _cards_settings(s)
    if kind == "measure":
        return _measure_settings(s)
    return {"facts": []}


def _instrument(instrument_id: str) -> Any:
    from activities import instruments  # the shipped instruments, validated at start-up with the library

    return instruments.instrument(instrument_id)


def _measure_settings(s: dict[str, Any]) -> dict[str, Any]:
    ins = _instrument(s["instrument"])
    facts = [f"{ins.name}: {ins.about}", "Answers, totals and bands go to the facilitators only; the room display "
             "shows only how many have answered. Anyone may choose not to answer, and that is recorded as a choice.",
             f"Scored over {sum(1 for i in ins.items if i.scored)} questions."]
    if ins.bands:
        facts.append("Bands: " + "; ".join(f"{b.min}–{b.max} {b.label.lower()}" for b in ins.bands) + ".")
    facts += [f"Risk: {rule.say}" for rule in ins.risk]
    if ins.flags.low_item is not None or ins.flags.drop is not None:
        facts.append("A private flag to the facilitators: any answer of "
                     f"{ins.flags.low_item} or lower, or a total {ins.flags.drop} or more points below last time.")
    facts.append(f"Source: {ins.source} Licence: {ins.licence}")
    return {"facts": facts}


def _measure_blocks(activity: Any) -> list[dict[str, Any]]:
    """The questionnaire as published, with tick boxes, for members answering on paper."""
    ins = _instrument(activity.settings.instrument)
    items = [{"number": n, "text": item.text, "options": [o.label for o in (item.options or ins.options)]}
             for n, item in enumerate(ins.items, start=1)]
    return [{"type": "list", "heading": "Before you start", "items": list(activity.prompts), "ordered": False},
            {"type": "measure", "title": ins.name, "stem": ins.stem, "items": items,
             "source": ins.source, "licence": ins.licence}]


def guide_data(activity: Any, replaced: str | None = None) -> dict[str, Any]:
    """Everything a facilitator needs to run the activity, in plain data. `replaced`: the file's wording
    that this session's own replaces (plan.worded): said once, and not listed among the prompts."""
    a = activity
    at, steps = 0, []
    for step in a.steps:
        steps.append({"minutes": step.minutes, "at": clock(at), "text": step.text, "say": step.say})
        at += step.minutes
    return {
        "slug": a.slug, "title": a.title, "summary": a.summary, "kind": phrase(vocab.KINDS, a.kind),
        "category": vocab.CATEGORIES.get(a.category, a.category), "duration": a.duration,
        "group_size": people_words(a.group_size.min, a.group_size.max), "materials": list(a.materials),
        "content_note": a.content_note, "purpose": a.purpose, "intro": a.intro, "steps": steps,
        "steps_minutes": at, "prompts": [p for p in a.prompts if p != replaced],
        "settings": _with_replaced(settings_in_words(a), replaced),
        "safety_notes": list(a.safety_notes), "debrief": list(a.debrief), "hybrid_notes": list(a.hybrid_notes),
        "guides": practice_guides.links(list(a.guides)), "cutouts": layouts.cutouts(a),
    }


def _with_replaced(settings: dict[str, Any], replaced: str | None) -> dict[str, Any]:
    if replaced:
        settings = {**settings, "facts": [*settings.get("facts", []),
                                          f"This session's own wording replaces the usual one: {replaced}"]}
    return settings


# ---- the participant worksheet ------------------------------------------------------------------


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
