"""Training the routing model on the deployment's own closed matters (`manage.py train_routing`)."""

from __future__ import annotations

import io
import logging
from collections import Counter
from dataclasses import dataclass

import joblib
import numpy as np
import sklearn
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from xinfang.core.errors import StateConflict
from xinfang.matters.choices import State
from xinfang.matters.models import Matter

from .features import document, tokens
from .models import RoutingModel

log = logging.getLogger(__name__)

MIN_SAMPLES = 30  # default of settings.XINFANG_ROUTING_MIN_SAMPLES
HELD_OUT_SHARE = 0.2


@dataclass
class Sample:
    doc: str
    category: str
    unit: str


def training_samples(limit: int | None = None) -> list[Sample]:
    """Closed matters that were routed to a handling unit, newest first."""
    limit = limit or getattr(settings, "XINFANG_ROUTING_MAX_SAMPLES", 50_000)
    rows = (Matter.objects.filter(status=State.CLOSED, handling_unit__isnull=False)
            .order_by("-closed_at", "-id")
            .values_list("title", "content", "region__code", "region__parent__code", "purpose", "is_law_related",
                         "category__code", "handling_unit__code")[:limit])
    return [Sample(document(title, content, (region, parent or ""), purpose=purpose, law_related=law), category, unit)
            for title, content, region, parent, purpose, law, category, unit in rows]


def _pipeline() -> Pipeline:
    return Pipeline([
        ("words", TfidfVectorizer(tokenizer=tokens, token_pattern=None, lowercase=False, sublinear_tf=True,
                                  min_df=1, ngram_range=(1, 1))),
        # logistic loss gives probabilities; SGD fits in a fraction of a second where lbfgs took ~10 s
        ("model", SGDClassifier(loss="log_loss", alpha=1e-4, random_state=0)),
    ])


def top_k_accuracy(pipeline: Pipeline, docs: list[str], truth: list[str], k: int) -> float | None:
    if not docs:
        return None
    proba = pipeline.predict_proba(docs)
    classes = pipeline.classes_
    best = np.argsort(-proba, axis=1)[:, :k]
    hits = sum(1 for row, want in zip(best, truth, strict=True) if want in {classes[i] for i in row})
    return round(hits / len(docs), 4)


def _fit_and_measure(train: list[Sample], test: list[Sample], target: str) -> tuple[Pipeline, float | None, float | None]:
    """Measure on the held-out matters, then refit on all of them (the model in use learns from every one)."""
    def labels(rows):
        return [getattr(s, target) for s in rows]

    everything = train + test
    if len(set(labels(everything))) < 2:  # one class only: a degenerate but usable model
        return _pipeline().fit([*(s.doc for s in everything), "-"], [*labels(everything), "-"]), None, None
    top1 = top3 = None
    if test and len(set(labels(train))) >= 2:
        measured = _pipeline().fit([s.doc for s in train], labels(train))
        top1 = top_k_accuracy(measured, [s.doc for s in test], labels(test), 1)
        top3 = top_k_accuracy(measured, [s.doc for s in test], labels(test), 3)
    return _pipeline().fit([s.doc for s in everything], labels(everything)), top1, top3


def split(samples: list[Sample]) -> tuple[list[Sample], list[Sample]]:
    """One fixed held-out fifth for both targets, stratified by unit where every unit has two matters."""
    counts = Counter(s.unit for s in samples)
    stratify = [s.unit for s in samples] if min(counts.values()) >= 2 and len(counts) <= len(samples) * HELD_OUT_SHARE else None
    train, test = train_test_split(samples, test_size=HELD_OUT_SHARE, random_state=0, stratify=stratify)
    return list(train), list(test)


def train_routing(*, limit: int | None = None) -> RoutingModel:
    """Fit category and unit classifiers; accuracy is measured on a held-out fifth before refitting on all."""
    samples = training_samples(limit)
    minimum = getattr(settings, "XINFANG_ROUTING_MIN_SAMPLES", MIN_SAMPLES)
    if len(samples) < minimum:
        raise StateConflict(f"已办结并转送的事项只有 {len(samples)} 件，至少需要 {minimum} 件才能训练转送辅助模型。")
    train, test = split(samples)
    held_out = len(test)
    category, c1, c3 = _fit_and_measure(train, test, "category")
    unit, u1, u3 = _fit_and_measure(train, test, "unit")
    buffer = io.BytesIO()
    joblib.dump({"category": category, "unit": unit}, buffer, compress=3)
    with transaction.atomic():
        row = RoutingModel.objects.create(
            trained_at=timezone.now(), trained_on=len(samples), held_out=held_out,
            category_top1=c1, category_top3=c3, unit_top1=u1, unit_top3=u3,
            payload=buffer.getvalue(), library_version=sklearn.__version__)
    log.info("routing model %s trained on %s matters: unit top-1 %s top-3 %s", row.pk, len(samples), u1, u3)
    return row


def retrain_if_stale(today) -> str:
    """The daily engine's step: retrain when the newest model is older than the setting (default 7 days).

    Returns "trained", "fresh" or "too_few" (not enough closed matters yet; the engine carries on).
    """
    days = getattr(settings, "XINFANG_ROUTING_RETRAIN_DAYS", 7)
    newest = RoutingModel.objects.order_by("-trained_at").values_list("trained_at", flat=True).first()
    if newest is not None and (today - timezone.localtime(newest).date()).days < days:
        return "fresh"
    try:
        train_routing()
    except StateConflict:
        return "too_few"
    return "trained"
