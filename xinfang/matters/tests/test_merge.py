"""合并办理: petitions move, the merged matter's clocks cancel, both timelines say so, documents stay."""

from __future__ import annotations

import pytest

from xinfang.core.errors import InvalidInput
from xinfang.matters.models import Matter
from xinfang.portal.presenter import public_view
from xinfang.testing.factories import act, register


@pytest.fixture
def pair(county):
    keep = register(county, title="征地补偿款未发放").matter
    dup = register(county, title="征地补偿款未发放（另登记）").matter
    keep = act(county, "officer", keep, "forward", unit="T01")
    dup = act(county, "officer", dup, "forward", unit="T01")
    return keep, dup


@pytest.mark.with_documents
def test_merge_moves_petitions_and_cancels_clocks(county, pair):
    keep, dup = pair
    petition = dup.petitions.get()
    merged = act(county, "officer", dup, "merge", into=keep.number, note="同一信访人同一事项")
    assert merged.status == "closed" and merged.close_reason == "merged" and merged.petition_count == 0
    assert not merged.deadlines.filter(met_at__isnull=True, cancelled_at__isnull=True).exists()
    keep = Matter.objects.get(pk=keep.pk)
    assert keep.petition_count == 2 and keep.is_repeat and keep.status == "forwarded"
    petition.refresh_from_db()
    assert petition.matter_id == keep.pk
    last_dup = merged.events.order_by("-seq").first()
    last_keep = keep.events.order_by("-seq").first()
    assert last_dup.action == "merge" and last_dup.params["into"] == keep.number and last_dup.params["petitions"] == 1
    assert last_keep.action == "absorb" and last_keep.params["source"] == dup.number and last_keep.via == "system"
    assert merged.documents.exists()  # its documents stay where they were issued
    # both public timelines say so; the moved petition is now tracked on the kept matter
    view = public_view(keep, petition)
    assert any(e["label"] == "合并办理" for e in view["timeline"])


@pytest.mark.parametrize("into, message", [("self", "自身"), ("XF1999-000001", "不存在"), ("closed", "已办结")])
def test_merge_refusals(county, pair, into, message):
    keep, dup = pair
    if into == "self":
        into = dup.number
    elif into == "closed":
        into = act(county, "handler", keep, "decline", reason="other", note="不属于").number
    with pytest.raises(InvalidInput, match=message):
        act(county, "officer", dup, "merge", into=into)
    assert Matter.objects.get(pk=dup.pk).status == "forwarded"  # nothing half-done


def test_merge_through_the_api(county, pair, api):
    keep, dup = pair
    r = api("officer").post(f"/api/v1/matters/{dup.number}/merge/", {"into": keep.number, "note": "重复登记"},
                            format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "closed"
    bad = api("officer").post(f"/api/v1/matters/{keep.number}/merge/", {"into": 5}, format="json")
    assert bad.status_code in (400, 409)
    assert api("handler").post(f"/api/v1/matters/{keep.number}/merge/", {"into": dup.number},
                               format="json").status_code in (403, 409)
