"""The PHQ-9 in real browsers: two members (Maya, Tomasz) on phones of their own answer the questionnaire;
Maya answers item 9 above "Not at all". The console shows her risk answer at once, with what to say and
the group's safety procedure; the room display only counts answers; Tomasz's phone never shows it. A
facilitator marks it "Spoke with them", ends the session (landing on its summary), finds it in Maya's note draft (and nothing of
Tomasz there), signs the note, and opens Maya's chart. Screenshots in test-output/e2e/measure-*.png."""
from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.timeout(600)]

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
NAMES = ("Maya", "Tomasz")
PHQ9 = "PHQ-9 mood questionnaire"


def _setup(fac, server) -> int:
    fac.goto(server.setup_link())
    for field, value in (("#name", "Robin"), ("#email", "robin@example.org"), ("#password", "a calm long password"),
                         ("#confirm", "a calm long password")):
        fac.fill(field, value)
    fac.click("button[type=submit]")
    fac.fill("#name", "Wednesday group")
    fac.click("text=Create group")
    fac.wait_for_selector("h2:has-text('Sessions')")
    return int(re.search(r"/groups/(\d+)", fac.url).group(1))


def _links(fac, server, group_id: int) -> dict[str, str]:
    fac.goto(f"{server.url}/groups/{group_id}/members")
    for name in NAMES:
        fac.fill("#name", name)
        fac.click("button:has-text('Add to the roster')")
        fac.wait_for_selector(f".flash:has-text('{name} is on the roster')")
    fac.check("#straight_in")
    fac.click("form:has(#straight_in) button:has-text('Save')")
    fac.wait_for_selector(".flash:has-text('Members now come straight in')")
    links = {}
    for name in NAMES:
        row = fac.locator("li.member-row", has_text=name)
        row.locator("summary").click()
        row.locator("button:has-text('Make link and card')").click()
        fac.wait_for_selector(f".member-card h1:has-text('{name}')")
        links[name] = fac.input_value(".member-card input.copy")
        fac.goto(f"{server.url}/groups/{group_id}/members")
    return links


def _answer(phone, item9: int) -> None:
    """Every question 'Several days' (1) but item 9, then Send."""
    phone.wait_for_selector(f"#activity-title:has-text('{PHQ9}')")
    fieldsets = phone.locator("fieldset.pm-item")
    assert fieldsets.count() == 10  # nine scored questions and the unscored "how difficult" one
    for n in range(9):
        value = item9 if n == 8 else 1
        fieldsets.nth(n).locator(f"input[value='{value}']").check()
    phone.click("#activity button:has-text('Send')")
    phone.wait_for_selector(".pm-done:has-text('went to the facilitators only')")


