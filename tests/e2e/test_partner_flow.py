"""The partner exercises in real browsers: a listening triad with rotation and a feedback round with
moderation, across the facilitator, three participants on phones and the room display. The facilitator
builds the plan in the plan builder and runs it with the console's own controls (console-partner.js); a
second facilitator connection only reads the facilitator view (who got which role, the card's id). Every participant and display state is audited with axe-core and
screenshotted (test-output/e2e/partner-*.png)."""
import re

import pytest

from tests.e2e.conftest import enter_by_link, open_first_console, plan_from_console

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.timeout(600)]  # gunicorn + Chromium; setup included

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1400, "height": 1000}
PLAN = ["Empathic listening", "Compassionate feedback", "I-statement builder"]
CARD = "how you waited for me to finish before you answered"


def watch(page, errors, label):
    page.on("console", lambda m: errors.append(f"{label}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{label}: {e}"))


def join(browser, link, name, errors):
    page = browser.new_context(viewport=PHONE).new_page()
    watch(page, errors, name)
    return enter_by_link(page, link, name)


def named(text, name):
    return re.search(rf"\b{name}\b", text) is not None


def page_text_without_addressees(page) -> str:
    """The page's text minus the 'write to' chips, which list everyone present (so that nobody can tell
    who opted out) and say nothing about who wrote which card."""
    return page.evaluate("""() => { const c = document.body.cloneNode(true);
        c.querySelectorAll('.chips').forEach(e => e.remove()); return c.textContent; }""")


