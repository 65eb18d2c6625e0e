"""The list row is read directly (issue 14): the same output as DRF's own field-by-field rendering
of the declared fields, which stay the schema."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework import serializers

from xinfang.matters.api.serializers import MatterListSerializer
from xinfang.matters.models import Matter
from xinfang.testing.factories import act, register

pytestmark = pytest.mark.django_db


def _drf(matter, context) -> dict:
    ser = MatterListSerializer(context=context)
    return dict(serializers.Serializer.to_representation(ser, matter))  # DRF's own, field by field


@pytest.mark.parametrize("username", ["registrar", "handler"])
def test_list_row_is_drf_own_rendering(county, username):
    plain = register(county).matter
    register(county, purpose="accusation", confidential=True, accused_unit="T01")  # §30: hidden from T01
    act(county, "officer", plain, "assign", unit="T01", report_due=str(timezone.localdate() + dt.timedelta(days=20)))
    user = county.users[username]
    context = {"today": timezone.localdate(), "user": user}
    names = set()
    for matter in Matter.objects.select_related("category", "region", "handling_unit"):
        fast = MatterListSerializer(context=context).to_representation(matter)
        names.add(fast["petitioner_names"])
        assert fast == _drf(matter, context)
        assert list(fast) == list(MatterListSerializer().fields)  # every declared field, in order
    assert ("（保密）" in names) == (username == "handler")  # §30: the accused unit's reader
    # the held matter of a registration (enum values in memory) renders the same too
    fresh = register(county).matter_with_rows()
    assert MatterListSerializer(context=context).to_representation(fresh) == _drf(fresh, context)
