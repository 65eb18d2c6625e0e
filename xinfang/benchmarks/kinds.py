"""The units the benchmarks hand generated matters to."""

from xinfang.org.choices import UnitKind

HANDLING_KINDS = (UnitKind.TOWN, UnitKind.DEPARTMENT, UnitKind.LEGAL_AFFAIRS, UnitKind.DISCIPLINE)
