"""The "new activity" form: plain fields and one-entry-per-line boxes, turned into the activity schema.

`to_data` builds the same dict a YAML file would hold; `problems_by_field` maps the schema's
problems (e.g. `settings.fields.1.label`) back to the box the facilitator typed in, with the line.
"""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from activities import yaml_reader
from activities.schema import RoundSettings
from core import vocabulary as vocab
from facilitator.custom_activities import OWN_KINDS, slugify, validate
from facilitator.forms import plain_text

KIND_NAMES = {k: f"{t} ({t.hint})" for k, t in vocab.KINDS.items()}  # core/vocabulary.py
ORDER_NAMES = {k: o.label for k, o in vocab.ORDERS.items()}
FIELD_TYPES = {"emotion": "emotion", "feeling": "emotion", "scale": "scale", "short": "short_text",
               "short text": "short_text", "short_text": "short_text", "long": "long_text", "long text": "long_text",
               "long_text": "long_text", "list": "list"}
AUDIENCES = {"only you": "private", "private": "private", "you": "private", "facilitators": "facilitators",
             "facilitator": "facilitators", "the group": "group", "group": "group", "everyone": "group",
             "summary": "summary", "room summary": "summary", "the room as a summary": "summary"}
PACER_PART = re.compile(r"^(in|hold|out|rest)\s*(\d{1,3})\s*(?:s|sec|secs|seconds)?$")


def _text(limit: int, label: str, multiline: bool = False, **kw) -> StringField | TextAreaField:
    cls = TextAreaField if multiline else StringField
    return cls(label, validators=[plain_text(limit, multiline)], **kw)


class CustomActivityForm(FlaskForm):
    title = _text(300, "Title")
    kind = SelectField("Kind", choices=[SelectChoice(k, KIND_NAMES[k]) for k in OWN_KINDS])
    category = SelectField("Category", choices=[SelectChoice(v, label) for v, label in vocab.CATEGORIES.items()])
    summary = _text(160, "Summary")
    purpose = _text(2000, "Purpose", multiline=True)
    intro = _text(2000, "Introduction for participants", multiline=True)
    duration = IntegerField("Suggested minutes", default=10, validators=[InputRequired("Please enter the minutes.")])
    content_note = _text(1000, "Content note (optional)", multiline=True)
    materials = _text(8000, "Materials (optional)", multiline=True)
    steps = _text(20000, "Steps", multiline=True)
    prompts = _text(8000, "Prompts for participants", multiline=True)
    safety_notes = _text(20000, "Safety notes (optional)", multiline=True)
    debrief = _text(8000, "Debrief questions (optional)", multiline=True)
    round_prompt = _text(300, "Round prompt")
    round_order = SelectField("Turn order", choices=[SelectChoice(v, label) for v, label in ORDER_NAMES.items()])
    turn_seconds = IntegerField("Seconds per turn", default=RoundSettings.model_fields["turn_seconds"].default,
                                validators=[Optional()])
    form_fields = _text(8000, "Questions", multiline=True)
    go_around = BooleanField("Share the answers in a go-around afterwards")
    pacer_pattern = _text(200, "Breathing pattern", default="in 4, hold 4, out 6")
    pacer_cycles = IntegerField("Number of breaths", default=6, validators=[Optional()])
    info_sections = _text(30000, "Sections", multiline=True)


class UploadForm(FlaskForm):
    file = FileField(f"Activity file (YAML, up to {yaml_reader.MAX_BYTES // 1024} KB)",
                     validators=[FileRequired("Please choose a file.")])


# ---- form -> activity data ----------------------------------------------------------------------


def _lines(text: str | None) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), 1) if line.strip()]


def _parts(line: str) -> list[str]:
    return [p.strip() for p in line.split("|")]


class _Builder:
    """Collects the data and, per form field, the line numbers each list entry came from."""

    def __init__(self) -> None:
        self.problems: dict[str, list[str]] = {}
        self.line_numbers: dict[str, list[int]] = {}

    def problem(self, field: str, message: str) -> None:
        self.problems.setdefault(field, []).append(message)

    def plain_list(self, field: str, text: str | None) -> list[str]:
        lines = _lines(text)
        self.line_numbers[field] = [n for n, _ in lines]
        return [line for _, line in lines]

    def split_list(self, field: str, text: str | None, parse) -> list[dict]:
        out, numbers = [], []
        for n, line in _lines(text):
            try:
                out.append(parse(_parts(line), len(out)))
                numbers.append(n)
            except ValueError as exc:
                self.problem(field, f"line {n}: {exc}")
        self.line_numbers[field] = numbers
        return out


def _step(parts: list[str], _index: int) -> dict:
    if len(parts) < 2 or not parts[0].isdigit():
        raise ValueError("write it as minutes | what to do, for example: 3 | Invite a slow breath")
    return {"minutes": int(parts[0]), "text": parts[1], "say": " | ".join(parts[2:])}


def _section(parts: list[str], _index: int) -> dict:
    if len(parts) < 2:
        raise ValueError("write it as heading | text")
    return {"heading": parts[0], "body": " | ".join(parts[1:])}


