"""Early warnings (预警) for one day, each explained in Chinese with its baseline and its test.

* ``spike`` (突增): petitions of a category (level 1), a town, or a category in a town, received in
  the last ``spike_window_days`` (7) days up to the day, against the baseline: the average of the
  ``spike_baseline_windows`` (8) windows of the same length just before. Fires when the count is
  at least ``spike_min_count`` (5), at least ``spike_ratio`` (2) times the baseline, and more than
  ``spike_sigma`` (3) standard deviations above it (counts are taken as Poisson: sd = √baseline,
  at least 1). A flat baseline, however high, never fires.
* ``collective`` (集体访聚集): at least ``collective_min_count`` (2) collective visits (visit
  petitions with a headcount ≥ the rule set's collective threshold) about one town within
  ``collective_window_days`` (7) days.
* ``repeat`` (重复信访): one matter petitioned ``repeat_min_count`` (3) or more times within
  ``repeat_window_days`` (30) days.
* ``skip_level`` (越级上升): the share of 越级 matters received in the last ``skip_window_days``
  (30) days is ``skip_rise_points`` (10) percentage points above its share over the
  ``skip_baseline_days`` (90) days before, with at least ``skip_min_count`` (5) 越级 matters.

All thresholds are ``FigureSettings`` (Django admin). Figures start from ``visible_matters``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncDate

from xinfang.documents.context import day_text
from xinfang.matters.models import Matter
from xinfang.workdays.models import current_rules

from .models import current_settings
from .periods import Period
from .volume import VISIT, Tree, matter_rows, petition_rows

KIND_LABELS = {"spike": "突增", "collective": "集体访聚集", "repeat": "重复信访", "skip_level": "越级上升"}


def _window(day: dt.date, days: int) -> Period:
    return Period(day - dt.timedelta(days=days - 1), day)


def _alert(kind, count, baseline, explanation, *, region=None, category=None, period: Period, matter=None, score=0.0):
    return {"kind": kind, "kind_label": KIND_LABELS[kind], "region": region[0] if region else None,
            "region_label": region[1] if region else "", "category": category[0] if category else None,
            "category_label": category[1] if category else "", "count": count, "baseline": baseline,
            "explanation": explanation, "from": period.date_from, "to": period.date_to,
            "matter": matter, "score": score}


def spikes(user, day: dt.date, s) -> list[dict]:
    w, k = s.spike_window_days, s.spike_baseline_windows
    whole = Period(day - dt.timedelta(days=w * (k + 1) - 1), day)
    window = _window(day, w)
    rows = (petition_rows(user, whole).annotate(d=TruncDate("received_at"))
            .values("matter__category_id", "matter__region_id", "d").annotate(n=Count("pk")))
    cats, regions = Tree.categories(), Tree.regions()
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0] * (k + 1))  # [window, baseline windows…]
    for r in rows:
        index = (day - r["d"]).days // w  # 0 = the window, 1..k = the baseline windows
        if not 0 <= index <= k:
            continue
        cat = cats.key(cats.ancestor(r["matter__category_id"], 1))
        town = regions.key(regions.ancestor(r["matter__region_id"], 1))
        for key in (("category", cat, None), ("region", None, town), ("cell", cat, town)):
            counts[key][index] += r["n"]
    names_c = {node[0]: node[1] for node in cats.nodes.values()}
    names_r = {node[0]: node[1] for node in regions.nodes.values()}
    ratio, sigma = float(s.spike_ratio), float(s.spike_sigma)
    out = []
    for (_, cat, town), series in counts.items():
        count = series[0]
        baseline = sum(series[1:]) / k
        sd = max(math.sqrt(baseline), 1.0)
        z = (count - baseline) / sd
        if count < s.spike_min_count or count < ratio * baseline or z <= sigma:
            continue
        who = "、".join(x for x in (names_r.get(town, "") if town else "", f"“{names_c.get(cat, '')}”类" if cat else "") if x)
        times = f"本期为基线的{count / baseline:.1f}倍，" if baseline else "此前没有同类信访，"
        text = (f"{who}近{w}日（{day_text(window.date_from)}至{day_text(day)}）收到信访{count}件；"
                f"此前{k}个{w}日周期平均每期{baseline:.1f}件（基线）。{times}"
                f"超出基线{z:.1f}个标准差（按泊松分布，标准差取√基线且不小于1，为{sd:.1f}件）。"
                f"预警条件：不少于{s.spike_min_count}件、不低于基线的{ratio:g}倍、超出基线{sigma:g}个标准差。")
        out.append(_alert("spike", count, round(baseline, 1), text, period=window, score=z,
                          region=(town, names_r.get(town, "")) if town else None,
                          category=(cat, names_c.get(cat, "")) if cat else None))
    out.sort(key=lambda a: (-a["score"], a["category"] or "", a["region"] or ""))
    return out


def collective_clusters(user, day: dt.date, s) -> list[dict]:
    window = _window(day, s.collective_window_days)
    threshold = current_rules().collective_threshold
    rows = list(petition_rows(user, window).filter(channel=VISIT, headcount__gte=threshold)
                .values_list("matter__region_id", "headcount", "number"))
    regions = Tree.regions()
    names = {node[0]: node[1] for node in regions.nodes.values()}
    by_town: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for region_id, headcount, number in rows:
        by_town[regions.key(regions.ancestor(region_id, 1))].append((headcount, number))
    out = []
    for town, visits in sorted(by_town.items()):
        if len(visits) < s.collective_min_count:
            continue
        persons = sum(h for h, _ in visits)
        sizes = "、".join(f"{n}（{h}人）" for h, n in sorted(visits, key=lambda v: v[1])[:10])
        text = (f"{names.get(town, town)}近{s.collective_window_days}日（{day_text(window.date_from)}至{day_text(day)}）"
                f"发生集体访{len(visits)}批{persons}人次：{sizes}。预警条件：同一乡镇{s.collective_window_days}日内"
                f"集体访（{threshold}人及以上来访）不少于{s.collective_min_count}批。")
        out.append(_alert("collective", len(visits), s.collective_min_count, text, period=window,
                          region=(town, names.get(town, "")), score=persons))
    return out


def repeats(user, day: dt.date, s) -> list[dict]:
    window = _window(day, s.repeat_window_days)
    rows = (petition_rows(user, window).values("matter_id").annotate(n=Count("pk"), first=Min("received_at"),
                                                                     last=Max("received_at"))
            .filter(n__gte=s.repeat_min_count).order_by("-n", "matter_id")[:100])
    rows = list(rows)
    matters = Matter.objects.in_bulk([r["matter_id"] for r in rows])
    cats, regions = Tree.categories(), Tree.regions()
    out = []
    for r in rows:
        m = matters[r["matter_id"]]
        text = (f"信访事项{m.number}“{m.title[:30]}”近{s.repeat_window_days}日内（{day_text(window.date_from)}至"
                f"{day_text(day)}）重复信访{r['n']}件，首次{day_text(r['first'])}、最近{day_text(r['last'])}。"
                f"预警条件：同一事项{s.repeat_window_days}日内不少于{s.repeat_min_count}件。")
        out.append(_alert("repeat", r["n"], s.repeat_min_count, text, period=window, matter=m.number,
                          region=(regions.key(m.region_id), regions.label(m.region_id)),
                          category=(cats.key(m.category_id), cats.label(m.category_id)), score=r["n"]))
    return out


def skip_level_rise(user, day: dt.date, s) -> list[dict]:
    window = _window(day, s.skip_window_days)
    base = Period(window.date_from - dt.timedelta(days=s.skip_baseline_days), window.date_from - dt.timedelta(days=1))
    agg = {"n": Count("pk"), "skip": Count("pk", filter=Q(is_skip_level=True))}
    now = matter_rows(user, window).aggregate(**agg)
    before = matter_rows(user, base).aggregate(**agg)
    if not now["n"] or now["skip"] < s.skip_min_count:
        return []
    share_now = now["skip"] / now["n"]
    share_before = before["skip"] / before["n"] if before["n"] else 0.0
    rise = (share_now - share_before) * 100
    if rise < float(s.skip_rise_points):
        return []
    text = (f"近{s.skip_window_days}日（{day_text(window.date_from)}至{day_text(day)}）越级信访事项{now['skip']}件，"
            f"占同期信访事项{now['n']}件的{share_now * 100:.1f}%；此前{s.skip_baseline_days}日占比{share_before * 100:.1f}%"
            f"（{before['skip']}/{before['n']}，基线），上升{rise:.1f}个百分点。预警条件：越级事项不少于"
            f"{s.skip_min_count}件且占比上升不少于{float(s.skip_rise_points):g}个百分点。")
    return [_alert("skip_level", now["skip"], round(share_before * now["n"], 1), text, period=window, score=rise)]


def alerts(user, day: dt.date) -> list[dict]:
    s = current_settings()
    return [*spikes(user, day, s), *collective_clusters(user, day, s), *repeats(user, day, s),
            *skip_level_rise(user, day, s)]
