"""A facilitator and two participants in real browsers: setup -> group -> session -> join -> admit ->
pause signal -> remove. Every page state is audited with axe-core and screenshotted."""
import re

import pytest

from tests.e2e.conftest import open_first_console

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.timeout(600)]  # gunicorn + Chromium; setup included

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1400, "height": 1000}


def participant_joins(browser, server, audit, shots, *, name, code=None, link=None):
    page = browser.new_context(viewport=PHONE).new_page()
    if code:
        page.goto(server.url + "/")
        audit(page, "join home")
        page.fill("#code", code.lower())
        page.click("text=Continue")
    else:
        page.goto(link)
    page.wait_for_selector("#name")
    audit(page, "name step")
    page.fill("#name", name)
    page.click("text=Next")
    page.wait_for_selector("#agree")
    audit(page, "agreements")
    if name == "Ana":
        shots(page, "participant-1-agreements")
    page.check("#agree")
    page.click("text=Join the session")
    page.wait_for_selector("#waiting:not([hidden])")
    audit(page, "waiting room")
    return page


def test_facilitator_and_two_participants(server, browser, audit, shots):
    fac = browser.new_context(viewport=LAPTOP).new_page()
    fac.goto(server.setup_link())
    audit(fac, "setup")
    fac.fill("#name", "Robin")
    fac.fill("#email", "robin@example.org")
    fac.fill("#password", "a calm long password")
    fac.fill("#confirm", "a calm long password")
    fac.click("button[type=submit]")
    fac.wait_for_selector("text=Create a group")
    audit(fac, "dashboard")
    fac.fill("#name", "Tuesday evening group")
    fac.click("text=Create group")
    fac.wait_for_selector("text=New session")
    audit(fac, "group page")
    fac.fill("#title", "Week 3: listening")
    fac.click("text=Create session and open console")
    fac.wait_for_selector("#conn:has-text('connected')")
    audit(fac, "console (empty)")
    code = fac.inner_text("#join-code")
    link = fac.input_value("#join-url")
    assert re.fullmatch(r"[A-Z0-9]{7}", code)

    ana = participant_joins(browser, server, audit, shots, name="Ana", link=link)
    shots(ana, "participant-2-waiting")
    ben = participant_joins(browser, server, audit, shots, name="Ben", code=code)
    assert ana.locator("#message").inner_text() == ""  # nothing of the session while waiting

    fac.wait_for_selector("#waiting .person:has-text('Ben')")
    audit(fac, "console (waiting room)")
    fac.click("#waiting .person:has-text('Ana') button:has-text('Admit')")
    ana.wait_for_selector("#live:not([hidden])")
    assert ben.locator("#waiting").is_visible()
    fac.click("#admit-all")
    ben.wait_for_selector("#live:not([hidden])")

    fac.click("button[data-phase=running]:visible")
    fac.fill("#message", "Welcome, everyone. Let's begin with one slow breath.")
    fac.click("text=Show message")
    ana.wait_for_selector("#message:has-text('Welcome, everyone')")
    ben.wait_for_selector("#message:has-text('Welcome, everyone')")
    audit(ana, "participant live")

    display = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    display.goto(fac.get_attribute("a:has-text('Open room display')", "href"))
    display.wait_for_selector("#message:has-text('Welcome, everyone')")
    assert "Ana" not in display.inner_text("body")  # no names on the display unless turned on
    audit(display, "room display")
    shots(display, "display-1-running", full_page=False)

    ana.click("#pause")
    fac.wait_for_selector(".alert:has-text('Ana needs a pause')")
    ana.wait_for_selector("#pause:disabled:has-text('Pause signal sent')")  # the button says it was sent
    assert "pause" not in ben.inner_text("#me-status")  # the signal is private
    audit(fac, "console (pause signal)")
    shots(fac, "facilitator-1-console-signal")
    fac.fill(".alert input", "Take your time. I'll check in with you at the break.")
    fac.click(".alert button")
    ana.wait_for_selector("#me-status:has-text('has seen your signal')")
    ana.wait_for_selector("#pause:enabled:has-text('I need a pause')")  # and can be sent again
    assert "check in with you" not in ben.inner_text("body")
    shots(ana, "participant-3-live-acknowledged")

    ben.click("#pass")
    fac.wait_for_selector("#passes:has-text('Ben')")
    ben.wait_for_selector("#pass[aria-pressed=true]")

    fac.click("button:has-text('Pause everyone')")
    ana.wait_for_selector("#pause-banner:not([hidden])")
    display.wait_for_selector("#phase-text:has-text('pause')")
    audit(ana, "participant paused")
    shots(ana, "participant-4-paused")
    fac.click("button[data-resume]")
    ana.wait_for_selector("#pause-banner", state="hidden")

    fac.on("dialog", lambda d: d.accept())
    fac.click("#roster .person:has-text('Ben') button:has-text('Remove')")
    ben.wait_for_selector("text=You can't rejoin this session")
    audit(ben, "removed page")
    assert ben.locator("a.help-link:has-text('Help now')").count() == 1  # the removed page keeps it
    shots(ben, "participant-4-removed")
    ben.goto(link)
    assert "can't rejoin" in ben.inner_text("body")
    fac.wait_for_selector("#roster .person:has-text('Ben')", state="detached")
    shots(fac, "facilitator-2-console")

    fac.goto(fac.url.replace("/console", "/join-sheet"))
    audit(fac, "join sheet")
    shots(fac, "facilitator-3-join-sheet", full_page=False)


def test_participant_is_restored_after_closing_the_tab(own_server, browser, audit):
    server = own_server  # its own account and group: under xdist the test above may run on another worker
    first_visit = browser.new_context(viewport=LAPTOP)
    open_first_console(first_visit.new_page(), server, "Tuesday evening group", "Week 3")
    first_visit.close()  # the facilitator comes back another day: signs in and finds the group
    fac = browser.new_context(viewport=LAPTOP).new_page()
    fac.goto(server.url + "/login")
    audit(fac, "login")
    fac.fill("#email", "robin@example.org")
    fac.fill("#password", "a calm long password")
    fac.click("button[type=submit]")
    fac.click("text=Tuesday evening group")
    fac.fill("#title", "Week 4")
    fac.check("#auto_admit")
    fac.click("text=Create session and open console")
    fac.wait_for_selector("#conn:has-text('connected')")
    link = fac.input_value("#join-url")
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    page.goto(link)
    page.fill("#name", "Cleo")
    page.click("text=Next")
    page.check("#agree")
    page.click("text=Join the session")
    page.wait_for_selector("#live:not([hidden])")  # auto-admit: straight in
    fac.fill("#message", "Still here")
    fac.click("text=Show message")
    page.wait_for_selector("#message:has-text('Still here')")
    page.close()
    again = ctx.new_page()
    again.goto(link)  # the same device opens the link again
    again.wait_for_selector("#message:has-text('Still here')")
    fac.wait_for_selector("#roster .person:has-text('Cleo')")
    assert fac.locator("#roster .person").count() == 1  # recognised, not a second Cleo
