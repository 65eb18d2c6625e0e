import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from xinfang.testing.factories import make_county

TZ = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 22, 15, tzinfo=TZ), tick=False):
        yield TODAY


@pytest.fixture
def county(db, frozen):
    return make_county()


@pytest.fixture
def october(county):
    from .fixtures import build_october

    return build_october(county)
