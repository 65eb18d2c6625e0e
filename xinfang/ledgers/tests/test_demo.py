"""The demo step writes every ledger through the services, in every state, and runs once."""

import pytest

from xinfang.ledgers import demo
from xinfang.ledgers.models import FundGrant, LibraryItem, Proposal, Risk, RiskReport, SuggestionAdoption
from xinfang.org.models import User

from .helpers import suggestion

pytestmark = pytest.mark.django_db


def test_demo_ledgers_every_state(county):
    for name in ("t01_handler", "d01_handler"):
        unit = county.town if name.startswith("t") else county.department
        User.objects.create(username=name, unit=unit, roles=["unit_handler"])
    for _ in range(12):
        suggestion(county)
    result = demo.load()
    assert result["proposals"] == 12 and demo.is_loaded()
    assert set(SuggestionAdoption.objects.values_list("adoption", flat=True)) == {"adopted", "partly_adopted", "not_adopted"}
    assert SuggestionAdoption.objects.filter(published=True).exists()
    assert {"open", "replied", "closed"} <= set(Proposal.objects.values_list("state", flat=True))
    assert set(FundGrant.objects.values_list("status", flat=True)) == {"pending", "approved", "rejected", "paid"}
    assert RiskReport.objects.filter(nil_report=True).exists() and Risk.objects.exists()
    assert LibraryItem.objects.get(kind="draft").version == 2
    assert demo.load() == {"status": "already loaded"}