def test_listening_triad_with_rotation_and_a_moderated_feedback_round(server, browser, audit, shots):
    errors: list[str] = []
    fac = browser.new_context(viewport=LAPTOP).new_page()
    open_first_console(fac, server, "Tuesday group", "Week 7: listening")
    plan_from_console(fac, PLAN)
    fac.wait_for_selector(f"#plan-items li:has-text('{PLAN[-1]}')")

    link = fac.input_value("#join-url")
    people = {name: join(browser, link, name, errors) for name in ("Ana", "Ben", "Cy")}
    fac.wait_for_selector("#waiting .person:has-text('Cy')")
    fac.click("#admit-all")
    for page in people.values():
        page.wait_for_selector("#live:not([hidden])")
    display = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    watch(display, errors, "display")
    display.goto(fac.get_attribute("a:has-text('Open room display')", "href"))
    fac.evaluate("""() => { window.f = SB.connect({session: document.getElementById('app').dataset.session,
                                                   as: 'facilitator', onView: v => { window.fv = v; }}); }""")
    fac.wait_for_function("() => window.fv && window.fv.plan.items.length === 3")

    def control(selector):
        """The console's own control (console-partner.js)."""
        fac.click(f"#activity-body {selector}:enabled")

    def everyone(selector):
        for page in [*people.values(), display]:
            page.wait_for_selector(selector)

    # ---- empathic listening: one triad, three rounds, every role once ----
    fac.click("#plan-next")
    everyone("#activity-title:has-text('Empathic listening')")
    people["Ana"].wait_for_selector(".notice:has-text('groups are being formed')")
    control("#pairs-form-random")
    fac.wait_for_function("() => window.fv.activity.view.groups.length === 1")
    control("#pairs-start")

    def roles(round_number):
        fac.wait_for_function(f"() => window.fv.activity.view.round === {round_number}")
        members = fac.evaluate("() => window.fv.activity.view.groups[0].members")
        return {m["role"]: m["name"] for m in members}, {m["name"]: m["id"] for m in members}

    first, ids = roles(1)
    assert set(first) == {"Speaker", "Listener", "Observer"}
    speaker, listener, observer = (people[first[r]] for r in ("Speaker", "Listener", "Observer"))
    for role, name in first.items():
        people[name].wait_for_selector(f".pp-role-name:has-text('{role}')")
        people[name].wait_for_selector(".pp-role-label:has-text('Round 1 of 3')")
        with_text = people[name].inner_text(".pp-with")
        assert with_text.startswith("You're with ") and all(named(with_text, n) == (n != name) for n in people)
    display.wait_for_selector(".dp-round:has-text('Round 1 of 3')")
    display.wait_for_selector(".dp-roles li:has-text('Observer')")

    listener.wait_for_selector(".pp-prompts li:has-text('What I heard you say')")
    speaker.wait_for_selector("text=When " + first["Listener"] + " has reflected back")
    audit(speaker, "participant pairs, speaker waiting")
    listener.click("#activity button:has-text(\"I've reflected back\")")
    listener.wait_for_selector(".pp-status:has-text('Waiting for " + first["Speaker"] + "')")
    speaker.wait_for_selector("#activity button:has-text(\"Yes, that's it\")")
    audit(speaker, "participant pairs, speaker answering")
    shots(speaker, "partner-1-speaker-answering")
    speaker.click("#activity button:has-text(\"Yes, that's it\")")
    listener.wait_for_selector(".pp-loops:has-text(\"1 reflection · 1 “yes, that's it”\")")
    listener.wait_for_selector(f".pp-status:has-text(\"{first['Speaker']} said “yes, that's it”\")")
    observer.wait_for_selector("#activity .pp-ticks input[type=checkbox]")
    observer.locator("#activity .pp-ticks input[type=checkbox]").nth(0).check()
    observer.locator("#activity .pp-ticks input[type=checkbox]").nth(3).check()
    observer.fill("#activity label:has-text('A short note') + textarea", "Slow, warm pace; used the speaker's words")
    observer.click("#activity form button:has-text('Save'):visible")
    observer.wait_for_selector("#activity .saved:has-text('Saved')")
    display.wait_for_selector(".dp-counts:has-text('1 reflection')")
    for label, page in (("listener", listener), ("observer", observer)):
        audit(page, f"participant pairs, {label}")
    audit(display, "display pairs round")
    shots(listener, "partner-2-listener")
    shots(observer, "partner-3-observer")
    shots(display, "partner-4-display-round", full_page=False)

    # rotation: everyone's role changes, and the group now sees the observer's notes from round 1
    control("#pairs-next")
    second, _ = roles(2)
    for role, name in second.items():
        people[name].wait_for_selector(".pp-role-label:has-text('Round 2 of 3')")
        people[name].wait_for_selector(f".pp-role-name:has-text('{role}')")
    assert all(second[r] != first[r] for r in first), (first, second)
    people[first["Speaker"]].wait_for_selector(".pp-noted li:has-text('Slow, warm pace')")
    # the loop again, with "not quite" and a word that reaches the group only
    people[second["Listener"]].click("#activity button:has-text(\"I've reflected back\")")
    people[second["Speaker"]].fill("#activity label:has-text('Not quite?') + input", "more tired than angry")
    people[second["Speaker"]].click("#activity button:has-text('Not quite')")
    people[second["Listener"]].wait_for_selector(".pp-status:has-text('added: “more tired than angry”')")
    assert "more tired" not in display.inner_text("body")
    audit(people[second["Speaker"]], "participant pairs, round 2")
    control("#pairs-pause:has-text('Pause')")
    people[second["Speaker"]].wait_for_selector(".pp-time:has-text('Paused')")
    display.wait_for_selector(".d-timer:has-text('Paused')")
    control("#pairs-pause:has-text('Resume')")
    people[second["Speaker"]].wait_for_selector(".pp-time:has-text('left in this round')")

    # call back: a debrief answer, shown on the room display without a name
    fac.once("dialog", lambda d: d.accept())
    control("#pairs-callback")
    author = people[second["Listener"]]
    author.wait_for_selector("#activity form:has-text('Looking back')")
    author.fill("#activity label:has-text('What helped') + textarea", "Hearing my own words back, slowly")
    author.click("#activity form button:has-text('Save'):visible")
    author.wait_for_selector("#activity .saved:has-text('Saved')")
    assert "Who sees this: The facilitators see your answers" in author.inner_text("#activity form:has-text('Looking back')")
    for name, page in people.items():  # a debrief answer reaches the room only once 3 people answered
        if page is not author:
            page.wait_for_selector("#activity form:has-text('Looking back')")
            page.fill("#activity label:has-text('What helped') + textarea", f"The pauses, said {name}")
            page.click("#activity form button:has-text('Save'):visible")
            page.wait_for_selector("#activity .saved:has-text('Saved')")
    member = ids[second["Listener"]]
    control(f"#pairs-show-{member}-helped")
    display.wait_for_selector(".d-spot-value:has-text('Hearing my own words back')")
    assert not any(named(display.inner_text("#activity"), n) for n in people)
    author.wait_for_selector(".shared-value:has-text('(yours)')")
    audit(author, "participant pairs debrief")
    audit(display, "display pairs debrief")
    shots(author, "partner-5-debrief")
    shots(display, "partner-6-display-debrief", full_page=False)

    # ---- compassionate feedback: opt in, a card held for moderation, released anonymously ----
    fac.click("#plan-next")
    everyone("#activity-title:has-text('Compassionate feedback')")
    ana, ben, cy = people["Ana"], people["Ben"], people["Cy"]
    for page in (ana, ben):
        page.check("#activity label:has-text('open to receiving') input")
    cy.wait_for_selector("#activity .chips label:has-text('Ben')")
    cy.click("#activity .chips label:has-text('Ben')")
    cy.click("#activity .chips label:has-text('I appreciate')")
    cy.fill("#activity textarea", CARD)
    cy.wait_for_selector(".pp-preview:has-text('I appreciate… how you waited')")
    audit(cy, "participant cards composing")
    shots(cy, "partner-7-composing")
    shots(display, "partner-8-display-openings", full_page=False)
    cy.click("#activity button:has-text('Send card')")
    cy.wait_for_selector(".pp-meta:has-text('To Ben · Waiting for the facilitator')")

    # nothing reaches Ben before a facilitator releases it
    fac.wait_for_function("() => window.fv.activity.view.queue.length === 1")
    ben.wait_for_timeout(500)
    assert CARD not in ben.inner_text("#activity")
    ben.wait_for_selector("#activity p:has-text('Nothing yet')")
    assert not named(page_text_without_addressees(ben), "Cy") and not named(display.inner_text("body"), "Cy")
    card_id = fac.evaluate("() => window.fv.activity.view.queue[0].id")
    control(f"#cards-release-{card_id}")
    ben.wait_for_selector(f".pp-card:has-text('{CARD}')")
    received = ben.inner_text("#activity .pp-box:has(h3:has-text('Cards for you'))")
    assert not named(received, "Cy") and "From" not in received
    cy.wait_for_selector(".pp-meta:has-text('To Ben · Delivered')")
    audit(ben, "participant cards received")
    audit(cy, "participant cards sent")
    shots(ben, "partner-9-received")
    shots(cy, "partner-10-sent")

    control(f"#cards-show-{card_id}")
    display.wait_for_selector(f".dp-text:has-text('{CARD}')")
    ana.wait_for_selector(f"#activity .pp-card:has-text('{CARD}')")
    assert not named(display.inner_text("body"), "Cy")
    for page in (ana, ben):
        assert not named(page_text_without_addressees(page), "Cy")
    audit(display, "display card shown")
    audit(ana, "participant cards, card on the display")
    shots(display, "partner-11-display-card", full_page=False)

    # ---- the I-statement builder: the gentle nudge away from "always/never", then send as written ----
    fac.click("#plan-next")
    everyone("#activity-title:has-text('I-statement builder')")
    ana.click("#activity .chips label:has-text('The whole group')")
    for label, text in (("I feel", "left out"), ("when", "plans are made without me, which always happens"),
                        ("because", "I start to think I don't matter"), ("What I'd like is", "a message first")):
        ana.fill(f"#activity label:has-text(\"{label}\") + input", text)
    ana.wait_for_selector(".pp-preview:has-text('I feel left out when plans')")
    ana.click("#activity button:has-text('Share it')")
    ana.wait_for_selector(".pp-nudge:has-text('describe one concrete moment')")
    audit(ana, "participant I-statement nudge")
    shots(ana, "partner-12-istatement-nudge")
    ana.click("#activity button:has-text('Send as written')")
    ana.wait_for_selector(".pp-meta:has-text('To the whole group · Waiting for the facilitator')")

    assert not errors, errors
