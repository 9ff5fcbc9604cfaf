"""Activity screens in real browsers: a form, a round, a pacer and an info card on two phones and the
room display. Every participant state is audited with axe-core and screenshotted."""
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import enter_by_link, open_first_console

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.timeout(600)]  # gunicorn + Chromium; setup included

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1400, "height": 1000}
PLAN = ["check-in", "go-around", "paced-breathing", "attachment-patterns"]

# Puts a plan into the live session the way the hub does (views reach clients on their next snapshot).
SET_PLAN = """
import sys
from wsgi import app
from activities import plan
from core import catalogue, live
from core.extensions import db
from core.models import GroupSession
with app.test_request_context():
    gs = db.session.get(GroupSession, int(sys.argv[1]))
    items = [plan.entry(slug, catalogue.resolve(gs.group_id, slug), 5) for slug in sys.argv[2:]]
    assert live.system(gs, {"type": "plan_set", "items": items})["ok"]
"""


def watch(page, errors, label):
    page.on("console", lambda m: errors.append(f"{label}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{label}: {e}"))


def join(browser, link, name, errors, **ctx):
    page = browser.new_context(viewport=PHONE, **ctx).new_page()
    watch(page, errors, name)
    return enter_by_link(page, link, name)


def test_activity_screens(server, browser, audit, shots):
    errors: list[str] = []
    fac = browser.new_context(viewport=LAPTOP).new_page()
    open_first_console(fac, server, "Thursday group", "Week 5")
    session_id = re.search(r"/sessions/(\d+)/", fac.url).group(1)
    link = fac.input_value("#join-url")

    ana = join(browser, link, "Ana", errors)
    ben = join(browser, link, "Ben", errors, reduced_motion="reduce")
    fac.click("#admit-all")
    ben.wait_for_selector("#live:not([hidden])")
    fac.click("button[data-phase=running]:visible")
    subprocess.run([sys.executable, "-c", SET_PLAN, session_id, *PLAN], cwd=ROOT, env=server.env, check=True,
                   capture_output=True, timeout=60)
    # A second facilitator connection drives the activities (the console's own buttons are tested elsewhere).
    fac.evaluate("""() => { window.f = SB.connect({session: document.getElementById('app').dataset.session,
                                                   as: 'facilitator', onView: v => { window.fv = v; }}); }""")
    fac.wait_for_function("() => window.fv && window.fv.plan.items.length === 4")
    display = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    watch(display, errors, "display")
    display.goto(fac.get_attribute("a:has-text('room display')", "href"))

    def command(kind, **args):
        ack = fac.evaluate("([t, a]) => window.f.command(t, a)", [kind, args])
        assert ack["ok"], ack

    def go(index, title):
        command("plan_go", index=index)
        for page in (ana, ben, display):
            page.wait_for_selector(f"#activity-title:has-text('{title}')")

    # form: answers are saved, a draft being typed survives other people's updates, shared answers show
    go(0, "Check-in")
    ben.click("#activity button:has-text('Save my answers')")
    ben.wait_for_selector("#activity .error:has-text('Please answer')")
    ben.fill("#activity input[id$='-own']", "wobbly")
    ana.click("summary:has-text('Scared')")
    ana.click("label.chip:has-text('anxious')")
    ana.click(".scale label.point:has-text('4')")
    ana.fill("#activity input[maxlength='200']", "patience with myself")
    ana.click("#activity button:has-text('Save my answers')")
    ana.wait_for_selector(".saved:has-text('Saved')")
    time.sleep(0.3)
    assert ben.input_value("#activity input[id$='-own']") == "wobbly"
    audit(ana, "participant form saved")
    audit(ben, "participant form with error")
    shots(ana, "activity-1-form")
    ana_id = fac.evaluate("() => window.fv.activity.view.members.find(m => m.name === 'Ana').id")
    command("activity", action="reveal", args={"field": "need", "member": ana_id})
    ben.wait_for_selector(".shared-list:has-text('patience with myself')")
    display.wait_for_selector(".d-spot-value:has-text('patience with myself')")
    audit(ben, "participant form shared")
    ana.once("dialog", lambda d: d.accept())
    ana.click("#activity button:has-text('Delete my answers')")
    ana.wait_for_selector("#activity button:has-text('Delete my answers')", state="hidden")
    assert ana.input_value("#activity input[maxlength='200']") == ""

    # round: turns, a raised hand, and the big Pass button passing the speaker's turn
    go(1, "Go-around")
    command("activity", action="start")
    ana.wait_for_selector(".turn.is-me:has-text('your turn')")
    ben.wait_for_selector(".turn:has-text('Ana is speaking')")
    # where I am in the queue: the room's queue of place tokens and my own (core/live/fanout, split)
    ben.wait_for_selector(".turn-next:has-text(\"You're up next.\")")
    ana.wait_for_selector(".turn-next:has-text('After you: Ben')")
    assert "Ana" not in display.inner_text("#activity")  # names stay off the display unless turned on
    ben.click("#activity button:has-text('Raise hand')")
    ben.wait_for_selector("#activity button[aria-pressed=true]:has-text('Lower hand')")
    audit(ana, "participant round, my turn")
    audit(ben, "participant round, listening")
    shots(ana, "activity-2-round-my-turn")
    shots(display, "activity-display-round", full_page=False)
    ana.click("#pass")
    ben.wait_for_selector(".turn.is-me:has-text('your turn')")
    ana.wait_for_selector(".turn-mine:has-text('You passed')")

    # pacer: the same phase on every screen; reduced motion shows the words without the circle
    go(2, "Paced breathing")
    ana.wait_for_selector(".pacer-stage:visible")
    assert not ben.locator(".pacer-stage").is_visible()
    words = {page.inner_text(sel) for page, sel in ((ana, ".pacer-word"), (ben, ".pacer-word"), (display, ".d-word"))}
    assert all(re.fullmatch(r"Breathe (in|out)… \d+", w) for w in words), words
    audit(ana, "participant pacer")
    shots(ana, "activity-3-pacer")

    # info: the facilitator's highlighted section is marked
    go(3, "Attachment")
    command("activity", action="show_section", args={"index": 2})
    ana.wait_for_selector(".info-card.is-current[aria-current=step]:has-text('Anxious')")
    display.wait_for_selector(".d-section:has-text('Anxious')")
    audit(ana, "participant info")
    shots(ana, "activity-4-info", full_page=False)

    command("plan_stop")
    ana.wait_for_selector("#activity", state="hidden")
    assert not errors, errors
