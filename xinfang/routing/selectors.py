"""Suggestions for routing a new text: categories and handling units with scores (api-v1.md `POST /suggest/`).

No matter and no person is named in an answer: only categories, units and the model's own figures.
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass, field

import joblib

from xinfang.org.choices import UnitKind
from xinfang.org.models import Category, Region, Unit

from .features import document
from .models import RoutingModel
from .rules import RuleHit, apply_rules

log = logging.getLogger(__name__)

TOP = 5
LOCALITY_SCORE = 0.5

_lock = threading.Lock()
_loaded: dict[str, object] = {}  # {"pk": int, "pipelines": {...}} for the newest model of this process


@dataclass
class Suggestion:
    categories: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    model: dict | None = None
    rules: list[dict] = field(default_factory=list)


def current_model() -> RoutingModel | None:
    return RoutingModel.objects.defer("payload").order_by("-trained_at", "-id").first()


def _pipelines(model: RoutingModel) -> dict | None:
    with _lock:
        if _loaded.get("pk") != model.pk:
            payload = RoutingModel.objects.filter(pk=model.pk).values_list("payload", flat=True).first()
            try:
                pipelines = joblib.load(io.BytesIO(bytes(payload))) if payload else None
            except Exception:  # a model saved by another scikit-learn: suggest by rules until retrained
                log.exception("routing model %s cannot be loaded; retrain with manage.py train_routing", model.pk)
                pipelines = None
            _loaded.clear()
            _loaded.update(pk=model.pk, pipelines=pipelines)
        return _loaded["pipelines"]  # type: ignore[return-value]


def model_summary(model: RoutingModel | None) -> dict | None:
    if model is None:
        return None
    return {
        "trained_on": model.trained_on,
        "trained_at": model.trained_at,
        "held_out": model.held_out,
        "accuracy": model.unit_top1,
        "accuracy_top3": model.unit_top3,
        "category_accuracy": model.category_top1,
        "category_accuracy_top3": model.category_top3,
    }


def _top(pipeline, doc: str) -> list[tuple[str, float]]:
    proba = pipeline.predict_proba([doc])[0]
    ranked = sorted(zip(pipeline.classes_, proba, strict=True), key=lambda pair: -pair[1])
    return [(str(code), round(float(score), 3)) for code, score in ranked[:TOP] if code != "-"]


def _category_labels(codes: list[str]) -> dict[str, str]:
    rows = {c.code: c for c in Category.objects.filter(code__in=codes).select_related("parent__parent")}
    labels = {}
    for code, c in rows.items():
        chain = [c.name]
        if c.parent:
            chain.insert(0, c.parent.name)
            if c.parent.parent:
                chain.insert(0, c.parent.parent.name)
        labels[code] = "／".join(chain)
    return labels


def _locality_unit(region: Region | None) -> Unit | None:
    """属地管理: the town (乡镇/街道) government of the place, when the place is in a town."""
    node = region
    while node is not None and node.level > 2:
        node = node.parent
    if node is None or node.level != 2:
        return None
    return Unit.objects.filter(region=node, kind=UnitKind.TOWN, active=True).first()


def suggest(*, title: str, content: str, region: Region | None = None, purpose: str = "",
            flags: frozenset[str] = frozenset()) -> Suggestion:
    result = Suggestion()
    hits: list[RuleHit] = apply_rules(title=title, content=content, purpose=purpose, flags=flags)
    model = current_model()
    result.model = model_summary(model)
    pipelines = _pipelines(model) if model else None
    region_codes = (region.code, region.parent.code if region.parent_id else "") if region else ()
    doc = document(title, content, region_codes, purpose=purpose, law_related="is_law_related" in flags)

    unit_scores: list[tuple[str, float, str]] = [(h.unit, 1.0, f"规则（{h.matched}）：{h.reason}") for h in hits]
    if pipelines:
        unit_scores += [(code, score, "模型") for code, score in _top(pipelines["unit"], doc)]
        result.categories = [{"code": code, "score": score} for code, score in _top(pipelines["category"], doc)]
    locality = _locality_unit(region)
    if locality and all(code != locality.code for code, _, _ in unit_scores):
        unit_scores.append((locality.code, LOCALITY_SCORE, "属地管理（第二十二条第二项）"))

    units = Unit.objects.in_bulk([code for code, _, _ in unit_scores], field_name="code")
    seen: set[str] = set()
    for code, score, reason in unit_scores:
        unit = units.get(code)
        if unit is None or not unit.active or code in seen:
            continue
        seen.add(code)
        result.units.append({"code": code, "name": unit.name, "score": score, "reason": reason})
    labels = _category_labels([c["code"] for c in result.categories])
    result.categories = [{**c, "label": labels.get(c["code"], c["code"])} for c in result.categories
                         if c["code"] in labels]
    result.rules = [{"unit": h.unit, "reason": h.reason, "matched": h.matched} for h in hits]
    return result
