"""Practice guides (activities/guides.py) as facilitator handouts, and the links an activity's guide
prints to them. Facilitators only."""
from __future__ import annotations

from typing import Any

from activities import guides


def guide_data(guide: guides.Guide) -> dict[str, Any]:
    return {"slug": guide.slug, "title": guide.title, "summary": guide.summary, "intro": guide.intro,
            "sections": [s.model_dump() for s in guide.sections],
            "situations": [s.model_dump() for s in guide.situations]}


def links(slugs: list[str]) -> list[dict[str, str]]:
    """{slug, title} for the shipped guides among `slugs` (an activity's `guides`), in that order."""
    known = guides.shipped()
    return [{"slug": s, "title": known[s].title} for s in slugs if s in known]


def context(guide: guides.Guide) -> dict[str, Any]:
    from handouts.context import doc

    return {"doc": doc(f"{guide.title}: practice guide", "Practice guide for facilitators \u00b7 not for participants",
                       "practice-guide"),
            "practice": guide_data(guide)}
