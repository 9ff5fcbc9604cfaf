"""The repair script in real browsers: a triad practises both sides of a repair. The person asking for
repair marks the steps of asking, the person repairing the six repair steps, the observer sees both,
and the room display shows the two sides next to each other. Every state is audited with axe-core and
screenshotted (test-output/e2e/repair-*.png)."""
import pytest

from tests.e2e.conftest import open_first_console, plan_from_console
from tests.e2e.test_partner_flow import LAPTOP, join, watch

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.timeout(600)]  # gunicorn + Chromium; setup included


def test_a_triad_asks_for_repair_and_offers_it(server, browser, audit, shots):
    errors: list[str] = []
    fac = browser.new_context(viewport=LAPTOP).new_page()
    open_first_console(fac, server, "Thursday group", "Week 4: repair")
    plan_from_console(fac, ["Repair script"])
    link = fac.input_value("#join-url")
    people = {name: join(browser, link, name, errors) for name in ("Ana", "Ben", "Cy")}
    fac.wait_for_selector("#waiting .person:has-text('Cy')")
    fac.click("#admit-all")
    display = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    watch(display, errors, "display")
    display.goto(fac.get_attribute("a:has-text('Open room display')", "href"))
    fac.evaluate("""() => { window.f = SB.connect({session: document.getElementById('app').dataset.session,
                                                   as: 'facilitator', onView: v => { window.fv = v; }}); }""")
    fac.wait_for_function("() => window.fv && window.fv.plan.items.length === 1")

    fac.click("#plan-next")
    for page in [*people.values(), display]:
        page.wait_for_selector("#activity-title:has-text('Repair script')")
    fac.click("#activity-body #pairs-form-random:enabled")
    fac.wait_for_function("() => window.fv.activity.view.groups.length === 1")
    fac.click("#activity-body #pairs-start:enabled")
    fac.wait_for_function("() => window.fv.activity.view.round === 1")
    members = fac.evaluate("() => window.fv.activity.view.groups[0].members")
    role = {m["role"]: people[m["name"]] for m in members}
    asker, repairer, observer = (role[r] for r in ("Person asking for repair", "Person repairing", "Observer"))

    asker.wait_for_selector(".pp-role-name:has-text('Person asking for repair')")
    asker.wait_for_selector(".pp-box:has-text('Asking for repair') li:has-text('Can we agree')")
    asker.locator(".pp-box:has-text('Asking for repair') button:has-text('Mark as done')").first.click()
    repairer.locator(".pp-box:has-text('Offering a repair') button:has-text('Mark as done')").nth(1).click()
    observer.wait_for_selector(".pp-box:has-text('Asking for repair') li.is-done")
    observer.wait_for_selector(".pp-box:has-text('Offering a repair') li.is-done:has-text('Own it and apologise')")
    assert not asker.locator(".pp-box:has-text('Offering a repair') button:visible").count()  # not their side
    assert not repairer.locator(".pp-box:has-text('Asking for repair') button:visible").count()
    assert not observer.locator(".pp-steps button:visible").count()
    fac.wait_for_selector("#activity-body .cp-stat-line:has-text('Asking for repair: 1 of 4 done')")
    fac.wait_for_selector("#activity-body .cp-stat-line:has-text('Repair steps: 1 of 6 done')")

    display.wait_for_selector(".dp-sides h3:has-text('Asking for repair')")
    display.wait_for_selector(".dp-sides h3:has-text('Offering a repair')")
    shots(display, "repair-3-display", full_page=False)
    bottom = display.evaluate("() => document.querySelector('.dp-sides').getBoundingClientRect().bottom")
    assert bottom <= 1080, f"both sides of the repair fit the 1080-px display ({bottom} px)"

    for label, page in (("asker", asker), ("repairer", repairer), ("observer", observer), ("display", display)):
        audit(page, f"repair script, {label}")
    audit(fac, "repair script, console")
    shots(asker, "repair-1-asker")
    shots(repairer, "repair-2-repairer")
    shots(fac, "repair-4-console")
    assert not errors, errors
