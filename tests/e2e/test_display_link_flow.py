"""The room display link in real browsers: the facilitator makes a new display link while a display is
open; the old display goes blank at once with a calm line, the new link works; turning it off leaves
no link on the console. Screenshots in test-output/e2e/display-link-*.png."""
import pytest

from tests.e2e.conftest import open_first_console

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.timeout(600)]

LAPTOP = {"width": 1366, "height": 900}
TV = {"width": 1920, "height": 1080}


def test_new_and_off_display_link(server, browser, audit, shots):
    fac = browser.new_context(viewport=LAPTOP).new_page()
    fac.on("dialog", lambda d: d.accept())
    open_first_console(fac, server, "Thursday group", "Week 1")
    old_link = fac.get_attribute("a:has-text('Open room display')", "href")

    tv = browser.new_context(viewport=TV).new_page()
    tv.goto(old_link)
    tv.wait_for_selector("#code:not(:empty)")
    code = tv.inner_text("#code")

    fac.click("button:has-text('New display link')")
    fac.wait_for_selector("text=New room display link made")
    new_link = fac.get_attribute("a:has-text('Open room display')", "href")
    assert new_link != old_link
    tv.wait_for_selector("text=This display link no longer works")
    assert tv.is_hidden("#join") and code not in tv.inner_text("body")
    audit(tv, "display after its link was replaced")
    shots(tv, "display-link-old-display-closed", full_page=False)

    # Rotating the join link now reaches nobody through the old display.
    fac.click("button:has-text('New link and code')")
    fac.wait_for_selector("text=New join link and code made")
    new_code = fac.inner_text("#join-code")
    tv.wait_for_timeout(500)
    assert new_code not in tv.inner_text("body")

    tv.goto(old_link)
    assert tv.is_visible("text=does not work")
    tv.goto(new_link)
    tv.wait_for_selector(f"#code:has-text('{new_code}')")

    fac.click("button:has-text('Turn display link off')")
    fac.wait_for_selector("#display-off")
    tv.wait_for_selector("text=This display link no longer works")
    assert fac.locator("a:has-text('Open room display')").count() == 0
    audit(fac, "console with the display link off")
    shots(fac, "display-link-console-off")
