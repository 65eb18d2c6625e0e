"""Assessment: scoring against a hand-computed fixture, validation, freezing, permissions."""

from decimal import Decimal

import pytest

from xinfang.core.errors import InvalidInput, NotAllowed, StateConflict
from xinfang.figures import assessment, measures
from xinfang.figures.measures import Value
from xinfang.workdays.models import RuleSet

SCHEME = {"year": 2026, "name": "2026年度考核", "indicators": [
    {"code": "R", "label": "比率", "weight": 40, "measure": "test_rate"},
    {"code": "I", "label": "反向比率", "weight": 20, "measure": "test_rate", "rule": "inverse_rate"},
    {"code": "C", "label": "扣分", "weight": 20, "measure": "test_count", "per_item": 5},
    {"code": "M", "label": "人工", "weight": 20, "measure": "manual"},
]}


@pytest.fixture
def fixed_measures(county):
    ids = {"T01": county.town.pk, "T02": county.other_town.pk}
    measures.register("test_rate", "测试比率", "rate",
                      lambda u, p, t: {ids["T01"]: Value(0.8, 8, 10), ids["T02"]: Value(0.5, 1, 2)})
    measures.register("test_count", "测试件数", "count", lambda u, p, t: {ids["T01"]: Value(3, 3)})
    yield
    measures.REGISTRY.pop("test_rate")
    measures.REGISTRY.pop("test_count")


def no_minimum():
    RuleSet.objects.create(version=99, ranking_min_sample=0)


def test_scores_match_the_hand_computation(county, fixed_measures):
    """T01: 40×0.8 + 20×0.2 + (20 − 5×3) + 18 = 32 + 4 + 5 + 18 = 59;
    T02: 40×0.5 + 20×0.5 + 20 + 0 (not scored) = 50;
    D01 (no sample: the county's 9/12 = 0.75): 30 + 5 + 20 + 0 = 55."""
    no_minimum()
    officer = county.users["officer"]
    scheme = assessment.create_scheme(actor=officer, data=SCHEME)
    assessment.enter_manual_score(actor=officer, pk=scheme.pk, indicator_code="M", unit_code="T01", points="18",
                                  evidence="年度信访工作述职评议第一名")
    result = assessment.scores(county.users["cleader"], scheme)
    rows = {r["unit"].code: r for r in result["rows"]}
    assert (rows["T01"]["score"], rows["D01"]["score"], rows["T02"]["score"]) == (Decimal("59.00"), Decimal("55.00"), Decimal("50.00"))
    assert [r["unit"].code for r in result["rows"]] == ["T01", "D01", "T02"]
    assert (rows["T01"]["rank"], rows["D01"]["rank"], rows["T02"]["rank"]) == (1, 2, 3)
    parts = {p["code"]: p for p in rows["T01"]["parts"]}
    assert [parts[c]["points"] for c in "RICM"] == [Decimal("32.00"), Decimal("4.00"), Decimal("5.00"), Decimal("18.00")]
    assert parts["M"]["evidence"] == "年度信访工作述职评议第一名" and parts["M"]["entered_by"] == "officer"
    d01 = {p["code"]: p for p in rows["D01"]["parts"]}
    assert d01["R"]["note"] == "无样本，按全县平均计" and d01["R"]["points"] == Decimal("30.00")


def test_small_samples_are_flagged_and_unranked(county, fixed_measures):
    scheme = assessment.create_scheme(actor=county.users["officer"], data=SCHEME)
    rows = assessment.scores(county.users["officer"], scheme)["rows"]
    assert all(r["small_sample"] and r["rank"] is None for r in rows)


def test_the_sample_is_what_the_rate_parts_rest_on(county, fixed_measures):
    """A unit with few matters but many tasks is ranked when the scheme scores its tasks; a measure used by
    two indicators counts once; a scheme without rate parts flags nobody."""
    ids = {"T01": county.town.pk, "T02": county.other_town.pk}
    measures.register("test_tasks", "测试任务", "rate", lambda u, p, t: {ids["T02"]: Value(1.0, 20, 20)})
    try:
        data = {"year": 2026, "indicators": [*SCHEME["indicators"][:3],
                                             {"code": "T", "label": "任务", "weight": 20, "measure": "test_tasks"}]}
        scheme = assessment.create_scheme(actor=county.users["officer"], data=data)
        rows = {r["unit"].code: r for r in assessment.scores(county.users["officer"], scheme)["rows"]}
        assert (rows["T01"]["sample"], rows["T02"]["sample"]) == (10, 22)  # test_rate counted once for R and I
        assert rows["T01"]["small_sample"] and rows["T01"]["rank"] is None
        assert not rows["T02"]["small_sample"] and rows["T02"]["rank"] == 1
    finally:
        measures.REGISTRY.pop("test_tasks")
    counts_only = {"year": 2026, "indicators": [SCHEME["indicators"][2] | {"weight": 50}, SCHEME["indicators"][3] | {"weight": 50}]}
    scheme = assessment.create_scheme(actor=county.users["officer"], data=counts_only)
    rows = assessment.scores(county.users["officer"], scheme)["rows"]
    assert all(r["sample"] is None and not r["small_sample"] and r["rank"] for r in rows)


