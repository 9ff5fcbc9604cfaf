""""Pause everyone" in a real browser: the breathing pacer stops on the room display (1920×1080) and on a
phone with a calm "Paused", the pause message fits the display with the activity on it, and "Resume"
carries the pacer on from where it stood; a go-around turn's clock stops the same way."""
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import enter_by_link, open_first_console

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]
FULL_HD = {"width": 1920, "height": 1080}
LONG_NOTE = ("Let's take a few minutes together. Stand up if you like, stretch, get some water, look out of the "
             "window. We carry on with the breathing exactly where we left it, nobody needs to hurry back.")
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


def test_the_pacer_pauses_with_the_session(server, browser, audit, shots):
    errors: list[str] = []
    fac = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    open_first_console(fac, server, "Tuesday group", "Week 2")
    session_id = re.search(r"/sessions/(\d+)/", fac.url).group(1)
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    display = browser.new_context(viewport=FULL_HD).new_page()
    for label, page in (("phone", phone), ("display", display), ("console", fac)):
        page.on("pageerror", lambda e, label=label: errors.append(f"{label}: {e}"))
    enter_by_link(phone, fac.input_value("#join-url"), "Ana")
    fac.click("#admit-all")
    phone.wait_for_selector("#live:not([hidden])")
    subprocess.run([sys.executable, "-c", SET_PLAN, session_id, "paced-breathing", "go-around"], cwd=ROOT, env=server.env,
                   check=True, capture_output=True, timeout=60)
    fac.evaluate("""() => { window.f = SB.connect({session: document.getElementById('app').dataset.session,
                                                   as: 'facilitator', onView: v => { window.fv = v; }}); }""")
    fac.wait_for_function("() => window.fv && window.fv.plan.items.length === 2")
    display.goto(fac.get_attribute("a:has-text('room display')", "href"))

    def command(kind, **args):
        ack = fac.evaluate("([t, a]) => window.f.command(t, a)", [kind, args])
        assert ack["ok"], ack

    command("plan_go", index=0)
    if fac.evaluate("() => window.fv.frame.phase") == "lobby":
        command("set_phase", to="running")
    display.wait_for_selector(".d-word:has-text('Breathe')")
    phone.wait_for_selector(".pacer-word:has-text('Breathe')")
    time.sleep(1.5)

    command("set_phase", to="paused", note=LONG_NOTE)
    display.wait_for_selector(".d-word:has-text('Paused')")
    phone.wait_for_selector(".pacer-word:has-text('Paused')")
    fac.wait_for_selector(".ca-pacer-state:has-text('Paused with the session')")
    held = display.evaluate("() => document.querySelector('.d-circle').style.transform")
    state = fac.inner_text(".ca-pacer-state")
    time.sleep(2.5)  # nothing moves while the session is paused
    assert display.evaluate("() => document.querySelector('.d-circle').style.transform") == held
    assert fac.inner_text(".ca-pacer-state") == state and phone.inner_text(".pacer-word") == "Paused"
    assert LONG_NOTE in display.inner_text("#phase-text")
    shots(display, "pause-display-1920", full_page=False)
    shots(phone, "pause-phone")
    # the message and the whole activity fit one 1080-px screen: nothing below the fold, no scrolling
    bottom = display.evaluate("() => Math.max(...[...document.querySelectorAll('#phase-text, #activity .d-word')]"
                              ".map(n => n.getBoundingClientRect().bottom))")
    assert bottom <= FULL_HD["height"], bottom
    assert display.evaluate("() => document.documentElement.scrollHeight") <= FULL_HD["height"]
    audit(display, "display paused pacer")

    command("set_phase", to="running")
    display.wait_for_selector(".d-word:has-text('Breathe'), .d-word:has-text('Hold')")
    phone.wait_for_selector(".pacer-word:not(:has-text('Paused'))")
    view = fac.evaluate("() => window.fv.activity.view")
    assert "paused" not in view and time.time() - view["started_at"] < 30  # moved on by the pause

    command("plan_go", index=1)
    command("activity", action="start", args={})
    display.wait_for_selector(".d-timer:visible")
    command("set_phase", to="paused", note=LONG_NOTE)
    display.wait_for_selector(".d-timer:has-text('Paused')")
    phone.wait_for_selector(":text('Paused ·')")
    shown = display.inner_text(".d-timer")
    time.sleep(2.2)
    assert display.inner_text(".d-timer") == shown and re.search(r"Paused · \d:\d\d", shown), shown
    assert display.evaluate("() => document.documentElement.scrollHeight") <= FULL_HD["height"]
    shots(display, "pause-display-1920-round", full_page=False)
    assert not errors, errors
