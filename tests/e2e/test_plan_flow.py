"""A whole session from a plan, in real browsers: the facilitator builds the plan in the plan builder
and runs it from the console; two remote participants on phones, one in-room member without a device,
and the room display follow. Check-in -> go-around (a pass, a raised hand) -> breathing -> check-out,
then the after-session summary. Every screen is audited with axe-core and screenshotted."""
import pytest

from tests.e2e.conftest import enter_by_link, open_first_console

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.timeout(600)]  # gunicorn + Chromium; setup included

PHONE = {"width": 390, "height": 844}
PLAN = ["Check-in round", "Go-around", "Paced breathing", "Check-out round"]


def join(browser, url, name):
    return enter_by_link(browser.new_context(viewport=PHONE).new_page(), url, name)


def all_show(pages, selector):
    for page in pages:
        page.wait_for_selector(selector)


def test_a_planned_session_from_start_to_summary(server, browser, audit, shots):
    fac = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_first_console(fac, server, "Wednesday group", "Week 6: noticing")
    console_url = fac.url

    # build the plan in the plan builder
    fac.click("#plan-panel a:has-text('Edit the plan')")
    for title in PLAN:
        fac.click(f"button:has-text('Add {title}')")
        fac.wait_for_selector(f".flash:has-text('{title}')")
    audit(fac, "plan builder")
    shots(fac, "plan-1-builder")
    fac.goto(console_url)
    fac.wait_for_selector("#plan-items li:has-text('Check-out')")

    link = fac.input_value("#join-url")
    ana = join(browser, link, "Ana")
    ben = join(browser, link, "Ben")
    fac.wait_for_selector("#waiting .person:has-text('Ben')")
    fac.click("#admit-all")
    fac.fill("#in-room-name", "Cy")
    fac.click("#in-room-form button")
    fac.wait_for_selector("#roster .person:has-text('Cy')")
    display = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    display.goto(fac.get_attribute("a:has-text('Open room display')", "href"))
    # One Start: with a plan, the session's own Start gives way to the plan's, which starts both.
    assert fac.is_hidden("button[data-phase=running]:not([data-resume])")
    fac.wait_for_selector("#plan-next:has-text('Start the session: Check-in')")

    # 1. check-in: two people answer on their phones, the facilitator fills in for Cy
    fac.click("#plan-next")
    all_show([ana, ben, display], "#activity-title:has-text('Check-in')")
    ana.click("summary:has-text('Glad')")
    ana.click("label.chip:has-text('hopeful')")
    ana.click(".scale label.point:has-text('3')")
    ana.click("#activity button:has-text('Save my answers')")
    ana.wait_for_selector(".saved:has-text('Saved')")
    ben.fill("#activity input[id$='-own']", "wobbly")
    ben.click(".scale label.point:has-text('9')")
    ben.click("#activity button:has-text('Save my answers')")
    ben.wait_for_selector(".saved:has-text('Saved')")
    fac.wait_for_selector("#distress .alert-distress:has-text('Ben feels wobbly, 9 out of 10')")  # a private alert
    fac.click("#distress button:has-text('Spoke with them')")  # its follow-up
    fac.wait_for_selector("#distress .followup:has-text('Follow-up: Spoke with them')")
    assert "9" not in display.inner_text("#activity")
    fac.click("summary:has-text('Fill in for Cy')")
    details = fac.locator("details:has(summary:has-text('Fill in for Cy'))")
    details.locator("select").first.select_option(label="calm")
    details.locator("select").nth(1).select_option("5")
    details.locator("button:has-text('Save answers')").click()
    fac.wait_for_selector(".ca-answer:has-text('Cy'):has-text('calm')")
    fac.wait_for_selector("details:has(summary:has-text('Fill in for Cy')):not([open])")  # saved: it folds away
    audit(ana, "participant check-in")
    audit(fac, "console check-in")
    shots(ana, "plan-2-participant-checkin")
    shots(fac, "plan-3-console-checkin")

    # 2. go-around: Ana passes, Ben raises a hand; the facilitator moves the round on
    fac.click("#plan-next")
    all_show([ana, ben, display], "#activity-title:has-text('Go-around')")
    fac.click("#activity-body button:has-text('Start round')")
    ana.wait_for_selector(".turn.is-me:has-text('your turn')")  # seating order: Ana first
    ben.click("#activity button:has-text('Raise hand')")
    ben.wait_for_selector("#activity button[aria-pressed=true]:has-text('Lower hand')")
    fac.wait_for_selector("#activity-body :text('hand')")
    ana.click("#pass")  # the big Pass button passes her turn
    ben.wait_for_selector(".turn.is-me:has-text('your turn')")
    fac.wait_for_selector("#activity-body .ca-st-badge-passed", state="attached")
    audit(ben, "participant round")
    audit(display, "display round")
    audit(fac, "console round")
    shots(ben, "plan-4-participant-round")
    shots(display, "plan-5-display-round", full_page=False)
    shots(fac, "plan-6-console-round")
    asked = []
    fac.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    fac.click("#plan-next")  # "Next" in a running go-around asks first; "no" keeps the round
    fac.wait_for_timeout(300)
    assert asked and "still to speak" in asked[0], asked
    assert fac.locator("#activity-body button:has-text('Finish round')").count() == 1
    for _ in range(4):
        if fac.locator("#activity-body button:has-text('Next speaker'):enabled").count() == 0:
            break
        fac.click("#activity-body button:has-text('Next speaker')")
        fac.wait_for_timeout(200)
    fac.click("#activity-body button:has-text('Finish round')")
    # the round has finished on the console before Next is pressed (Next still asks while it runs)
    fac.wait_for_selector("#activity-body .ca-done")

    # 3. breathing, in step on every screen
    fac.click("#plan-next")
    all_show([ana, ben, display], "#activity-title:has-text('Paced breathing')")
    ana.wait_for_selector(".pacer-word:has-text('Breathe')")
    display.wait_for_selector(".d-word:has-text('Breathe')")
    audit(ana, "participant pacer")
    audit(display, "display pacer")
    shots(display, "plan-7-display-pacer", full_page=False)

    # 4. check-out
    fac.once("dialog", lambda d: d.accept())
    fac.click("#plan-next")
    all_show([ana, ben, display], "#activity-title:has-text('Check-out')")
    inputs = ana.locator("#activity input[maxlength='200']")
    for i, text in enumerate(["lighter", "that I can pass and still belong", "one slow breath before I answer"]):
        inputs.nth(i).fill(text)
    ana.click("#activity button:has-text('Save my answers')")
    ana.wait_for_selector(".saved:has-text('Saved')")
    audit(ana, "participant check-out")
    shots(ana, "plan-8-participant-checkout")

    # after the session: the summary shows attendance, airtime and answers facilitators may see
    fac.once("dialog", lambda d: d.accept())
    fac.click("button:has-text('End session')")
    ana.wait_for_selector("#ended:not([hidden])")
    fac.goto(console_url.replace("/console", "/summary"))
    page = fac.inner_text("main")
    for expected in ("Ana", "Ben", "Cy", "Check-in round", "Go-around", "hopeful", "wobbly", "Airtime"):
        assert expected in page, expected
    assert "one slow breath before I answer" not in page  # the commitment is private to Ana
    audit(fac, "session summary")
    shots(fac, "plan-9-summary")
