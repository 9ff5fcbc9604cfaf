"""The participant screen stays light: every byte it loads, HTML and assets, under 150 KB."""
import re

BUDGET = 150 * 1024


def test_participant_page_and_assets_fit_the_budget(app, make_facilitator, make_group, make_session, join):
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    c, _p = join(gs)
    html = c.get(f"/s/{gs.public_id}").data
    assets = re.findall(rb'(?:src|href)="(/static/[^"]+)"', html)
    assert len(assets) >= 4  # css, socket.io client, live.js, participant.js
    total = len(html)
    for path in assets:
        r = c.get(path.decode())
        assert r.status_code == 200, path
        total += len(r.data)
        r.close()
    print(f"\nparticipant page weight: {total / 1024:.1f} KB of {BUDGET // 1024} KB")
    assert total <= BUDGET
