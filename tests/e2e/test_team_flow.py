"""The team in real browsers: the owner invites a co-facilitator, each sees the controls of their role,
the owner removes the co-facilitator while their console is open and that console closes at once; the
audit log names both. Screenshots in test-output/e2e/team-*.png."""
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.timeout(600)]

LAPTOP = {"width": 1366, "height": 900}
PASSWORD = "a calm long password"


def test_owner_invites_then_removes_a_co_facilitator(server, browser, audit, shots):
    owner = browser.new_context(viewport=LAPTOP).new_page()
    owner.goto(server.setup_link())
    for field, value in (("#name", "Robin"), ("#email", "robin@example.org"), ("#password", PASSWORD),
                         ("#confirm", PASSWORD)):
        owner.fill(field, value)
    owner.click("button[type=submit]")
    owner.fill("#name", "Tuesday circle")
    owner.click("text=Create group")
    group_url = owner.url
    owner.fill("#title", "Week 1")
    owner.click("text=Create session and open console")
    owner.wait_for_selector("#conn:has-text('connected')")
    owner.goto(group_url)
    owner.click("button:has-text('Create an invitation link')")
    invite = owner.input_value("input[aria-label='Invitation link']")

    co = browser.new_context(viewport=LAPTOP).new_page()
    co.goto(invite)
    for field, value in (("#name", "Sam"), ("#email", "sam@example.org"), ("#password", PASSWORD),
                         ("#confirm", PASSWORD)):
        co.fill(field, value)
    co.click("button:has-text('Create account and join')")
    co.wait_for_selector("text=You are now a co-facilitator")
    assert co.locator("button:has-text('Erase group')").count() == 0
    assert co.locator("button:has-text('Create an invitation link')").count() == 0
    assert co.locator("#retention_days").count() == 0 and co.is_visible("button:has-text('Leave this group')")
    audit(co, "group page as co-facilitator")
    shots(co, "team-group-co-facilitator")

    owner.goto(group_url)
    assert owner.is_hidden("#retention_days")  # the settings fold away: one open at a time, not three forms deep
    owner.click("#settings > summary")
    owner.click("#erase > summary")
    assert owner.is_visible("button:has-text('Erase group')") and owner.is_visible("#retention_days")
    audit(owner, "group page as owner")
    shots(owner, "team-group-owner")

    co.click("a:has-text('Week 1')")
    co.wait_for_selector("#conn:has-text('connected')")
    owner.click("button:has-text('Remove')")
    owner.wait_for_selector("text=The facilitator was removed")
    co.wait_for_selector("text=We couldn't find that page", timeout=10000)  # the console closed itself

    owner.click("a:has-text('Audit log')")
    table = owner.inner_text("table")
    assert "removed a facilitator" in table and "Sam" in table and "facilitator:" not in table
    audit(owner, "audit log")
    shots(owner, "team-audit-log")
