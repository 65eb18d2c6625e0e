import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from xinfang.core.errors import InvalidInput, NotAllowed, StateConflict
from xinfang.ledgers.selectors.ledgers import filter_library, hours_by_person, publicity_duty, relevant_rules
from xinfang.ledgers.services import library as svc
from xinfang.ledgers.services import publicity as pub
from xinfang.org.models import Category
from xinfang.testing.factories import register

pytestmark = pytest.mark.django_db


def item(county, **extra):
    data = {"kind": "regulation", "title": "信访工作条例", "issuer": "中共中央 国务院", "text": "信访人对处理意见不服的，可以申请复查。",
            **extra}
    return svc.item_create(actor=county.users["officer"], data=data)


def test_chinese_full_text_search_segments_the_query(county):
    a = item(county)
    item(county, title="物业管理条例", text="业主大会和物业服务企业的权利义务。")
    assert [i.pk for i in filter_library({"q": "申请复查"})] == [a.pk]
    assert [i.pk for i in filter_library({"q": "复查 处理意见"})] == [a.pk]  # every word must occur
    assert list(filter_library({"q": "复查 物业"})) == []
    assert len(filter_library({"q": "条例"})) == 2


def test_drafts_have_versions_and_comments(county):
    draft = svc.item_create(actor=county.users["officer"], data={"kind": "draft", "title": "办理规程（草案）", "text": "第一稿"})
    assert not draft.effective
    with pytest.raises(InvalidInput, match="不能标为现行有效"):
        svc.item_create(actor=county.users["officer"], data={"kind": "draft", "title": "x", "text": "y", "effective": True})
    svc.comment_add(actor=county.users["handler"], pk=draft.pk, data={"text": "第三条期限过短"})
    draft = svc.item_update(actor=county.users["officer"], pk=draft.pk,
                            data={"kind": "draft", "title": "办理规程（草案）", "text": "第二稿", "note": "吸收意见"})
    assert draft.version == 2 and [v.text for v in draft.versions.all()] == ["第二稿", "第一稿"]
    comment = svc.comment_add(actor=county.users["auditor"], pk=draft.pk, data={"text": "同意"})
    assert comment.version == 2 and draft.comments.count() == 2
    law = item(county)
    with pytest.raises(StateConflict, match="只有制度草案"):
        svc.comment_add(actor=county.users["handler"], pk=law.pk, data={"text": "x"})
    with pytest.raises(StateConflict, match="不在门户公开"):
        svc.item_publish(actor=county.users["officer"], pk=draft.pk, data={"published": True})
    with pytest.raises(NotAllowed):
        svc.item_create(actor=county.users["handler"], data={"kind": "law", "title": "x", "text": "y"})


def test_relevant_rules_by_the_matter_category_and_its_parents(county):
    top = county.category.parent.parent
    other = Category.objects.create(code="020000", name="农村农业", level=1)
    by_leaf = item(county, title="物业服务收费管理办法", kind="policy", categories=[county.category.code])
    by_top = item(county, title="城乡建设规定", categories=[top.code])
    item(county, title="农村土地承包法", kind="law", categories=[other.code])
    general = item(county, title="信访工作条例", kind="regulation")
    old = item(county, title="已废止的规定", categories=[county.category.code], effective=False)
    matter = register(county).matter
    rules = relevant_rules(matter)
    assert set(rules) == {by_leaf, by_top, general} and old not in rules


def test_publicity_duty_and_training_hours(county):
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        assert publicity_duty(2026) == {"year": 2026, "count": 0, "audience": 0, "required": 1, "met": False}
        pub.publicity_create(actor=county.users["officer"], data={"date": "2026-04-01", "title": "条例宣传", "place": "广场",
                                                                  "audience_count": 200})
        assert publicity_duty(2026)["met"] and publicity_duty(2026)["audience"] == 200
        with pytest.raises(InvalidInput, match="不能晚于今天"):
            pub.publicity_create(actor=county.users["officer"], data={"date": "2026-06-01", "title": "x", "place": "y",
                                                                      "audience_count": 1})
        pub.training_create(actor=county.users["officer"], data={"date": "2026-03-01", "title": "培训一", "hours": "4",
                                                                 "attendees": ["officer", "handler"]})
        pub.training_create(actor=county.users["officer"], data={"date": "2026-04-01", "title": "培训二", "hours": "2.5",
                                                                 "attendees": "handler"})
        pub.training_create(actor=county.users["officer"], data={"date": "2025-12-01", "title": "去年", "hours": "8",
                                                                 "attendees": ["handler"]})
        rows = {r["username"]: r["hours"] for r in hours_by_person(2026)}
        assert rows == {"handler": Decimal("6.5"), "officer": Decimal("4.0")}
        assert [r["username"] for r in hours_by_person(2026, user=county.users["officer"])] == ["officer"]
        for hours, message in [("0", "大于 0"), ("1.25", "一位小数"), ("x", "不是有效数字")]:
            with pytest.raises(InvalidInput, match=message):
                pub.training_create(actor=county.users["officer"], data={"date": "2026-04-01", "title": "t", "hours": hours})
        with pytest.raises(InvalidInput, match="不存在"):
            pub.training_create(actor=county.users["officer"], data={"date": "2026-04-01", "title": "t", "hours": "1",
                                                                     "attendees": ["ghost"]})
        with pytest.raises(NotAllowed):
            pub.training_create(actor=county.users["handler"], data={})
