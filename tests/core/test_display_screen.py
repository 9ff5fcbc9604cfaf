"""The room display is drawn on the server (core/live/screens.py, core/templates/live/display/): the
first page load and every view carry the same markup, made from the display view alone."""
from __future__ import annotations

import re

from tests.helpers import events


def _room(app, make_facilitator, make_group, make_session, sock):
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    fac = sock(f.client, gs, "facilitator")
    disp = sock(app.test_client(), gs, "display", display=gs.display_token)
    fac.get_received()
    disp.get_received()
    return gs, fac, disp


def test_the_first_page_is_already_the_screen(app, make_facilitator, make_group, make_session, sock):
    gs, _fac, _disp = _room(app, make_facilitator, make_group, make_session, sock)
    page = app.test_client().get(f"/display/{gs.display_token}").get_data(as_text=True)
    screen = page.split('<div id="screen">', 1)[1]
    assert '<p id="phase-text" class="display-phase" aria-live="polite">Welcome</p>' in screen
    assert f'<strong id="code" class="code-large">{gs.join_code}</strong>' in screen
    assert "&lt;" not in screen.split('<p id="conn"')[0]  # markup, not escaped text


def test_every_view_carries_its_markup(app, make_facilitator, make_group, make_session, sock):
    gs, fac, disp = _room(app, make_facilitator, make_group, make_session, sock)
    assert fac.emit("command", {"type": "set_message", "text": "Tea <b>is</b> ready"}, callback=True)["ok"]
    view = events(disp, "view")[-1]
    assert view["frame"]["message"] == "Tea <b>is</b> ready"
    assert '<p id="message" class="display-message" aria-live="polite">Tea &lt;b&gt;is&lt;/b&gt; ready</p>' in view["html"]
    assert fac.emit("command", {"type": "set_phase", "to": "running"}, callback=True)["ok"]
    html = events(disp, "view")[-1]["html"]
    assert re.search(r'<div id="join"[^>]* hidden>', html)  # the code goes away once the session runs
    assert " style=" not in html  # the CSP allows no inline styles: bars are data-fill


def test_a_sync_answer_carries_the_markup_too(app, make_facilitator, make_group, make_session, sock):
    _gs, _fac, disp = _room(app, make_facilitator, make_group, make_session, sock)
    ack = disp.emit("sync", {}, callback=True)
    assert ack["ok"] and '<h1 id="title">' in ack["view"]["html"]
