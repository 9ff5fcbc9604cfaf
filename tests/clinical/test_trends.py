"""core.trends and core.trend_svg: a member's series in session order with reliable change, the group's
means only from 3 answers up, and a chart that is well-formed, labelled, accessible and escaped."""
import xml.etree.ElementTree as ET
from datetime import date

from activities import instruments
from core import trend_svg, trends
from core.extensions import db
from core.member_models import Member

SVG = "{http://www.w3.org/2000/svg}"


def _series(app, member_id):
    with app.app_context():
        return trends.member_series(db.session.get(Member, member_id))


def test_series_in_session_order_with_reliable_change(app, make_facilitator, make_group, make_member, weekly, result):
    f = make_facilitator()
    g = make_group(f)
    sam = make_member(g, f, "Sam")
    w1, w2, w3, w4 = weekly(g, f, 4)
    # inserted out of order: the series follows the sessions' dates, not insertion
    for gs, phq, gad in ((w3, 14, 9), (w1, 20, 10), (w4, 15, 14), (w2, 15, 13)):
        result(gs, sam.id, "phq-9", phq)
        result(gs, sam.id, "gad-7", gad)
    series = _series(app, sam.id)
    assert list(series) == ["phq-9", "gad-7"]
    phq = series["phq-9"]
    assert [p.session_id for p in phq] == [w1.id, w2.id, w3.id, w4.id]
    assert [p.total for p in phq] == [20, 15, 14, 15]
    assert phq[0].band == "Severe" and phq[2].band == "Moderate" and phq[1].band == "Moderately severe"
    # PHQ-9: 6 points is reliable, 5 is not
    assert [p.from_baseline for p in phq] == [None, "no reliable change", "improved", "no reliable change"]
    assert [p.from_previous for p in phq] == [None, "no reliable change", "no reliable change", "no reliable change"]
    gad = series["gad-7"]
    # GAD-7: 4 points is reliable (here worse: higher is worse), 3 is not
    assert [p.from_baseline for p in gad] == [None, "no reliable change", "no reliable change", "worsened"]
    assert [p.from_previous for p in gad] == [None, "no reliable change", "improved", "worsened"]
    assert trends.known_instrument("no-such") is None


def test_gad_three_points_is_not_reliable_four_is(app, make_facilitator, make_group, make_member, weekly, result):
    f = make_facilitator()
    g = make_group(f)
    sam = make_member(g, f, "Sam")
    w1, w2, w3 = weekly(g, f, 3)
    result(w1, sam.id, "gad-7", 10)
    result(w2, sam.id, "gad-7", 7)
    result(w3, sam.id, "gad-7", 6)
    gad = _series(app, sam.id)["gad-7"]
    assert [p.from_baseline for p in gad] == [None, "no reliable change", "improved"]


def test_group_means_need_three_answers(app, make_facilitator, make_group, make_member, weekly, result):
    f = make_facilitator()
    g = make_group(f)
    people = [make_member(g, f, n, link=False) for n in ("Ana", "Ben", "Cy")]
    w1, w2 = weekly(g, f, 2)
    for person, total in zip(people, (9, 12, 16), strict=True):
        result(w1, person.id, "phq-9", total)
    result(w2, people[0].id, "phq-9", 5)
    result(w2, people[1].id, "phq-9", 7)
    with app.app_context():
        means, left_out = trends.group_trends(db.session.merge(g))
        assert trends.group_means(db.session.merge(g)) == means
    assert [(p.session_id, p.mean, p.n) for p in means["phq-9"]] == [(w1.id, 12.3, 3)]
    assert [(lo.session_id, lo.n) for lo in left_out["phq-9"]] == [(w2.id, 2)]


def _points():
    return [trend_svg.ChartPoint(date(2026, 11, 3), 20), trend_svg.ChartPoint(date(2026, 11, 10), 16, "no reliable change"),
            trend_svg.ChartPoint(date(2026, 11, 17), 12, "improved")]


def test_svg_is_well_formed_labelled_and_accessible():
    inst = instruments.instrument("phq-9")
    svg = str(trend_svg.chart(inst, _points(), "c1"))
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-t c1-d"
    assert root.find(f"{SVG}title").get("id") == "c1-t" and "PHQ-9" in root.find(f"{SVG}title").text
    assert "improved on 17 Nov 2026" in root.find(f"{SVG}desc").text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for band in ("Minimal", "Mild", "Moderate", "Moderately severe", "Severe"):
        assert any(t.startswith(band + " (") for t in texts), band
    assert "cutoff 10" in texts
    assert len(root.findall(f".//{SVG}circle[@class='rc']")) == 1  # only the reliable change is ringed
    assert any("reliable change from the first: improved" in (t.text or "") for t in root.iter(f"{SVG}title"))
    assert "<script" not in svg and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_svg_escapes_a_hostile_title_and_band_label():
    inst = instruments.instrument("gad-7").model_copy(update={"title": '<script>alert("x")</script>&'})
    bands = [b.model_copy(update={"label": "<b>Minimal</b>"}) if b.min == 0 else b for b in inst.bands]
    inst = inst.model_copy(update={"bands": bands})
    svg = str(trend_svg.chart(inst, _points(), 'x"><script>'))
    assert "<script>" not in svg and "<b>" not in svg
    root = ET.fromstring(svg)  # still well-formed
    assert root.find(f"{SVG}title").text.startswith('<script>alert("x")</script>&')


def test_svg_without_bands_and_single_point():
    inst = instruments.instrument("session-feedback")
    root = ET.fromstring(str(trend_svg.chart(inst, [trend_svg.ChartPoint(date(2026, 11, 3), 31)], "f")))
    assert not root.findall(f".//{SVG}rect[@class='band']") and root.findall(f".//{SVG}circle")
