"""The shared ``world`` of the page and API matrix tests."""

import pytest

from xinfang.leaders.models import Booking

from .helpers import do, in_recheck, new_matter, post

DAY = {"kind": "reception_day", "leader": "cleader", "date": "2026-10-20", "start_time": "09:00", "place": "接待大厅",
       "capacity": 5, "published": True}


@pytest.fixture
def world(api, county):
    """A published session with a booking and a record with a task to T01, a meeting, a case, a hearing."""
    m = new_matter(county, "2026-06-01")
    do(county, "officer", m, "forward", "2026-06-02", unit="T01")
    s = post(api("officer"), "/api/v1/receptions/", DAY, "2026-10-12").json()
    code = post(api(), f"/api/v1/public/receptions/{s['id']}/bookings/",
                {"name": "王五", "phone": "13812345678", "summary": "停车费"}, "2026-10-13").json()["booking_code"]
    booking = Booking.objects.get(booking_code=code)
    rec = post(api("officer"), f"/api/v1/receptions/{s['id']}/records/",
               {"booking": booking.pk, "matter": m.number, "summary": "反映停车费", "instructions": "请城关镇核查",
                "tasks": [{"unit": "T01", "due": "2026-10-30", "text": "核查停车费"}]}, "2026-10-20", 15).json()
    meeting = post(api("officer"), "/api/v1/meetings/", {"kind": "joint_meeting", "date": "2026-10-09", "title": "联席会议",
                                                          "units": ["T01", "D01"]}, "2026-10-09").json()
    post(api("officer"), f"/api/v1/meetings/{meeting['id']}/decisions/",
         {"text": "限期解决", "matters": [m.number], "tasks": [{"unit": "D01", "due": "2026-11-09", "text": "核查备案"}]}, "2026-10-09")
    case = post(api("officer"), f"/api/v1/matters/{m.number}/ownership/",
                {"leader": "cleader", "target_date": "2026-11-30", "plan": "约见"}, "2026-10-20").json()
    r = in_recheck(county, "2026-08-01")
    hearing = post(api("officer"), "/api/v1/hearings/", {"matter": r.number, "scheduled_at": "2026-08-30T09:00:00+08:00",
                                                          "place": "听证室", "host": "赵", "panel": ["甲", "乙", "丙"]},
                   "2026-08-25").json()
    campaign = post(api("officer"), "/api/v1/campaigns/", {"name": "百日攻坚", "start": "2026-10-01", "end": "2026-12-31",
                                                            "matters": [m.number]}, "2026-10-20").json()
    return {"m": m, "s": s, "record": rec, "meeting": meeting, "case": case, "hearing": hearing, "campaign": campaign,
            "task": rec["tasks"][0]["id"]}
