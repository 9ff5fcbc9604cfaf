"""Fixtures for handout tests: PDF text extraction, a module-scoped app for library renders, and a
session with two participants whose answers carry distinct canary words."""
from __future__ import annotations

import io
import re
import shutil
import time

import pytest
from pypdf import PdfReader

from core import create_app
from core.extensions import db

# Canary words planted in answers: single words, so line breaks in the PDF cannot split them.
ANA = {"need": "Quokkaneed", "secret": "Quokkasecret", "word": "Quokkaword", "list": "Quokkalist"}
BEN = {"need": "Wombatneed", "secret": "Wombatsecret", "word": "Wombatword", "list": "Wombatlist"}
CY = {"need": "Numbatneed", "secret": "Numbatsecret", "word": "Numbatword", "list": "Numbatlist"}


@pytest.fixture(scope="module")
def pdf_app(database_template, tmp_path_factory):
    """One app for a whole module, for renders that need no per-test data (library activities)."""
    tmp = tmp_path_factory.mktemp("handouts")
    kind, source = database_template
    url = source if kind == "postgresql" else f"sqlite:///{shutil.copy(source, tmp / 'h.db')}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "ASYNC_MODE": "threading", "WTF_CSRF_ENABLED": False,
                      "INSTANCE_DIR": str(tmp), "SERVER_NAME": "localhost"})
    yield app
    db.session.remove()


def pdf_text(data: bytes) -> str:
    """All text of a PDF with every run of whitespace removed (line breaks fall anywhere)."""
    reader = PdfReader(io.BytesIO(data))
    return squash(" ".join(page.extract_text() or "" for page in reader.pages))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def form_state(slug: str, answers: dict, catalogue) -> dict:
    fields = [f.model_dump() for f in catalogue.library()[slug].settings.fields]
    return {"kind": "form", "phase": "closed", "fields": fields, "answers": answers,
            "submitted_at": dict.fromkeys(answers, 0), "members": {}, "spotlight": None, "shared": []}


@pytest.fixture
def room(app, make_facilitator, make_group, make_session, join):
    """A session with a plan, Ana and Ben (own devices, own cookies), Cy (in the room, no device),
    a finished check-in and go-around, and a check-out still running in the live state."""
    from core import catalogue
    from core.activity_models import ActivityRun, PlanItem
    from core.models import LiveState, Participant, utcnow
    from core.state import initial_state

    f = make_facilitator()
    g = make_group(f)
    gs = make_session(g, f)
    ana_client, ana = join(gs, "Ana")
    ben_client, ben = join(gs, "Ben")
    with app.app_context():
        with db.transaction() as s:
            for p in (ana, ben):
                row = s.get(Participant, p.id)
                row.status, row.admitted_at = "admitted", utcnow()
            cy = Participant(session_id=gs.id, display_name="Cy", in_room=True, status="admitted",
                             admitted_at=utcnow())
            s.add(cy)
            s.flush()
            cy_id = cy.id
            for n, slug in enumerate(("check-in", "go-around", "exposure-ladder", "check-out")):
                s.add(PlanItem(session_id=gs.id, position=n, slug=slug, minutes=10 + n))
            people = ((f"p{ana.id}", ANA), (f"p{ben.id}", BEN), (f"p{cy_id}", CY))
            checkin = {m: {"feeling": {"word": c["word"], "family": None}, "intensity": 4, "need": c["need"]}
                       for m, c in people}
            ladder = {m: {"goal": c["secret"] + "goal", "ladder": [c["list"], "second step"]} for m, c in people}
            checkout = {m: {"one_word": c["word"] + "out", "commitment": c["secret"]} for m, c in people}
            now = time.time()
            for n, (slug, kind, state) in enumerate((
                    ("check-in", "form", form_state("check-in", checkin, catalogue)),
                    ("go-around", "round", {"kind": "round", "airtime": {f"p{ana.id}": 75, f"p{ben.id}": 45}}),
                    ("exposure-ladder", "form", form_state("exposure-ladder", ladder, catalogue)))):
                s.add(ActivityRun(session_id=gs.id, position=n, slug=slug, title=catalogue.library()[slug].title,
                                  kind=kind, planned_minutes=10, started_at=now - 3000 + n * 600,
                                  ended_at=now - 2500 + n * 600, state=state))
            live_state = initial_state()
            live_state.update(current=3, item={"slug": "check-out", "title": "Check-out round", "kind": "form"},
                              item_started_at=now - 60, activity=form_state("check-out", checkout, catalogue),
                              plan=[{"slug": "check-in", "title": "Check-in round", "kind": "form", "minutes": 10},
                                    {"slug": "go-around", "title": "Go-around", "kind": "round", "minutes": 11},
                                    {"slug": "exposure-ladder", "title": "Ladder", "kind": "form", "minutes": 12},
                                    {"slug": "check-out", "title": "Check-out round", "kind": "form", "minutes": 13}])
            s.add(LiveState(session_id=gs.id, version=1, state=live_state))
    return {"f": f, "g": g, "gs": gs, "ana": ana, "ben": ben, "cy_id": cy_id,
            "ana_client": ana_client, "ben_client": ben_client}
