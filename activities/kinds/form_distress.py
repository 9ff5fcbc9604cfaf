"""When a check-in answer raises a private distress alert: the feeling weighs the intensity.

Each feeling family in activities/emotions.yaml says how it weighs (its ``distress`` key):

- ``likely``      a distress family (scared, sad, mad, ashamed): an alert at intensity >= threshold;
- ``low_energy``  tired or numb: a lower bar, threshold - 3 (at least 1, never above the threshold);
- ``never``       glad, calm, tender: no alert, whatever the intensity;
- ``unclear``     unsure or mixed: counted as possible distress, like ``likely``.

A feeling we cannot place (a member's own word without a family, a family id the file does not know,
no feeling given, or a feeling the member kept private) is counted as possible distress too: we cannot
tell, so the intensity alone decides, as it did before feelings were weighed.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LIKELY, LOW_ENERGY, NEVER, UNCLEAR = "likely", "low_energy", "never", "unclear"
WEIGHTS = (LIKELY, LOW_ENERGY, NEVER, UNCLEAR)
LOW_ENERGY_STEP = 3


def alert_bar(weight: str, threshold: int) -> int | None:
    """The lowest intensity that raises an alert for a feeling of this weight; None: never."""
    if weight == NEVER:
        return None
    if weight == LOW_ENERGY:
        return min(threshold, max(1, threshold - LOW_ENERGY_STEP))
    return threshold


def raises_alert(weight: str, intensity: int, threshold: int) -> bool:
    bar = alert_bar(weight, threshold)
    return bar is not None and intensity >= bar


def weight_of(families: Mapping[str, str], feeling: Mapping[str, Any] | None) -> str:
    """The weight of a feeling answer ({"word", "family"}), UNCLEAR when it cannot be placed."""
    family = feeling.get("family") if isinstance(feeling, Mapping) else None
    return families.get(family, UNCLEAR) if isinstance(family, str) else UNCLEAR


def feeling_field(fields: list[dict[str, Any]], scale_id: str) -> dict[str, Any] | None:
    """The feeling a distress scale rates: the nearest emotion field before it (else the first one
    after it). A private feeling field is never consulted: it belongs to the member alone."""
    position = next(i for i, field in enumerate(fields) if field["id"] == scale_id)
    before = [f for f in fields[:position] if f["type"] == "emotion"]
    after = [f for f in fields[position + 1:] if f["type"] == "emotion"]
    field = before[-1] if before else (after[0] if after else None)
    return None if field is None or field["audience"] == "private" else field


def flags(state: Mapping[str, Any], answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One member's answers that call for an alert: [{"field", "value", "word", "family"}]; word and
    family are None when the feeling is not one facilitators see."""
    families = state.get("distress_families", {})
    flagged = []
    for field in state["fields"]:
        value = answers.get(field["id"])
        if not field["distress_alert"] or field["audience"] == "private" or value is None:
            continue
        source = feeling_field(state["fields"], field["id"])
        feeling = answers.get(source["id"]) if source is not None else None
        if raises_alert(weight_of(families, feeling), value, state["distress_threshold"]):
            flagged.append({"field": field["id"], "value": value,
                            "word": feeling["word"] if feeling else None,
                            "family": feeling["family"] if feeling else None})
    return flagged
