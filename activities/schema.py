"""The activity file schema: one YAML file per activity, validated before anything runs.

The same parsed `Activity` feeds the live screens, the facilitator guide and the worksheet.
Kind-specific settings are validated by the model registered for that kind in `SETTINGS`.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FIELD_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

Text = Annotated[str, Field(min_length=1, max_length=2000)]
Line = Annotated[str, Field(min_length=1, max_length=300)]
Audience = Literal["private", "facilitators", "summary", "group"]  # activities/privacy.py


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Step(Strict):
    """One step of the facilitator's script."""

    minutes: Annotated[int, Field(ge=0, le=180)]
    text: Text
    say: Annotated[str, Field(max_length=2000)] = ""  # words the facilitator may read aloud


class GroupSize(Strict):
    min: Annotated[int, Field(ge=1, le=500)] = 2
    max: Annotated[int, Field(ge=1, le=500)] = 16

    @model_validator(mode="after")
    def _ordered(self) -> GroupSize:
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


# ---- kind-specific settings -------------------------------------------------------------


class RoundSettings(Strict):
    order: Literal["seating", "random", "volunteers", "hand", "progressive"] = "seating"
    turn_seconds: Annotated[int, Field(ge=10, le=1800)] = 120
    prompt: Line  # what each person speaks to on their turn


class FormField(Strict):
    id: str
    type: Literal["emotion", "scale", "short_text", "long_text", "list"]
    label: Line
    help: Annotated[str, Field(max_length=500)] = ""
    audience: Audience = "facilitators"
    required: bool = False
    min_label: Annotated[str, Field(max_length=60)] = ""  # scale: what 0 means
    max_label: Annotated[str, Field(max_length=60)] = ""  # scale: what 10 means
    max_items: Annotated[int, Field(ge=1, le=20)] = 5  # list: how many entries
    distress_alert: bool = False  # scale: alert facilitators at or above the group threshold
    show_as: Literal["count", "words"] = "count"  # short_text: the room may see a moderated word list
    at_home: bool = False  # answered after the session (the try itself): the take-home sheet prints it blank if unanswered

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not FIELD_ID.match(v):
            raise ValueError("field id must be lower_snake_case, starting with a letter")
        return v

    @model_validator(mode="after")
    def _alert_only_on_scale(self) -> FormField:
        if self.distress_alert and self.type != "scale":
            raise ValueError("distress_alert is only allowed on a scale field")
        if self.show_as == "words" and (self.type != "short_text" or self.audience not in ("summary", "group")):
            raise ValueError("show_as: words is only allowed on a short_text field whose audience is summary or group")
        return self


class PrintGroup(Strict):
    """Questions that print together on the worksheet (nothing changes on the screens).

    `table`: the questions are the columns of a table with `rows` blank rows, one try or one rung per row
    (more than four columns print on a landscape page at the end of the sheet); `chain`: the same, with an
    arrow from each column to the next (situation -> reaction -> body -> what helps); `side_by_side`: the
    questions next to each other, each with its room to write (evidence for and against); `card`: a
    wallet-sized card to cut out and fold in four, the heading on its front (a steadying plan)."""

    layout: Literal["table", "chain", "side_by_side", "card"]
    fields: Annotated[list[Annotated[str, Field(pattern=FIELD_ID.pattern)]], Field(min_length=2, max_length=8)]
    heading: Annotated[str, Field(max_length=120)] = ""
    help: Annotated[str, Field(max_length=500)] = ""
    columns: list[Annotated[str, Field(min_length=1, max_length=60)]] = []  # short column headings
    rows: Annotated[int, Field(ge=1, le=12)] = 5

    @model_validator(mode="after")
    def _columns(self) -> PrintGroup:
        if self.columns and len(self.columns) != len(self.fields):
            raise ValueError("columns must name each of the fields, in the same order")
        if self.layout == "side_by_side" and len(self.fields) > 3:
            raise ValueError("side_by_side takes two or three fields")
        return self


class FormSettings(Strict):
    fields: Annotated[list[FormField], Field(min_length=1, max_length=20)]
    go_around: bool = False  # read answers aloud in a round after writing
    print: Annotated[list[PrintGroup], Field(max_length=4)] = []  # how questions print together (handouts)

    @model_validator(mode="after")
    def _unique_ids(self) -> FormSettings:
        ids = [f.id for f in self.fields]
        if len(ids) != len(set(ids)):
            raise ValueError("field ids must be unique")
        grouped = [fid for group in self.print for fid in group.fields]
        if unknown := sorted(set(grouped) - set(ids)):
            raise ValueError(f"print groups name fields the form does not have: {', '.join(unknown)}")
        if len(grouped) != len(set(grouped)):
            raise ValueError("a field can be in one print group only")
        return self


class PacerPhase(Strict):
    label: Literal["in", "hold", "out", "rest"]
    seconds: Annotated[int, Field(ge=1, le=20)]


class SenseStep(Strict):
    count: Annotated[int, Field(ge=1, le=10)]
    prompt: Line


class PacerSettings(Strict):
    mode: Literal["breathing", "senses"] = "breathing"
    pattern: list[PacerPhase] = []
    cycles: Annotated[int, Field(ge=1, le=60)] = 6
    senses: list[SenseStep] = []
    step_seconds: Annotated[int, Field(ge=5, le=300)] = 40  # senses: time per step

    @model_validator(mode="after")
    def _mode_fields(self) -> PacerSettings:
        if self.mode == "breathing" and not self.pattern:
            raise ValueError("breathing mode needs a pattern")
        if self.mode == "senses" and not self.senses:
            raise ValueError("senses mode needs senses steps")
        return self


