"""Between facilitators, in real browsers: the owner and a co-facilitator exchange notes in their consoles
(Enter sends, the other console announces it), a refused note stays in the box, a reloaded console has
them all, and the member's phone and the room display never show them. Screenshots in
test-output/e2e/backchannel-*.png."""
import pytest

from tests.e2e.conftest import open_first_console

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.timeout(600)]

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "a calm long password"
NOTE = "Ana looks shaken, can you check in at the break?"
REPLY = "Yes, I will sit with her."


def test_co_facilitators_exchange_notes_that_nobody_else_sees(server, browser, audit, shots):
    owner = browser.new_context(viewport=LAPTOP).new_page()
    open_first_console(owner, server, "Tuesday circle", "Week 1")
    console = owner.url
    link = owner.input_value("#join-url")
    display = owner.get_attribute("a:has-text('Open room display')", "href")
    owner.click("a:has-text('Tuesday circle')")
    owner.click("button:has-text('Create an invitation link')")
    invite = owner.input_value("input[aria-label='Invitation link']")
    owner.goto(console)
    owner.wait_for_selector("#conn:has-text('connected')")

    co = browser.new_context(viewport=LAPTOP).new_page()
    co.goto(invite)
    for field, value in (("#name", "Sam"), ("#email", "sam@example.org"), ("#password", PASSWORD),
                         ("#confirm", PASSWORD)):
        co.fill(field, value)
    co.click("button:has-text('Create account and join')")
    co.goto(console)
    co.wait_for_selector("#conn:has-text('connected')")

    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(link)
    phone.fill("#name", "Ana")
    phone.click("text=Next")
    phone.check("#agree")
    phone.click("text=Join the session")
    owner.wait_for_selector("#waiting li.person")
    owner.click("#admit-all")
    room = browser.new_context(viewport=LAPTOP).new_page()
    room.goto(display)

    owner.fill("#backchannel-text", NOTE)
    owner.press("#backchannel-text", "Enter")
    co.wait_for_selector(f".bc-note:has-text('{NOTE}')")
    assert "Robin" in co.inner_text(".bc-note") and co.locator(".bc-note time").count() == 1
    co.wait_for_function("document.querySelector('#backchannel [aria-live]').textContent.includes('from Robin')")
    assert owner.input_value("#backchannel-text") == ""
    assert "(you)" in owner.inner_text(".bc-note")

    co.fill("#backchannel-text", REPLY)
    co.click("#backchannel button:has-text('Send')")
    owner.wait_for_selector(f".bc-note:has-text('{REPLY}')")
    notes = owner.locator(".bc-note .bc-text").all_inner_texts()
    assert notes == [NOTE, REPLY]  # newest last
    audit(owner, "console with notes between facilitators")
    shots(owner, "backchannel-console")

    too_long = "x" * 600  # past the box's limit, as a pasted script could
    owner.eval_on_selector("#backchannel-text", "(el, v) => { el.value = v; }", too_long)
    owner.press("#backchannel-text", "Enter")
    owner.wait_for_selector("#backchannel [role=status]:has-text('Not sent')")
    assert owner.input_value("#backchannel-text") == too_long

    co.reload()
    co.wait_for_selector(f".bc-note:has-text('{REPLY}')")
    assert co.locator(".bc-note").count() == 2

    for page in (phone, room):
        page.reload()
        page.wait_for_timeout(1500)
        body = page.content()
        assert NOTE not in body and REPLY not in body and "Between facilitators" not in body
    shots(phone, "backchannel-phone-sees-nothing", full_page=False)
