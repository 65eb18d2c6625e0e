"""Reads of the ledgers. ``risk_reports_filed(unit, year)`` is the assessment measure "risk reports
filed" (issue 13)."""

from .ledgers import risk_reports_filed

__all__ = ["risk_reports_filed"]
