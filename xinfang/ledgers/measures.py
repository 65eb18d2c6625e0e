"""The ledgers' measure for the annual assessment (issue 13, 条例 §39): "risk reports filed".

Registered with the figures' registry from ``LedgersConfig.ready``. The value of a town or
department is a rate: the monthly 苗头隐患排查 reports it filed (nil reports included; the count is
``selectors.ledgers.risk_reports_filed_by_unit``, the one definition) over the months of the year
whose report was due (ended before today, from ``LedgerPolicy.risk_reports_from`` on).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from xinfang.figures.measures import Value, register
from xinfang.org.permissions import COUNTY_WIDE_ROLES

from .models import current_policy
from .selectors.ledgers import months_due, reporting_units, risk_reports_filed_by_unit


def risk_reports_measure(user, period, today) -> dict[int, Value]:
    months = months_due(period.date_from, period.date_to, today, current_policy().risk_reports_from)
    if not months:
        return {}
    units = reporting_units()
    if not user.has_role(*COUNTY_WIDE_ROLES):
        units = units.filter(pk=user.unit_id)
    unit_ids = list(units.values_list("pk", flat=True))
    filed = risk_reports_filed_by_unit(months, unit_ids)
    return {u: Value(round(filed.get(u, 0) / len(months), 4), filed.get(u, 0), len(months)) for u in unit_ids}


def risk_reports_link(unit, period) -> str:
    return reverse("ledgers:risk_reports") + "?" + urlencode({"unit": unit.code, "year": period.date_from.year})


def register_measures() -> None:
    register("risk_reports", "隐患排查月报按时报送率", "rate", risk_reports_measure, link=risk_reports_link)
