"""First-run setup link, sign in and out, CSRF, rate limits and idle timeout."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from core import cli
from core.extensions import db
from core.models import OneTimeToken, utcnow
from tests.conftest import PASSWORD
from tests.helpers import csrf_token


@pytest.fixture
def new_setup_link(app):
    def make():
        with app.app_context():
            return cli.new_setup_link()

    return make


def test_setup_link_works_once_and_only_while_no_facilitator_exists(new_setup_link, app, client):
    link = new_setup_link()
    path = link.split("localhost", 1)[-1] if "localhost" in link else "/setup/" + link.rsplit("/", 1)[-1]
    assert client.get(path).status_code == 200
    r = client.post(path, data={"name": "Robin", "email": "Robin@Example.org", "password": PASSWORD, "confirm": PASSWORD})
    assert r.status_code == 302 and r.location.endswith("/groups")
    assert client.get("/groups").status_code == 200  # signed in straight away
    assert app.test_client().get(path).status_code == 410  # once only
    assert new_setup_link() is None  # and no new links once an account exists


def test_setup_link_expires_and_a_new_one_retires_the_old(new_setup_link, app):
    first = "/setup/" + new_setup_link().rsplit("/", 1)[-1]
    second = "/setup/" + new_setup_link().rsplit("/", 1)[-1]
    c = app.test_client()
    assert c.get(first).status_code == 410
    assert c.get(second).status_code == 200
    with db.transaction() as s:
        s.execute(update(OneTimeToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    assert c.get(second).status_code == 410


def test_setup_form_errors_are_shown_and_nothing_is_created(new_setup_link, app, client):
    path = "/setup/" + new_setup_link().rsplit("/", 1)[-1]
    r = client.post(path, data={"name": "R", "email": "r@example.org", "password": "short", "confirm": "short"})
    assert r.status_code == 200 and b"at least 10" in r.data
    assert new_setup_link() is not None  # still no account


def test_login_logout_and_wrong_password(app, make_facilitator):
    f = make_facilitator(login=False)
    c = app.test_client()
    r = c.post("/login", data={"email": f.email, "password": "wrong password!"})
    assert r.status_code == 200 and b"do not match" in r.data
    assert c.get("/groups").status_code == 302
    assert c.post("/login", data={"email": f.email.upper(), "password": PASSWORD}).status_code == 302
    assert c.get("/groups").status_code == 200
    assert c.post("/logout").status_code == 302
    assert c.get("/groups").status_code == 302


def test_logout_ends_every_copy_of_the_login(app, make_facilitator):
    f = make_facilitator()
    other_tab = app.test_client()
    other_tab.set_cookie("sb_session", f.client.get_cookie("sb_session").value, domain="localhost")
    assert other_tab.get("/groups").status_code == 200
    f.client.post("/logout")
    assert other_tab.get("/groups").status_code == 302  # the copied cookie no longer works


def test_login_is_rate_limited(app, make_facilitator):
    f = make_facilitator(login=False)
    c = app.test_client()
    for _ in range(8):
        c.post("/login", data={"email": f.email, "password": "wrong password!"})
    r = c.post("/login", data={"email": f.email, "password": PASSWORD})
    assert r.status_code == 429 and b"Too many" in r.data


def test_idle_timeout_signs_out(make_app, make_facilitator):
    app = make_app(IDLE_TIMEOUT_MINUTES=0)
    with app.app_context():
        from facilitator.accounts import create_account

        create_account("Idle", "idle@example.org", PASSWORD)
        c = app.test_client()
        c.post("/login", data={"email": "idle@example.org", "password": PASSWORD})
        with c.session_transaction() as sess:
            sess["seen"] = sess["seen"] - 120
        assert c.get("/groups").status_code == 302


def test_csrf_is_required_on_every_form(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from facilitator.accounts import create_account

        create_account("Csrf", "csrf@example.org", PASSWORD)
        c = app.test_client()
        r = c.post("/login", data={"email": "csrf@example.org", "password": PASSWORD})
        assert r.status_code == 400  # no token: refused
        token = csrf_token(c.get("/login").data)
        r = c.post("/login", data={"email": "csrf@example.org", "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 302
        assert c.post("/groups", data={"name": "G", "retention_days": 30, "distress_threshold": 8}).status_code == 400
        assert c.post("/logout").status_code == 400
        assert c.get("/groups").status_code == 200  # still signed in: the forged logout did nothing


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert r.headers["X-Frame-Options"] == "DENY"


def test_create_facilitator_cli(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-facilitator", "--name", "Cli", "--email", "cli@example.org"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["create-facilitator", "--name", "Cli", "--email", "cli@example.org"],
                          input=f"{PASSWORD}\n{PASSWORD}\n")
    assert again.exit_code != 0 and "already exists" in again.output
    assert "is set up" in runner.invoke(args=["setup-link"]).output


def test_successful_sign_ins_do_not_count_towards_the_limit(app, make_facilitator):
    f = make_facilitator(login=False)
    for _ in range(12):
        c = app.test_client()
        assert c.post("/login", data={"email": f.email, "password": PASSWORD}).status_code == 302


def test_an_invalid_activity_file_stops_start_up_naming_file_and_field(make_app, tmp_path, monkeypatch):
    import shutil

    from activities import library
    from core import catalogue

    lib = tmp_path / "library"
    shutil.copytree(library.LIBRARY_DIR, lib)
    broken = (lib / "go-around.yaml").read_text().replace("turn_seconds: ", "turn_seconds: -")
    (lib / "go-around.yaml").write_text(broken)
    monkeypatch.setattr(catalogue, "load_library", lambda: library.load_library(lib))
    with pytest.raises(library.LibraryError) as caught:
        make_app()
    assert "go-around.yaml" in str(caught.value) and "settings.turn_seconds" in str(caught.value)
