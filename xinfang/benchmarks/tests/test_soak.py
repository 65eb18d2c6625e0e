"""The soak script's own pieces (the run itself is a benchmark, not a test: docs/benchmarks.md)."""

import random

import pytest
from stdnum.cn import ric

from xinfang.benchmarks import soak


def test_refuses_a_database_that_is_not_a_soak_database():
    with pytest.raises(SystemExit, match="soak"):
        soak.parse_args(["--database-url", "postgres://postgres@127.0.0.1:5432/xinfang"])
    args = soak.parse_args(["--duration", "5", "--sessions", "3"])
    assert args.database_url.endswith("/xinfang_soak") and args.duration == 5 and args.port == 8113


def test_generated_id_numbers_are_valid():
    rng = random.Random(1)
    for _ in range(200):
        number = soak.valid_id(rng)
        assert ric.is_valid(number), number


def test_percentiles_and_report():
    values = [i / 1000 for i in range(1, 1001)]  # 1 … 1000 ms
    p = soak.percentiles(values)
    assert p == {"n": 1000, "p50_ms": 500, "p95_ms": 950, "p99_ms": 990, "max_ms": 1000}
    summary = {"sessions": 2, "duration_s": 10, "requests": 1000, "requests_per_s": 100.0, "errors": 0,
               "load_before": (1, 1, 1), "load_after": (2, 2, 2), "overall": p, "by_kind": {"home": p}}
    text = soak.report(summary)
    assert "错误 0" in text and "| home | 1000 | 500 | 950 | 990 | 1000 |" in text


def test_every_role_mix_uses_session_methods():
    for mix in soak.MIXES.values():
        for kind in mix:
            assert callable(getattr(soak.Session, kind))
