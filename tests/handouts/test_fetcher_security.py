"""WeasyPrint may fetch only the app's own static files (and data: URIs); user text is escaped."""
from __future__ import annotations

import pytest
from weasyprint import HTML

from core.extensions import db
from core.models import Group, Participant
from handouts import render
from handouts.render import ORIGIN, FetchRefused, StaticFetcher
from tests.handouts.conftest import pdf_text

IMG = '<img src="file:///etc/passwd">'
LINK = '<link rel="stylesheet" href="http://127.0.0.1:1/x">'

REFUSED = [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "http://example.org/",
    "https://example.org/static/handouts/print.css",  # right path, wrong host
    "http://127.0.0.1:1/x",
    "ftp://example.org/x",
    "https://handouts.invalid.example.org/static/handouts/print.css",
    f"{ORIGIN}/etc/passwd",  # not under a static folder
    f"{ORIGIN}/static/handouts/../../../../../../etc/passwd",
    f"{ORIGIN}/static/handouts/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    f"{ORIGIN}/static/handouts/%2e%2e/__init__.py",  # the package next to the static folder
    f"{ORIGIN}/static/handouts/",
    f"{ORIGIN}/static/handouts/no-such-file.css",
    f"{ORIGIN}/static/handouts/print.css?x=1",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("url", REFUSED)
def test_the_fetcher_refuses_anything_but_static_files(pdf_app, url):
    with pdf_app.app_context():
        fetcher = render.fetcher()
    with pytest.raises(FetchRefused):
        fetcher(url)


def test_the_fetcher_serves_static_files_and_data_uris(pdf_app):
    with pdf_app.app_context():
        fetcher = render.fetcher()
    css = fetcher(f"{ORIGIN}/static/handouts/print.css")
    assert css.content_type == "text/css" and b"@page" in css.read()
    assert fetcher(f"{ORIGIN}/static/css/app.css").content_type == "text/css"  # the app's own static folder
    data = fetcher("data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E")
    assert data.read() == b"<svg/>"


def test_a_symlink_out_of_a_static_folder_is_refused(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (root / "ok.css").write_text("p {}")
    (root / "escape.css").symlink_to("/etc/passwd")
    fetcher = StaticFetcher([("/static/x", root.resolve())])
    assert fetcher(f"{ORIGIN}/static/x/ok.css").read() == b"p {}"
    with pytest.raises(FetchRefused):
        fetcher(f"{ORIGIN}/static/x/escape.css")


def test_weasyprint_asks_our_fetcher_for_everything(pdf_app):
    """Raw markup (as if escaping had failed) still fetches nothing outside the static folders."""
    asked = []

    class Spy(StaticFetcher):
        def fetch(self, url, headers=None):
            asked.append(url)
            return super().fetch(url, headers)

    with pdf_app.app_context():
        spy = Spy(render.static_roots(pdf_app))
    raw = f"<html><head><title>t</title>{LINK}</head><body><p>Hi</p>{IMG}</body></html>"
    HTML(string=raw, base_url=ORIGIN + "/", url_fetcher=spy).write_pdf()
    assert set(asked) == {"file:///etc/passwd", "http://127.0.0.1:1/x"}  # asked, and refused (no exception)


@pytest.fixture
def spy_fetches(app, monkeypatch):
    """Every URL the in-process fetcher is asked for. The routes render here (SB_PDF_WORKERS=0) so the
    spy sees them; the worker processes' fetcher is checked in test_render_pool.py."""
    app.config["PDF_WORKERS"] = 0
    asked = []
    real = render.fetcher

    def recording():
        fetcher = real()
        original = fetcher.fetch

        def fetch(url, headers=None):
            asked.append(url)
            return original(url, headers)

        fetcher.fetch = fetch
        return fetcher

    monkeypatch.setattr(render, "fetcher", recording)
    return asked


def test_user_text_in_a_guide_is_escaped_and_fetches_nothing(app, make_facilitator, make_group, spy_fetches):
    from facilitator import custom_activities

    f = make_facilitator()
    g = make_group(f)
    data = {"kind": "round", "title": f"Evil {IMG} {LINK}", "category": "skill", "summary": f"Sum {IMG}",
            "purpose": LINK, "intro": IMG, "duration": 5, "steps": [{"minutes": 5, "text": IMG, "say": LINK}],
            "prompts": [IMG], "settings": {"prompt": LINK, "order": "seating", "turn_seconds": 60}}
    with app.app_context():
        slug, _row = custom_activities.create(db.session.get(Group, g.id), data, None)
    for what in ("guide", "worksheet"):
        page = f.client.get(f"/groups/{g.id}/handouts/activities/{slug}/{what}").data.decode()
        assert "<img src=\"file:" not in page and "<link rel=\"stylesheet\" href=\"http:" not in page
        assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in page
        r = f.client.get(f"/groups/{g.id}/handouts/activities/{slug}/{what}.pdf")
        assert r.status_code == 200 and r.mimetype == "application/pdf"
        assert '<imgsrc="file:///etc/passwd">' in pdf_text(r.data)  # printed as text
    assert all(url.startswith("data:") for url in spy_fetches)


def test_a_participant_name_and_answer_are_escaped_on_the_take_home(app, room, spy_fetches):
    with app.app_context(), db.transaction() as s:
        s.get(Participant, room["ana"].id).display_name = IMG
    r = room["ana_client"].get(f"/s/{room['gs'].public_id}/take-home")
    assert IMG not in r.data.decode() and "&lt;img" in r.data.decode()
    r = room["ana_client"].get(f"/s/{room['gs'].public_id}/take-home.pdf")
    assert r.status_code == 200 and '<imgsrc="file:///etc/passwd">' in pdf_text(r.data)
    assert spy_fetches == []
