"""HTML or script typed by anyone is shown as text: portal pages, the public API, staff API and pages."""

import pytest
from rest_framework.test import APIClient

from xinfang.portal.models import ReceptionDay

pytestmark = pytest.mark.django_db
SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def test_script_title_is_escaped_on_portal_pages_and_data_intact_in_json(client, county, submit_petition, api):
    response, matter, petition = submit_petition(title=SCRIPT[:60], facts=SCRIPT, region_detail=SCRIPT, name="<b>王</b>")
    assert response.status_code == 302 and matter.title == SCRIPT[:60]
    for url in ("/public/submit/done/", f"/public/matter/{matter.number}/", f"/public/matter/{matter.number}/appeal/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in client.get(f"/public/matter/{matter.number}/").content.decode()

    public = APIClient().get("/api/v1/public/track/", {"number": matter.number, "code": petition.query_code})
    assert public["Content-Type"] == "application/json" and public.json()["title"] == SCRIPT[:60]
    staff = api("officer").get(f"/api/v1/matters/{matter.number}/")
    assert staff.status_code == 200 and staff["Content-Type"] == "application/json"
    assert staff["X-Content-Type-Options"] == "nosniff"  # never sniffed as HTML
    body = staff.json()
    assert body["title"] == SCRIPT[:60] and SCRIPT in body["content"] and body["petitioners"][0]["name"] == "<b>王</b>"


def test_script_in_form_input_is_escaped_when_the_form_comes_back(client, county):
    from .conftest import fill, petition_fields

    data = fill(client, "/public/submit/", petition_fields(county, title=SCRIPT[:60], id_number="bad", facts=SCRIPT))
    html = client.post("/public/submit/", data).content.decode()
    assert "身份证号码" in html and "<script>alert" not in html and "&lt;script&gt;" in html


def test_script_in_reception_schedule_and_staff_panel_is_escaped(client, county, submit_petition):
    import datetime as dt

    from django.template import Context, Template
    from django.utils import timezone

    ReceptionDay.objects.create(leader_name=SCRIPT[:40], leader_title="县长", place=SCRIPT[:120],
                                date=timezone.localdate() + dt.timedelta(days=1))
    html = client.get("/public/reception/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    client.force_login(county.users["registrar"])
    assert "<script>alert" not in client.get("/public/staff/reception/").content.decode()
    _, matter, _ = submit_petition(title=SCRIPT[:60])
    panel = Template('{% include "notifications/_matter_notifications.html" with matter=m %}').render(Context({"m": matter}))
    assert "<script>" not in panel
