"""The console's "Now" panel is drawn on the server and morphed into the page (console-screen.js): in a
real browser, an update that arrives while the facilitator is typing keeps the text they typed, their
focus and the <details> they opened; a button pressed from the keyboard keeps the focus (or hands it to
its fallback when it is spent); saving folds the fill-in form away and shows what was saved."""
import pytest

from tests.e2e.conftest import enter_by_link, open_first_console, plan_from_console

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.timeout(600)]

PHONE = {"width": 390, "height": 844}


def active_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_an_update_keeps_what_the_facilitator_is_doing(own_server, browser, audit, shots):
    server = own_server
    fac = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    open_first_console(fac, server, "Thursday group", "Week 2")
    plan_from_console(fac, ["Check-in round", "Go-around"])
    ana = enter_by_link(browser.new_context(viewport=PHONE).new_page(), fac.input_value("#join-url"), "Ana")
    fac.wait_for_selector("#waiting .person:has-text('Ana')")
    fac.click("#admit-all")
    fac.fill("#in-room-name", "Cy")
    fac.click("#in-room-form button")
    fac.wait_for_selector("#roster .person:has-text('Cy')")
    fac.click("#plan-next")
    fac.wait_for_selector("#ca-kind.ca-kind-form")

    # The facilitator opens the guide and starts filling in for Cy; they have not saved yet.
    fac.click("#ca-guide summary")
    fac.click("summary:has-text('Fill in for Cy')")
    fill = fac.locator("details:has(summary:has-text('Fill in for Cy'))")
    fill.locator("select").nth(1).select_option("4")
    own = fill.locator("input[id$='-own']")
    own.fill("steady")
    own.focus()

    # Meanwhile Ana answers on her phone: a new view redraws the panel.
    ana.fill("#activity input[id$='-own']", "tired")
    ana.click(".scale label.point:has-text('6')")
    ana.click("#activity button:has-text('Save my answers')")
    fac.wait_for_selector(".ca-answer:has-text('Ana'):has-text('tired')")
    fac.wait_for_selector(".ca-answer:has-text('Ana') time:text-matches('^[0-9]{2}:[0-9]{2}$')")  # local time, filled in
    assert own.input_value() == "steady"  # typed text survives the update
    assert fill.locator("select").nth(1).input_value() == "4"  # so does a choice not yet saved
    assert active_id(fac) == own.get_attribute("id")  # and the focus
    assert fac.locator("#ca-guide").get_attribute("open") is not None  # the guide stays open
    assert fill.get_attribute("open") is not None
    shots(fac, "console-morph-1-typing")

    fill.locator("button:has-text('Save answers')").click()
    fac.wait_for_selector(".ca-answer:has-text('Cy'):has-text('steady'):has-text('4 of 10')")
    fac.wait_for_selector("details:has(summary:has-text('Fill in for Cy')):not([open])")  # saved: it folds away
    assert fac.inner_text("#activity-status") == "Saved Cy's answers."

    # The go-around, run from the keyboard: the focused button keeps the focus through each update.
    fac.once("dialog", lambda d: d.accept())
    fac.click("#plan-next")
    fac.wait_for_selector("#round-start")
    fac.focus("#round-start")
    fac.keyboard.press("Enter")
    fac.wait_for_selector("#round-next")
    fac.focus("#round-next")
    fac.keyboard.press("Enter")  # the first speaker hands on to the second
    fac.wait_for_selector(".ca-upnext:has-text('Nobody is waiting to speak.')")
    assert active_id(fac) == "round-next"
    fac.wait_for_selector(".ca-timer .ca-timer-big:text-matches('left$')")  # the page ticks the turn's clock
    fac.keyboard.press("Enter")  # the last speaker is done: Next is spent, its fallback takes the focus
    fac.wait_for_selector("#round-next:disabled")
    fac.wait_for_function("() => document.activeElement && document.activeElement.id === 'round-finish'")
    audit(fac, "console go-around (server-drawn)")
    shots(fac, "console-morph-2-round")


def test_a_focused_button_takes_its_new_label(own_server, browser):
    """A button pressed from the keyboard keeps the focus and shows what it does now (Pause -> Resume)."""
    server = own_server
    fac = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    open_first_console(fac, server, "Friday group", "Week 1")
    plan_from_console(fac, ["Empathic listening"])
    link = fac.input_value("#join-url")
    for name in ("Ana", "Ben"):
        enter_by_link(browser.new_context(viewport=PHONE).new_page(), link, name)
    fac.wait_for_selector("#waiting .person:has-text('Ben')")
    fac.click("#admit-all")
    fac.wait_for_selector("#roster .person:has-text('Ben')")
    fac.click("#plan-next")
    fac.click("#pairs-form-random")
    fac.wait_for_selector("#pairs-start:enabled")
    fac.focus("#pairs-start")
    fac.keyboard.press("Enter")
    fac.wait_for_function("() => document.activeElement && document.activeElement.id === 'pairs-next'")  # data-then
    fac.focus("#pairs-pause")
    fac.keyboard.press("Enter")
    fac.wait_for_selector("#pairs-pause:has-text('Resume')")
    assert active_id(fac) == "pairs-pause"
    fac.wait_for_selector(".cp-timer .ca-timer-big:has-text('Paused')")
    fac.keyboard.press("Enter")
    fac.wait_for_selector("#pairs-pause:has-text('Pause'):not(:has-text('Resume'))")
