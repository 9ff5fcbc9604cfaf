"""The console's attention bar in a real browser, on a 1366x768 laptop: with the console scrolled to the
bottom, a latecomer and a pause signal arrive and are in view and announced; both are dealt with from
the bar; the tab title counts what waits while the page is in the background; a phone that drops is
listed as a lost connection."""
import pytest

from tests.e2e.conftest import enter_by_link, open_first_console

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.timeout(600)]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def joins(browser, link: str, name: str):
    context = browser.new_context(viewport=PHONE)
    return context, enter_by_link(context.new_page(), link, name)


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"]


def to_bottom(page) -> None:
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("window.scrollY > 0")


def test_signals_reach_a_scrolled_console(server, browser, audit, shots):
    fac = browser.new_context(viewport=LAPTOP).new_page()
    open_first_console(fac, server, "Thursday group", "Week 2")
    fac.wait_for_selector("#attention.attention-calm:has-text('Nothing needs you right now')")
    audit(fac, "console, attention bar calm")
    link = fac.input_value("#join-url")
    to_bottom(fac)

    # A latecomer: in view at the bottom of the page, announced, admitted from the bar.
    ana_ctx, ana = joins(browser, link, "Ana")
    item = "#attention-items .attention-item:has-text('Ana is waiting to come in')"
    fac.wait_for_selector(item)
    assert fac.evaluate("window.scrollY") > 0
    assert in_view(fac, item)
    fac.wait_for_selector("#attention-live:has-text('Ana is waiting to come in.')", state="attached")
    audit(fac, "console, latecomer in the attention bar")
    shots(fac, "attention-1-latecomer", full_page=False)
    fac.click(f"{item} button:has-text('Admit')")
    ana.wait_for_selector("#live:not([hidden])")
    fac.wait_for_selector("#attention.attention-calm")

    ben_ctx, ben = joins(browser, link, "Ben")
    fac.wait_for_selector("#attention-items :has-text('Ben is waiting')")
    fac.click("#attention-items button[aria-label='Admit Ben']")
    ben.wait_for_selector("#live:not([hidden])")

    # A pause signal while the facilitator is scrolled down, with the tab in the background.
    to_bottom(fac)
    fac.evaluate("""() => { Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
                            document.dispatchEvent(new Event('visibilitychange')); }""")
    ana.click("#pause")
    signal = "#attention-items .attention-urgent:has-text('Ana needs a pause')"
    fac.wait_for_selector(signal)
    assert in_view(fac, signal)
    fac.wait_for_selector("#attention-live:has-text('Ana needs a pause.')", state="attached")
    assert fac.title().startswith("(1) ")
    assert fac.get_attribute("link[rel=icon]", "href").startswith("data:image/png")
    assert "pause" not in ben.inner_text("#me-status")  # still private
    audit(fac, "console, pause signal in the attention bar")
    shots(fac, "attention-2-pause-signal", full_page=False)
    fac.evaluate("""() => { Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'visible'});
                            document.dispatchEvent(new Event('visibilitychange')); }""")
    assert not fac.title().startswith("(")

    # "Add a note" goes to the full card, where a private note can be written.
    fac.click(f"{signal} button:has-text('Add a note')")
    assert fac.evaluate("document.activeElement.getAttribute('aria-label')") == "Private note to Ana"
    fac.click(f"{signal} button:has-text('Acknowledge')")
    ana.wait_for_selector("#me-status:has-text('has seen your signal')")
    fac.wait_for_selector("#attention.attention-calm")

    # The room display: the join code goes away once the session runs, and comes back for latecomers.
    display = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    display.goto(fac.get_attribute("a:has-text('Open room display')", "href"))
    display.wait_for_selector("#join:not([hidden])")
    fac.click("button[data-phase=running]:visible")
    display.wait_for_selector("#phase-text:has-text('go on in a moment')")
    assert display.is_hidden("#join")
    fac.check("#show-join")
    display.wait_for_selector("#join.display-join-corner:not([hidden])")
    assert display.inner_text("#code") == fac.inner_text("#join-code")
    audit(display, "display, join code for latecomers")
    shots(display, "attention-4-display-join-again", full_page=False)
    fac.uncheck("#show-join")
    display.wait_for_selector("#join", state="hidden")

    # A phone that drops out: listed as a lost connection (the roster is pushed on disconnect).
    ben_ctx.close()
    fac.wait_for_selector("#attention-items .attention-note:has-text('Lost connection: Ben')", timeout=15000)
    shots(fac, "attention-3-lost-connection", full_page=False)
    ana_ctx.close()
