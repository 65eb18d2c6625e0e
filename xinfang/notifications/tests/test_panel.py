"""The staff panel: delivery status with masked recipients, in a bounded number of queries."""

import pytest
from django.template import Context, Template

from xinfang.notifications.models import Notification
from xinfang.notifications.selectors import mask_recipient, notifications_for
from xinfang.testing.factories import act, register

pytestmark = pytest.mark.django_db


def test_panel_shows_status_and_masks_recipient(county, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    with django_capture_on_commit_callbacks(execute=True):
        result = register(county)
        act(county, "officer", result.matter, "forward", unit="T01")
        act(county, "handler", result.matter, "accept")
    Notification.objects.filter(template_key="accepted").update(status="failed", last_error="号码无效")
    with django_assert_max_num_queries(2):
        html = Template('{% include "notifications/_matter_notifications.html" with matter=m %}').render(
            Context({"m": result.matter}))
    assert "138****5678" in html and "13812345678" not in html
    assert "已发送" in html and "发送失败" in html and "号码无效" in html
    assert result.petition.query_code not in html  # the texts (with the code) are not shown
    tag_html = Template("{% load notifications %}{% matter_notifications m %}").render(Context({"m": result.matter}))
    assert tag_html.count("<tr class=\"notification") == 2


def test_panel_for_anonymous_matter(county):
    result = register(county, anonymous=True, petitioners=[], channel="letter")
    html = Template('{% include "notifications/_matter_notifications.html" with matter=m %}').render(
        Context({"m": result.matter}))
    assert "匿名信访件不发送告知" in html


def test_selector_and_masks(county):
    result = register(county)
    # the outbox row is written with the act, before any sending
    assert [(n.template_key, n.status) for n in notifications_for(result.matter)] == [("registered", "queued")]
    assert mask_recipient("email", "zhangsan@example.cn") == "z***@example.cn"
    assert mask_recipient("sms", "13812345678") == "138****5678"
