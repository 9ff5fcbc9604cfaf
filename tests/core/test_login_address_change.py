"""A facilitator whose address changes (Wi-Fi to mobile data) stays signed in; another browser does not."""
from __future__ import annotations

UA = {"User-Agent": "Mozilla/5.0 (laptop)"}


def _signed_in(client, addr: str, headers=UA) -> bool:
    r = client.get("/groups", environ_base={"REMOTE_ADDR": addr}, headers=headers)
    return r.status_code == 200 and b"Sign in" not in r.data and "/login" not in r.headers.get("Location", "")


def test_a_new_address_keeps_the_login(app, make_facilitator):
    from tests.conftest import PASSWORD

    f = make_facilitator(login=False)
    c = app.test_client()
    r = c.post("/login", data={"email": f.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "192.0.2.10"},
               headers=UA)
    assert r.status_code == 302
    assert _signed_in(c, "192.0.2.10")
    assert _signed_in(c, "198.51.100.77")  # the phone moved to mobile data
    assert _signed_in(c, "192.0.2.10")


def test_a_copied_cookie_in_another_browser_is_refused(app, make_facilitator):
    from tests.conftest import PASSWORD

    f = make_facilitator(login=False)
    c = app.test_client()
    c.post("/login", data={"email": f.email, "password": PASSWORD}, headers=UA)
    assert _signed_in(c, "192.0.2.10")
    assert not _signed_in(c, "192.0.2.10", headers={"User-Agent": "curl/8"})
