"""The API probe (issue 9): schemathesis over the whole OpenAPI schema, in process, against the
WSGI application, as a given user, with path parameters filled from real rows.

Used by ``test_probe.py`` (bounded, in CI) and runnable with more examples locally (see
docs/security.md, "API 探测 (schemathesis)"). Every failure is collected (no shrinking) so one
run reports them all: server errors, undocumented status codes, content types, headers and
bodies that do not match the schema.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@dataclass
class Rows:
    """Real values for path and query parameters; each list is offered alongside generated values."""

    path: dict[str, list[dict]] = field(default_factory=dict)  # a key of path parameter names → value sets
    query: list[dict] = field(default_factory=list)  # query sets, used where an operation has all their names


@dataclass
class Report:
    operations: int = 0
    examples: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        codes = ", ".join(f"{k}×{v}" for k, v in sorted(self.statuses.items()))
        return (f"{self.operations} operations, {self.examples} examples in {self.seconds:.1f}s "
                f"({codes}); {len(self.failures)} failures")


@contextmanager
def in_test_transaction():
    """Call the WSGI app like Django's test client does: keep the test's connection open."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _path_sets(operation, rows: Rows) -> list[dict]:
    names = frozenset(p.name for p in operation.path_parameters)
    if not names:
        return [{}]
    for key, sets in rows.path.items():
        if names == frozenset(key.split(",")):
            return sets
    return [{}]  # unknown parameters: schemathesis generates them (404s, still checked)


def _query_sets(operation, rows: Rows) -> list[dict]:
    names = {p.name for p in operation.query}
    return [q for q in rows.query if set(q) <= names]


def run(spec: dict, app, *, login, rows: Rows, examples: int, seed: int | None = None,
        skip=lambda path, method: False) -> Report:
    """Probe every operation of ``spec`` with ``examples`` generated requests (half of them
    invalid on purpose). ``login()`` returns the request headers of the user (called again
    after a 401, e.g. when the probe revoked its own token)."""
    schema = schemathesis.openapi.from_dict(spec)
    report = Report()
    auth = {"headers": login(), "login": login}
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        if skip(operation.path, operation.method.upper()):
            continue
        report.operations += 1
        strategies = []
        for mode in MODES:
            for path in _path_sets(operation, rows):
                strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=path or None))
                for query in _query_sets(operation, rows) if mode == MODES[0] else ():
                    strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=path or None,
                                                            query=query))
        _probe(operation, st.one_of(strategies), app, auth, report, examples, seed)
    report.seconds = time.monotonic() - started
    return report


def _probe(operation, strategy, app, auth: dict, report: Report, examples: int, seed: int | None) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=seed is None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def probe(case):
        response = case.call(app=app, headers=auth["headers"])
        if response.status_code == 401:
            fresh = auth["login"]()
            if fresh != auth["headers"]:  # an earlier example revoked our own token: retry once
                auth["headers"] = fresh
                response = case.call(app=app, headers=fresh)
        report.examples += 1
        report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # collect every failure, do not shrink
            report.failures.append(_describe(operation, response, exc))

    if seed is not None:
        from hypothesis import seed as with_seed

        probe = with_seed(seed)(probe)
    probe()


def _describe(operation, response, exc) -> str:
    """One line per distinct failure (so a run lists each bug once), plus how to reproduce it."""
    failures = getattr(exc, "exceptions", None) or [exc]
    titles = "; ".join(sorted({getattr(f, "title", type(f).__name__) for f in failures}))
    detail = next((str(f).strip().splitlines() for f in failures if "Server error" not in getattr(f, "title", "")), [])
    curl = next((line.strip() for line in str(exc).splitlines() if line.strip().startswith("curl ")), "")
    return (f"{operation.method.upper()} {operation.path} → {response.status_code}: {titles}\n"
            + "\n".join(detail[:12]) + (f"\n{curl}" if curl else ""))