class InfoSection(Strict):
    heading: Line
    body: Text
    # the section as a group keeps it, in one line each (group-agreements: the agreements a new group
    # starts with, which a member accepts on joining; facilitator/sessions.default_agreements)
    agreements: Annotated[list[Line], Field(max_length=4)] = []


class Grid(Strict):
    """A two-by-two to mark on paper (self x other): two row headings, two column headings, four cells
    (row by row), and what to do with it."""

    heading: Line
    rows_label: Annotated[str, Field(min_length=1, max_length=60)]
    columns_label: Annotated[str, Field(min_length=1, max_length=60)]
    rows: Annotated[list[Annotated[str, Field(min_length=1, max_length=80)]], Field(min_length=2, max_length=2)]
    columns: Annotated[list[Annotated[str, Field(min_length=1, max_length=80)]], Field(min_length=2, max_length=2)]
    cells: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(min_length=4, max_length=4)]
    help: Annotated[str, Field(max_length=500)] = ""


class InfoSettings(Strict):
    sections: Annotated[list[InfoSection], Field(min_length=1, max_length=12)]
    reflection: list[Line] = []  # optional questions to think about
    grid: Grid | None = None  # optional: a two-by-two the worksheet and the handout print


class PairsSettings(Strict):
    exercise: Literal["listening", "roleplay", "repair"]
    group: Literal["pairs", "triads"] = "triads"
    roles: Annotated[list[Line], Field(min_length=2, max_length=3)]
    round_minutes: Annotated[int, Field(ge=1, le=60)] = 6
    listener_prompts: list[Line] = []
    observer_checklist: list[Line] = []
    repair_steps: list[Line] = []  # repair: what the person repairing does, step by step
    ask_steps: list[Line] = []  # repair: what the person who was hurt does to ask for repair
    scenarios: list[Text] = []

    @model_validator(mode="after")
    def _steps_only_in_a_repair(self) -> PairsSettings:
        if self.ask_steps and self.exercise != "repair":
            raise ValueError("ask_steps are only for the repair exercise")
        return self


class CardsSettings(Strict):
    mode: Literal["feedback", "appreciations", "istatement"]
    templates: Annotated[list[Line], Field(min_length=1, max_length=8)]
    anonymity: Literal["named", "facilitators", "anonymous"] = "named"
    worked_example: Annotated[str, Field(max_length=1000)] = ""
    max_chars: Annotated[int, Field(ge=40, le=1000)] = 400


class MeasureSettings(Strict):
    """A scored questionnaire: which instrument (activities/measures/<id>.yaml, checked by the library)."""

    instrument: Annotated[str, Field(pattern=SLUG.pattern, max_length=40)]


SETTINGS: dict[str, type[Strict]] = {
    "round": RoundSettings,
    "form": FormSettings,
    "pacer": PacerSettings,
    "info": InfoSettings,
    "pairs": PairsSettings,
    "cards": CardsSettings,
    "measure": MeasureSettings,
}


class ActivityBase(Strict):
    """Fields every activity has, whatever its kind."""

    slug: str
    title: Line
    category: Literal["frame", "skill", "reflection", "psychoeducation"]
    summary: Annotated[str, Field(min_length=1, max_length=160)]
    purpose: Text
    intro: Text  # a short plain introduction for participants (worksheet, participant screen)
    duration: Annotated[int, Field(ge=1, le=240)]
    group_size: GroupSize = GroupSize()
    materials: list[Line] = []
    content_note: Annotated[str, Field(max_length=1000)] = ""
    steps: Annotated[list[Step], Field(min_length=1, max_length=30)]
    prompts: Annotated[list[Line], Field(min_length=1, max_length=20)]
    safety_notes: list[Text] = []
    debrief: list[Line] = []
    hybrid_notes: list[Text] = []
    # practice guides for the facilitator this activity leans on (activities/guides/<slug>.yaml; the
    # library and the upload check they exist)
    guides: Annotated[list[Annotated[str, Field(pattern=SLUG.pattern, max_length=60)]], Field(max_length=4)] = []

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v) or len(v) > 60:
            raise ValueError("slug must be lowercase words joined by hyphens, at most 60 characters")
        return v


class RoundActivity(ActivityBase):
    kind: Literal["round"]
    settings: RoundSettings


class FormActivity(ActivityBase):
    kind: Literal["form"]
    settings: FormSettings


class PacerActivity(ActivityBase):
    kind: Literal["pacer"]
    settings: PacerSettings


class InfoActivity(ActivityBase):
    kind: Literal["info"]
    settings: InfoSettings


class PairsActivity(ActivityBase):
    kind: Literal["pairs"]
    settings: PairsSettings


class CardsActivity(ActivityBase):
    kind: Literal["cards"]
    settings: CardsSettings


class MeasureActivity(ActivityBase):
    kind: Literal["measure"]
    settings: MeasureSettings


Activity = Annotated[
    RoundActivity | FormActivity | PacerActivity | InfoActivity | PairsActivity | CardsActivity
    | MeasureActivity,
    Field(discriminator="kind"),
]
ActivityAdapter: TypeAdapter[Activity] = TypeAdapter(Activity)
KINDS = tuple(SETTINGS)
