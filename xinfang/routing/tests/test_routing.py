"""Routing help: rules, training on closed matters, suggestions, the API and the engine's retraining."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test.utils import override_settings
from django.utils import timezone

from xinfang.matters import hooks
from xinfang.org.models import Unit
from xinfang.routing.models import RoutingModel
from xinfang.routing.rules import apply_rules
from xinfang.routing.selectors import suggest
from xinfang.routing.services import retrain_if_stale, train_routing
from xinfang.testing.factories import act, register

PROPERTY = ("小区物业乱收停车费", "城关镇东关村小区物业公司违规收取停车费和物业费，要求退还。")
WAGES = ("农民工工资被拖欠", "河西乡某工地拖欠农民工工资三个月，要求督促支付。")


@pytest.fixture
def routed(county):
    """Twelve closed matters: property complaints in 城关镇 went to the town, unpaid wages to 住建局."""
    with hooks.suspended("xinfang.documents.services", "xinfang.documents.hooks"):
        for i in range(6):
            for (title, content), region, unit in ((PROPERTY, county.village, county.town),
                                                   (WAGES, county.other_town_region, county.department)):
                m = register(county, title=f"{title}{i}", content=content, region=region.code).matter
                act(county, "officer", m, "forward", unit=unit.code)
                handler = "handler" if unit == county.town else "dhandler"
                act(county, handler, m, "decline", reason="same_matter_in_progress", note="")
    return county


def test_rules_fire_on_flag_purpose_and_keyword():
    assert [h.unit for h in apply_rules(title="不服法院判决", content="要求再审")] == ["ZFW"]
    assert [h.unit for h in apply_rules(title="反映问题", content="", flags=frozenset({"is_law_related"}))] == ["ZFW"]
    hits = apply_rules(title="反映村干部", content="", purpose="accusation")
    assert [h.unit for h in hits] == ["JW"] and "第三十条" in hits[0].reason
    assert apply_rules(title="小区路灯不亮", content="晚上出行不便") == []


@override_settings(XINFANG_ROUTING_RULES=[{"unit": "D01", "keywords": ["路灯"], "reason": "本县规定"}])
def test_rules_are_settings():
    assert [h.unit for h in apply_rules(title="小区路灯不亮", content="")] == ["D01"]
    assert apply_rules(title="不服法院判决", content="") == []


@override_settings(XINFANG_ROUTING_MIN_SAMPLES=8)
def test_trained_model_suggests_the_unit_that_handled_similar_matters(routed):
    row = train_routing()
    assert row.trained_on == 12 and row.held_out > 0
    for value in (row.unit_top1, row.unit_top3, row.category_top1):
        assert value is None or 0.0 <= value <= 1.0
    result = suggest(title="物业公司收停车费", content="东关村小区物业违规收费", region=routed.village)
    assert result.units[0]["code"] == routed.town.code and result.units[0]["reason"] == "模型"
    result = suggest(title="工地拖欠工资", content="农民工工资没有支付", region=routed.other_town_region)
    assert result.units[0]["code"] == routed.department.code
    assert result.categories[0]["code"] == routed.category.code and "物业管理" in result.categories[0]["label"]
    assert result.model["trained_on"] == 12


@override_settings(XINFANG_ROUTING_MIN_SAMPLES=8)
def test_rule_comes_before_the_model(routed):
    train_routing()
    result = suggest(title="物业纠纷法院判决不执行", content="东关村小区物业", region=routed.village)
    assert result.units[0]["code"] == "ZFW" and result.units[0]["score"] == 1.0
    assert "第二十二条" in result.units[0]["reason"]


def test_without_a_model_the_locality_and_the_rules_still_help(county):
    result = suggest(title="路灯不亮", content="", region=county.village)
    assert result.model is None and result.categories == []
    assert [u["code"] for u in result.units] == [county.town.code]
    assert "属地" in result.units[0]["reason"]


def test_training_refuses_with_too_few_matters(county):
    with pytest.raises(CommandError, match="至少需要"):
        call_command("train_routing")
    assert retrain_if_stale(timezone.localdate()) == "too_few"


@override_settings(XINFANG_ROUTING_MIN_SAMPLES=8, XINFANG_ROUTING_RETRAIN_DAYS=7)
def test_engine_retrains_only_when_the_model_is_stale(routed, time_machine):
    today = timezone.localdate()
    assert retrain_if_stale(today) == "trained"
    assert retrain_if_stale(today + dt.timedelta(days=6)) == "fresh"
    assert retrain_if_stale(today + dt.timedelta(days=7)) == "trained"
    assert RoutingModel.objects.count() == 2


def test_the_engine_runs_the_step(county):
    from xinfang.supervision.engine import STEPS, run

    assert "retrain_routing" in [name for name, _ in STEPS]
    assert run().status == "finished"  # too few matters: the engine carries on


# ---- API -------------------------------------------------------------------------------------------

URL = "/api/v1/suggest/"


@pytest.mark.parametrize("username, status", [
    (None, 401), ("nobody", 403), ("registrar", 200), ("officer", 200), ("handler", 200), ("auditor", 200),
])
def test_suggest_permissions(api, username, status):
    assert api(username).post(URL, {"title": "物业收费"}, format="json").status_code == status


@override_settings(XINFANG_ROUTING_MIN_SAMPLES=8)
def test_suggest_api_answers_the_fixed_shape_and_names_no_matter(api, routed, django_assert_max_num_queries):
    train_routing()
    client = api("officer")
    client.post(URL, {"title": "物业"}, format="json")  # load the model into this process
    with django_assert_max_num_queries(5):
        r = client.post(URL, {"title": "物业公司收停车费", "content": "东关村", "region": routed.village.code},
                        format="json")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"categories", "units", "model"}
    assert set(body["units"][0]) == {"code", "name", "score", "reason"}
    assert set(body["categories"][0]) == {"code", "label", "score"}
    assert {"trained_on", "trained_at", "accuracy"} <= set(body["model"])
    assert "XF" not in r.content.decode()  # no matter number in the answer


@pytest.mark.parametrize("payload, field", [
    ({}, "title"), ({"title": ""}, "title"), ({"title": "x", "region": "999999999999"}, "region"),
    ({"title": "x", "purpose": "nonsense"}, "purpose"), ({"title": "x" * 201}, "title"),
])
def test_suggest_bad_input(api, payload, field):
    r = api("officer").post(URL, payload, format="json")
    assert r.status_code == 400
    assert field in r.json()["error"]["fields"]


def test_unknown_units_in_rules_are_skipped(county):
    Unit.objects.filter(code="ZFW").update(active=False)
    assert [u["code"] for u in suggest(title="不服法院判决", content="").units] == []