def _field(parts: list[str], index: int, seen: set[str]) -> dict:
    if len(parts) < 2:
        raise ValueError("write it as type | question | who sees it, for example: scale | How strong is it? | facilitators")
    kind = FIELD_TYPES.get(parts[0].lower())
    if kind is None:
        raise ValueError(f"\u201c{parts[0]}\u201d is not an answer type; use emotion, scale, short text, long text or list")
    audience = AUDIENCES.get((parts[2] if len(parts) > 2 and parts[2] else "facilitators").lower())
    if audience is None:
        raise ValueError(f"\u201c{parts[2]}\u201d is not one of: only you, facilitators, summary, the group")
    base = slugify(parts[1], "_", 36)
    base = base if base[:1].isalpha() else f"q_{base}".rstrip("_")
    field_id, n = base, 1
    while field_id in seen:
        n += 1
        field_id = f"{base}_{n}"
    seen.add(field_id)
    required = len(parts) > 3 and parts[3].lower() == "required"
    return {"id": field_id, "type": kind, "label": parts[1], "audience": audience, "required": required}


def _pattern(text: str | None) -> list[dict]:
    out = []
    for part in filter(None, (p.strip().lower() for p in (text or "").split(","))):
        m = PACER_PART.match(part)
        if m is None:
            raise ValueError(f"\u201c{part}\u201d: write each part as in, hold, out or rest and the seconds, e.g. in 4")
        out.append({"label": m.group(1), "seconds": int(m.group(2))})
    return out


def _given(values: dict) -> dict:
    """Leave out numbers left blank, so the schema's defaults apply."""
    return {k: v for k, v in values.items() if v is not None}


def _settings(form: CustomActivityForm, b: _Builder) -> dict:
    kind = form.kind.data
    if kind == "round":
        return _given({"prompt": form.round_prompt.data or "", "order": form.round_order.data,
                       "turn_seconds": form.turn_seconds.data})
    if kind == "form":
        seen: set[str] = set()
        fields = b.split_list("form_fields", form.form_fields.data, lambda p, i: _field(p, i, seen))
        return {"fields": fields, "go_around": bool(form.go_around.data)}
    if kind == "pacer":
        try:
            pattern = _pattern(form.pacer_pattern.data)
        except ValueError as exc:
            b.problem("pacer_pattern", str(exc))
            pattern = []
        return _given({"mode": "breathing", "pattern": pattern, "cycles": form.pacer_cycles.data})
    return {"sections": b.split_list("info_sections", form.info_sections.data, _section)}


def to_data(form: CustomActivityForm) -> tuple[dict, dict[str, list[str]]]:
    """The activity dict and the problems found, by form field (parsing first, then the schema)."""
    b = _Builder()
    data = {
        "slug": slugify(form.title.data or "") or "activity", "kind": form.kind.data,
        "title": form.title.data or "", "category": form.category.data, "summary": form.summary.data or "",
        "purpose": form.purpose.data or "", "intro": form.intro.data or "", "duration": form.duration.data,
        "content_note": form.content_note.data or "", "materials": b.plain_list("materials", form.materials.data),
        "steps": b.split_list("steps", form.steps.data, _step),
        "prompts": b.plain_list("prompts", form.prompts.data),
        "safety_notes": b.plain_list("safety_notes", form.safety_notes.data),
        "debrief": b.plain_list("debrief", form.debrief.data),
    }
    data["settings"] = _settings(form, b)
    for field, message in validate(data):
        name, where = _form_field(field, form.kind.data, b.line_numbers)
        if where or name not in b.problems:  # a box whose lines did not parse is already reported
            b.problem(name, f"{where}{message}")
    data.pop("slug")
    return data, b.problems


SETTINGS_FIELDS = {"prompt": "round_prompt", "order": "round_order", "turn_seconds": "turn_seconds",
                   "fields": "form_fields", "go_around": "go_around", "pattern": "pacer_pattern",
                   "cycles": "pacer_cycles", "mode": "pacer_pattern", "sections": "info_sections"}


def _form_field(path: str, kind: str, line_numbers: dict[str, list[int]]) -> tuple[str, str]:
    """('form field name', 'where in it: ') for a schema path such as steps.2.text."""
    parts = path.split(".")
    if parts[0] == "settings" and len(parts) > 1:
        parts = [SETTINGS_FIELDS.get(parts[1], "kind"), *parts[2:]]
    elif parts[0] == "slug":
        parts = ["title"]
    elif parts[0] in ("group_size", "hybrid_notes", "(file)"):
        parts = ["title"]
    name, rest = parts[0], parts[1:]
    if rest and rest[0].isdigit():
        numbers = line_numbers.get(name, [])
        index = int(rest[0])
        label = "part" if name == "pacer_pattern" else "line"
        n = numbers[index] if index < len(numbers) and label == "line" else index + 1
        detail = f" ({rest[1].replace('_', ' ')})" if len(rest) > 1 else ""
        return name, f"{label} {n}{detail}: "
    return name, ""


def attach(form: CustomActivityForm, problems: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """Put each problem under its field; returns (field id, label, message) for the summary at the top."""
    order = list(form._fields)
    summary = []
    for name in sorted(problems, key=lambda n: order.index(n) if n in order else 0):
        field = form[name] if name in form else form.title
        field.errors = [*field.errors, *(m[:1].upper() + m[1:] for m in problems[name])]
        summary.extend((field.id, field.label.text, m) for m in problems[name])
    return summary

