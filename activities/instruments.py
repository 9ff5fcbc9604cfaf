"""Scored measures (PHQ-9, GAD-7, the session feedback check): the instruments and their scoring. Pure.

One YAML file per instrument in ``activities/measures/``, validated at start-up with the library (a
broken file stops the app, like a broken activity). A published instrument keeps its exact wording, with
its source and licence in the file. A licensed service adds its own (ORS, SRS...) with the same schema.

An instrument: ``items`` (each with the instrument's ``options`` unless it has its own; ``scored: false``
items, like the PHQ-9's "how difficult", are asked and kept but not summed), ``bands`` (contiguous from
the lowest to the highest total, or none), ``higher_is`` ("worse" | "better"), an optional ``cutoff``
and ``reliable_change`` (points), ``risk`` rules (an item answered above a value: an immediate private
alert), and ``flags`` (a low item or a drop from the member's previous total: a private flag).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from activities import data_files
from activities.schema import FIELD_ID, SLUG, Line, Strict, Text

MEASURES_DIR = Path(__file__).resolve().parent / "measures"


class Option(Strict):
    value: Annotated[int, Field(ge=0, le=100)]
    label: Annotated[str, Field(min_length=1, max_length=60)]


class Item(Strict):
    id: Annotated[str, Field(pattern=FIELD_ID.pattern)]
    text: Text
    scored: bool = True
    required: bool = True
    options: list[Option] = []  # empty: the instrument's options


class Band(Strict):
    min: int
    max: int
    label: Annotated[str, Field(min_length=1, max_length=40)]


class Risk(Strict):
    item: str
    above: int
    say: Text  # what the facilitators read with the alert (with the group's safety procedure)


class Flags(Strict):
    low_item: int | None = None  # any scored item at or below this
    drop: int | None = None  # a total this many points below the member's previous one


class Instrument(Strict):
    id: Annotated[str, Field(pattern=SLUG.pattern, max_length=40)]
    title: Annotated[str, Field(min_length=1, max_length=40)]
    name: Line
    about: Line
    source: Text
    licence: Text
    stem: Line
    options: Annotated[list[Option], Field(min_length=2, max_length=11)]
    items: Annotated[list[Item], Field(min_length=1, max_length=40)]
    bands: list[Band] = []
    higher_is: Literal["worse", "better"]
    cutoff: int | None = None
    reliable_change: Annotated[int, Field(ge=1)] | None = None
    risk: list[Risk] = []
    flags: Flags = Flags()

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        ids = [item.id for item in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError("item ids must be unique")
        if not any(item.scored for item in self.items):
            raise ValueError("at least one item must be scored")
        low, high = total_range(self)
        if self.bands:
            edges = sorted(self.bands, key=lambda band: band.min)
            if edges[0].min != low or edges[-1].max != high or any(
                    b.min > b.max or b.max + 1 != c.min for b, c in zip(edges, edges[1:], strict=False)) \
                    or edges[-1].min > edges[-1].max:
                raise ValueError(f"bands must cover {low} to {high} without gaps or overlaps")
        for rule in self.risk:
            if rule.item not in ids:
                raise ValueError(f"risk item {rule.item!r} is not an item")
        if self.cutoff is not None and not low <= self.cutoff <= high:
            raise ValueError(f"cutoff must lie between {low} and {high}")
        return self


def options_of(instrument: Instrument, item: Item) -> list[Option]:
    return item.options or instrument.options


def total_range(instrument: Instrument) -> tuple[int, int]:
    """The lowest and highest possible totals (the sum over scored items)."""
    scored = [options_of(instrument, item) for item in instrument.items if item.scored]
    return (sum(min(o.value for o in opts) for opts in scored), sum(max(o.value for o in opts) for opts in scored))


@dataclass(frozen=True)
class Score:
    total: int | None  # None until every required scored item is answered
    band: str  # "" without bands or total
    risk: tuple[dict, ...]  # {"item", "value", "say"} per risk rule that holds
    flags: tuple[dict, ...]  # {"why": "low_item" | "drop", "item"?, "value"} per flag that holds


def band_of(instrument: Instrument, total: int | None) -> str:
    if total is None:
        return ""
    return next((band.label for band in instrument.bands if band.min <= total <= band.max), "")


def clean(instrument: Instrument, raw: object) -> dict[str, int]:
    """Answers checked against the instrument: known items, allowed values, every required item.
    Raises ValueError with a short human reason (the engine turns it into a rejection)."""
    if not isinstance(raw, dict):
        raise ValueError("The answers were not understood.")
    items = {item.id: item for item in instrument.items}
    if any(key not in items for key in raw):
        raise ValueError("This questionnaire has no such question.")
    answers: dict[str, int] = {}
    for number, item in enumerate(instrument.items, start=1):
        value = raw.get(item.id)
        if value is None:
            if item.required:
                raise ValueError(f"Please answer question {number}.")
            continue
        allowed = {o.value for o in options_of(instrument, item)}
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise ValueError(f"Question {number}: please choose one of the answers.")
        answers[item.id] = value
    return answers


def score(instrument: Instrument, answers: dict[str, int], previous_total: int | None = None) -> Score:
    """The total (sum of scored items), its band, the risk rules and flags that hold."""
    scored = [item for item in instrument.items if item.scored]
    complete = all(item.id in answers for item in scored if item.required)
    total = sum(answers.get(item.id, 0) for item in scored) if complete else None
    risk = tuple({"item": rule.item, "value": answers[rule.item], "say": rule.say}
                 for rule in instrument.risk if answers.get(rule.item, 0) > rule.above)
    flags: list[dict] = []
    if instrument.flags.low_item is not None:
        flags += [{"why": "low_item", "item": item.id, "value": answers[item.id]} for item in scored
                  if item.id in answers and answers[item.id] <= instrument.flags.low_item]
    if instrument.flags.drop is not None and total is not None and previous_total is not None \
            and previous_total - total >= instrument.flags.drop:
        flags.append({"why": "drop", "value": total, "previous": previous_total})
    return Score(total, band_of(instrument, total), risk, tuple(flags))


def change(instrument: Instrument, before: int | None, after: int | None) -> str | None:
    """"improved", "worsened" or "no reliable change" between two totals (None without both or without a
    reliable-change value). A change counts when it is at least ``reliable_change`` points."""
    if before is None or after is None or instrument.reliable_change is None:
        return None
    delta = after - before
    if abs(delta) < instrument.reliable_change:
        return "no reliable change"
    better = delta < 0 if instrument.higher_is == "worse" else delta > 0
    return "improved" if better else "worsened"


# ---- loading ----------------------------------------------------------------------------------


class InstrumentError(Exception):
    """A measure file that does not load: every problem, as "file: field: reason" lines."""


def _read(path: Path) -> Instrument:
    return data_files.read(path, Instrument, "id", InstrumentError)


def load(directory: Path = MEASURES_DIR) -> dict[str, Instrument]:
    """Every instrument in ``directory`` by id; raises InstrumentError listing every broken file."""
    return data_files.load(directory, _read, "id", InstrumentError)


@functools.cache
def shipped() -> dict[str, Instrument]:
    """The instruments that ship with the app (read once)."""
    return load()


def instrument(instrument_id: str) -> Instrument:
    """A shipped instrument by id; KeyError if there is none."""
    return shipped()[instrument_id]