def test_a_risk_answer_reaches_the_console_at_once_and_the_record(server, browser, audit, shots):
    fac = browser.new_context(viewport=LAPTOP).new_page()
    fac.on("dialog", lambda d: d.accept())
    group_id = _setup(fac, server)
    links = _links(fac, server, group_id)
    phones, home = {}, {}
    for name in NAMES:  # each member opens their own link once, on their own phone, before the session
        phone = phones[name] = browser.new_context(viewport=PHONE).new_page()
        phone.goto(links[name])
        phone.wait_for_selector(f"h1:has-text('Hello, {name}')")
        home[name] = phone.url
    fac.goto(f"{server.url}/groups/{group_id}")
    fac.fill("#title", "Week 1")
    fac.click("text=Create session and open console")
    fac.wait_for_selector("#conn:has-text('connected')")
    console = fac.url
    session_id = int(re.search(r"/sessions/(\d+)", console).group(1))
    fac.click("#plan-panel a:has-text('Edit the plan')")
    fac.click(f"button:has-text('Add {PHQ9}')")
    fac.wait_for_selector(f".flash:has-text('{PHQ9}')")
    fac.goto(console)
    fac.wait_for_selector(f"#plan-items li:has-text('{PHQ9}')")
    room = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    room.goto(fac.get_attribute("a:has-text('Open room display')", "href"))

    for name, phone in phones.items():
        phone.goto(home[name])
        phone.click("a.join-now")
        phone.wait_for_selector("h2:has-text('Our group agreements')")
        phone.check("#agree")
        phone.click("button:has-text('Join the session')")
        phone.wait_for_selector("#live:not([hidden])")
    fac.wait_for_selector("#roster .person:has-text('Tomasz')")
    for name in NAMES:  # each roster button names its person for screen readers
        assert fac.get_by_role("button", name=f"Remove {name} from the session").count() == 1
    fac.click("#plan-next")
    maya, tomasz = phones["Maya"], phones["Tomasz"]
    maya.wait_for_selector(f"#activity-title:has-text('{PHQ9}')")
    audit(maya, "the PHQ-9 on the phone")
    shots(maya, "measure-1-phone")

    _answer(tomasz, 0)
    _answer(maya, 2)  # "More than half the days" on thoughts of being better off dead or of hurting oneself
    urgent = fac.wait_for_selector("#risk-alert:not([hidden])", timeout=5000)
    assert "Risk answer from Maya" in urgent.inner_text()
    card = fac.wait_for_selector(".alert-risk:has-text('Maya')")
    assert "Risk answer: act today" in card.text_content()
    assert card.query_selector("details.safety-procedure") is not None  # the group's procedure, open
    assert fac.locator(".alert-risk").count() == 1  # Tomasz answered item 9 "Not at all": no alert
    audit(fac, "console with a risk answer")
    shots(fac, "measure-2-console-risk")

    room.wait_for_selector("text=Shown when at least 3 people have answered.")  # two answers: no count for the room
    room_text = room.inner_text("body")
    for private in ("Maya", "Tomasz", "Risk", "moderate", "severe"):
        assert private not in room_text, private
    shots(room, "measure-3-display")
    tomasz.wait_for_timeout(500)
    for private in ("Risk", "Maya", "total", "band"):
        assert private not in tomasz.inner_text("body"), private

    fac.click("button[aria-label=\"Spoke with them: Maya's risk answer\"]")
    fac.wait_for_selector(".alert-risk .followup:has-text('Follow-up: Spoke with them, by Robin')")
    fac.click("button:has-text('End session')")
    maya.wait_for_selector("#ended:not([hidden])")
    fac.wait_for_selector("h1:has-text('Session summary')")  # the end lands on the summary, then the notes
    assert fac.url.endswith(f"/sessions/{session_id}/summary")
    fac.click("a:has-text('Write and sign the notes')")
    fac.wait_for_selector("h1:has-text('Notes: Week 1')")
    note = fac.locator("section.note", has=fac.locator("h2:has-text(\"Maya's note\")"))
    data = note.locator("textarea").first.input_value()
    assert re.search(r"PHQ-9\S*: total 10 \(moderate\); a risk item was answered above its limit\.", data,
                     re.IGNORECASE), data
    assert re.search(r"Alert \(risk\) during PHQ-9 mood questionnaire at \d\d:\d\d UTC: spoke with them", data,
                     re.IGNORECASE), data
    assert "Tomasz" not in data
    group_note = fac.locator("section.note", has=fac.locator("h2:has-text('Group note')")).locator("textarea").input_value()
    assert "Alerts: 1, 1 followed up." in group_note and "Maya" not in group_note
    audit(fac, "session notes")
    shots(fac, "measure-4-notes")
    note.locator("button:has-text('Sign')").click()
    fac.wait_for_selector(".flash:has-text('Note signed')")
    signed = fac.locator("section.note", has=fac.locator("h2:has-text(\"Maya's note\")"))
    assert "Signed by Robin" in signed.inner_text() and signed.locator("button:has-text('Save draft')").count() == 0
    assert "spoke with them" in signed.locator("dl.note-sections").inner_text()

    fac.goto(f"{server.url}/groups/{group_id}/members")
    fac.click("a:has-text('Questionnaires and record of Maya')")
    fac.wait_for_selector("figure.trend-figure svg")
    table = fac.inner_text("table.trend-table")
    assert "10" in table and "Tomasz" not in fac.inner_text("main")
    audit(fac, "Maya's chart")
    shots(fac, "measure-5-chart")