def test_real_measures_run(county):
    from xinfang.supervision.tests.helpers import accepted

    accepted(county, "2026-10-08", "2026-10-09", "2026-10-12")
    data = {"year": 2026, "indicators": [
        {"code": "a", "label": "及时受理率", "weight": 30, "measure": "timely_acceptance"},
        {"code": "b", "label": "按期办结率", "weight": 20, "measure": "on_time_completion"},
        {"code": "c", "label": "满意率", "weight": 10, "measure": "satisfaction"},
        {"code": "d", "label": "超期", "weight": 10, "measure": "overdue_count"},
        {"code": "e", "label": "督办", "weight": 10, "measure": "supervision_count"},
        {"code": "f", "label": "重复", "weight": 10, "measure": "repeat_rate", "rule": "inverse_rate"},
        {"code": "g", "label": "参评率", "weight": 10, "measure": "participation"},
    ]}
    scheme = assessment.create_scheme(actor=county.users["officer"], data=data)
    rows = {r["unit"].code: r for r in assessment.scores(county.users["officer"], scheme)["rows"]}
    part = {p["code"]: p for p in rows["T01"]["parts"]}
    assert (part["a"]["numerator"], part["a"]["denominator"], part["a"]["points"]) == (1, 1, Decimal("30.00"))
    assert rows["T01"]["sample"] == 2  # its accept clock (及时受理率) + its petition (重复信访率); nothing else fell due


@pytest.mark.parametrize("change, field", [
    ({"indicators": [{"code": "a", "label": "x", "weight": 90, "measure": "timely_acceptance"}]}, "indicators"),
    ({"indicators": [{"code": "a", "label": "x", "weight": 100, "measure": "no_such"}]}, "indicators[0].measure"),
    ({"indicators": [{"code": "a", "label": "x", "weight": "abc", "measure": "timely_acceptance"}]}, "indicators[0].weight"),
    ({"indicators": [{"code": "a", "label": "x", "weight": 100, "measure": "overdue_count", "rule": "rate"}]}, "indicators[0].rule"),
    ({"indicators": []}, "indicators"),
    ({"year": "20x6"}, "year"),
    ({"year": 2030}, "year"),
])
def test_bad_schemes(county, change, field):
    data = {"year": 2026, "indicators": [{"code": "a", "label": "x", "weight": 100, "measure": "timely_acceptance"}]}
    data.update(change)
    with pytest.raises(InvalidInput) as exc:
        assessment.create_scheme(actor=county.users["officer"], data=data)
    assert field in exc.value.fields
    assert "权重之和应为 100，现为 90" in exc.value.message if field == "indicators" and change["indicators"] else True


def test_published_scheme_is_frozen(county, fixed_measures):
    officer = county.users["officer"]
    scheme = assessment.create_scheme(actor=officer, data=SCHEME)
    assessment.update_scheme(actor=officer, pk=scheme.pk, data={"name": "改名"})
    assessment.publish_scheme(actor=officer, pk=scheme.pk)
    with pytest.raises(StateConflict):
        assessment.update_scheme(actor=officer, pk=scheme.pk, data={"name": "再改"})
    with pytest.raises(StateConflict):
        assessment.publish_scheme(actor=officer, pk=scheme.pk)
    with pytest.raises(InvalidInput):
        assessment.enter_manual_score(actor=officer, pk=scheme.pk, indicator_code="M", unit_code="T01", points=21,
                                      evidence="超过权重")
    with pytest.raises(InvalidInput):
        assessment.enter_manual_score(actor=officer, pk=scheme.pk, indicator_code="R", unit_code="T01", points=1,
                                      evidence="不是人工指标")


@pytest.mark.parametrize("username, reads, edits", [
    ("officer", True, True), ("bleader", True, True), ("cleader", True, False), ("auditor", True, False),
    ("handler", False, False), ("uleader", False, False), ("nobody", False, False),
])
def test_permission_matrix(county, fixed_measures, username, reads, edits):
    user = county.users[username]
    scheme = assessment.create_scheme(actor=county.users["officer"], data=SCHEME)
    if reads:
        assert assessment.scores(user, scheme)["rows"]
    else:
        with pytest.raises(NotAllowed):
            assessment.scores(user, scheme)
    if edits:
        assessment.create_scheme(actor=user, data=SCHEME)
    else:
        with pytest.raises(NotAllowed):
            assessment.create_scheme(actor=user, data=SCHEME)
