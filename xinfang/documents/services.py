"""Writes of the documents app: issuing (numbering + rendering + storing), templates, delivery.

``issue_document`` is the one way a document comes into existence. The in-transaction hook
``issue_for_event`` calls it for every event whose params name a ``notice_type`` (or a list of
``notice_types``), inside the act's transaction: if anything fails, the act fails with
``DocumentGenerationFailed`` (a Chinese message saying which document and why) and nothing of
the act is kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.core.errors import AppError, InvalidInput, NotAllowed, StateConflict
from xinfang.matters.choices import DeliveryMethod
from xinfang.matters.services import numbering

from . import placeholders, rendering
from .choices import DELIVERED_BY_ACTION, DeliveryOutcome, DocType
from .composing import compose
from .context import build, unit_code_char
from .models import DocumentDelivery, DocumentTemplate, IssuedDocument
from .renderers.content import ADDRESS_KEY, BLOCKS_KEY, blocks_to_json, official_date

log = logging.getLogger(__name__)
TEMPLATE_EDIT_ROLES = ("admin", "bureau_leader")


class DocumentGenerationFailed(AppError):
    """The document an act must produce could not be generated: the act is not performed."""

    code = "document_generation_failed"
    http_status = 500


# ---- rendering -------------------------------------------------------------------------------


def active_template(doc_type: str) -> DocumentTemplate:
    """The active template; the built-in wording (version 1) when the type has none at all yet.

    Seeding here as well as in migration 0002 keeps issuing working on a database whose tables
    were emptied (a flushed test database, a restored partial dump).
    """
    from xinfang.core import refcache

    active = refcache.get("documents.active_templates",
                          lambda: {t.doc_type: t for t in DocumentTemplate.objects.filter(active=True)})
    template = active.get(doc_type)
    if template is None:  # not in this process's cache: another process (or act) may have seeded it since
        template = DocumentTemplate.objects.filter(doc_type=doc_type, active=True).first()
    if template is None and not DocumentTemplate.objects.filter(doc_type=doc_type).exists():
        from .defaults import DEFAULT_TEMPLATES

        try:
            with transaction.atomic():
                template = DocumentTemplate.objects.create(
                    doc_type=doc_type, version=1, active=True, change_note="初始版本", **DEFAULT_TEMPLATES[doc_type]
                )
        except IntegrityError:  # another act seeded it at the same moment
            template = DocumentTemplate.objects.filter(doc_type=doc_type, active=True).first()
    if template is None:  # another act's seed committed between the two reads above: read it again
        template = DocumentTemplate.objects.filter(doc_type=doc_type, active=True).first()
    if template is None:
        raise DocumentGenerationFailed(
            f"系统中没有启用的“{DocType(doc_type).label}”模板，无法生成文书，本次操作未执行。请联系管理员在“文书模板”中启用模板。"
        )
    return template


def _prefix(template: DocumentTemplate, values: dict[str, str]) -> str:
    """The 发文字号's 机关代字 part (a placeholder without a value raises KeyError)."""
    return placeholders.fill(template.number_prefix, values).strip() or "文"


def _number(prefix: str, issuing_unit, year: int) -> tuple[str, str, int]:
    """(counter key, 发文字号, its sequence number): the next gap-free number of the unit's prefix."""
    key = f"doc:{issuing_unit.code}:{prefix}"[:80]
    seq = numbering.next_value(key, year)
    return key, f"{prefix}〔{year}〕{seq}号", seq


def issue_document(doc_type: str, *, context: dict, issuing_unit, recipient: str, matter=None, event=None,
                   source=None, recipient_unit=None, copy_units=(), actor=None, issued_at=None, blocks=None) -> IssuedDocument:
    """Number, render and store one document. Runs in (or opens) a transaction.

    ``context`` maps placeholder names (Chinese, see ``placeholders``) to text. Supervision
    records call this with plain contexts and ``source`` (the record they come from). ``copy_units``
    (抄送单位) may open a paper without a matter like its recipient unit. ``blocks``
    (reports): tables and charts placed where a body paragraph reads ``[[key]]``.
    """
    doc_type = DocType(doc_type).value
    label = DocType(doc_type).label
    issued_at = issued_at or (event.occurred_at if event is not None else timezone.now())
    day = timezone.localtime(issued_at).date()
    with transaction.atomic(savepoint=False):  # part of the act's transaction: no savepoints to pay for
        template = active_template(doc_type)
        values = {str(k): None if v is None else str(v) for k, v in (context or {}).items()}
        if blocks:
            values[BLOCKS_KEY] = blocks_to_json(blocks)
        if matter is not None and ADDRESS_KEY not in values:  # papers issued without a builder (hearings)
            from .context import addressee

            values[ADDRESS_KEY] = addressee(matter)
        values.update({
            "发文机关": issuing_unit.name,
            "机关代字": unit_code_char(issuing_unit),
            "成文日期": official_date(day),
            "主送": recipient,
            "年份": str(day.year),
        })
        try:
            prefix = _prefix(template, values)
            content = compose(template, values, issuing_unit_name=issuing_unit.name, doc_number="",
                              recipient=recipient, date_text=official_date(day))
        except KeyError as exc:
            raise DocumentGenerationFailed(
                f"生成“{label}”失败：模板第{template.version}版使用的占位符 {{{{{exc.args[0]}}}}} 没有对应的数据，本次操作未执行。",
                fields={"template": f"缺少 {exc.args[0]}"},
            ) from None
        doc = IssuedDocument(
            doc_type=doc_type, year=day.year, matter=matter, event=event,
            source_type=source._meta.label if source is not None else "",
            source_id=str(source.pk) if source is not None else "",
            issuing_unit=issuing_unit, recipient=recipient[:300], recipient_unit=recipient_unit,
            title=content.title[:200], issued_at=issued_at, issued_by=actor,
            template=template, template_version=template.version, context=values,
        )
        # The gap-free number last: its counter row stays locked until the act commits, so only the
        # document's own INSERT follows it (the content is composed above; the number is not in it).
        doc.number_key, doc.doc_number, doc.seq = _number(prefix, issuing_unit, day.year)
        doc.rendered_text = dataclasses.replace(content, doc_number=doc.doc_number).plain_text()
        try:
            with transaction.atomic(savepoint=False):  # a conflict fails the whole act anyway
                doc.save()
        except IntegrityError:
            raise StateConflict(f"该操作的“{label}”已经生成，不能重复生成。") from None
        if copy_units:
            doc.copy_units.add(*copy_units)
        rendering.schedule(doc)  # PDF and DOCX after commit (rendering.py), never inside the lock
    return doc


def notice_types(event) -> list[str]:
    params = event.params or {}
    types = list(params.get("notice_types") or [])
    if params.get("notice_type") and params["notice_type"] not in types:
        types.insert(0, params["notice_type"])
    return types


def issue_for_event(event, matter) -> list[IssuedDocument]:
    """The in-transaction hook: issue the document(s) the event names; record opinion delivery."""
    issued = []
    for doc_type in notice_types(event):
        try:
            values, recipient, recipient_unit, issuing = build(doc_type, event, matter)
        except AppError:
            raise
        except Exception as exc:
            log.exception("building the context of %s for %s failed", doc_type, matter.number)
            raise DocumentGenerationFailed(
                f"生成“{DocType(doc_type).label}”所需的数据不完整（{type(exc).__name__}），本次操作未执行。"
            ) from exc
        issued.append(issue_document(
            doc_type, context=values, issuing_unit=issuing, recipient=recipient, recipient_unit=recipient_unit,
            matter=matter, event=event, actor=event.actor,
        ))
    if event.action == "deliver":
        _record_opinion_delivery(event, matter)
    return issued


def _record_opinion_delivery(event, matter) -> None:
    doc_type = DocType.HANDLING_OPINION if event.from_status == "replied" else DocType.REVIEW_OPINION
    document = IssuedDocument.objects.filter(matter=matter, doc_type=doc_type).order_by("-issued_at", "-id").first()
    if document is None:
        return  # an opinion issued before the documents app existed: the event is the record
    p = event.params or {}
    DocumentDelivery.objects.create(
        document=document, method=p.get("method", DeliveryMethod.IN_PERSON),
        outcome=DeliveryOutcome.SIGNED if p.get("signed", True) else DeliveryOutcome.REFUSED,
        delivered_at=event.occurred_at, note=event.note[:500], event=event, recorded_by=event.actor,
    )


# ---- delivery of other notices --------------------------------------------------------------


def record_delivery(*, actor, document: IssuedDocument, method: str, outcome: str, delivered_at=None,
                    receiver: str = "", note: str = "") -> DocumentDelivery:
    """送达记录 for notices other than the opinions (those are delivered by the ``deliver`` act)."""
    if document.doc_type in DELIVERED_BY_ACTION:
        raise StateConflict(
            f"{document.get_doc_type_display()}的送达请在信访事项中执行“送达”操作记录，以便起算复查/复核申请期限。"
        )
    errors = {}
    if method not in DeliveryMethod.values:
        errors["method"] = "请选择送达方式。"
    if outcome not in DeliveryOutcome.values:
        errors["outcome"] = "请选择签收情况。"
    now = timezone.now()
    delivered_at = delivered_at or now
    if delivered_at > now + dt.timedelta(minutes=5):
        errors["delivered_at"] = "送达时间不能晚于当前时间。"
    elif delivered_at < document.issued_at:
        errors["delivered_at"] = "送达时间不能早于成文时间。"
    if len(receiver) > 100:
        errors["receiver"] = "签收人过长。"
    if errors:
        raise InvalidInput("送达记录填写有误。", fields=errors)
    if actor is None or not (actor.in_bureau or actor.unit_id == document.issuing_unit_id):
        raise NotAllowed("只有发文单位或信访局可以登记送达情况。")
    with transaction.atomic():
        return DocumentDelivery.objects.create(
            document=document, method=method, outcome=outcome, delivered_at=delivered_at,
            receiver=receiver.strip(), note=note.strip()[:500], recorded_by=actor,
        )


# ---- templates -----------------------------------------------------------------------------


def may_edit_templates(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*TEMPLATE_EDIT_ROLES))


def template_save(*, actor, doc_type: str, data: dict) -> DocumentTemplate:
    """Save a new version of a type's template and make it the active one."""
    if not may_edit_templates(actor):
        raise NotAllowed("只有系统管理员和信访局领导可以修改文书模板。")
    try:
        doc_type = DocType(doc_type).value
    except ValueError:
        raise InvalidInput("未知的文书类型。", fields={"doc_type": "未知的文书类型"}) from None
    fields = {k: str(data.get(k) or "").strip() for k in ("title", "letterhead", "number_prefix", "body", "notes", "copy_to", "change_note")}
    errors: dict[str, list[str]] = {}
    limits = {"title": 200, "letterhead": 120, "number_prefix": 40, "copy_to": 300, "change_note": 200, "body": 20000, "notes": 2000}
    for name, limit in limits.items():
        if len(fields[name]) > limit:
            errors.setdefault(name, []).append(f"不能超过 {limit} 个字符。")
    for name in ("title", "letterhead", "number_prefix", "body"):
        if not fields[name]:
            errors.setdefault(name, []).append("此项不能为空。")
    for name, msgs in placeholders.problems(doc_type, **{k: fields[k] for k in ("title", "letterhead", "number_prefix", "body", "notes", "copy_to")}).items():
        errors.setdefault(name, []).extend(msgs)
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(f"模板未保存：{first}", fields=errors)
    with transaction.atomic():
        last = DocumentTemplate.objects.select_for_update().filter(doc_type=doc_type).order_by("-version").first()
        DocumentTemplate.objects.filter(doc_type=doc_type, active=True).update(active=False)
        return DocumentTemplate.objects.create(
            doc_type=doc_type, version=(last.version + 1) if last else 1, active=True, created_by=actor, **fields,
        )


def template_activate(*, actor, template: DocumentTemplate) -> DocumentTemplate:
    """Make an earlier version the active one again (a rollback of the wording)."""
    if not may_edit_templates(actor):
        raise NotAllowed("只有系统管理员和信访局领导可以修改文书模板。")
    with transaction.atomic():
        DocumentTemplate.objects.filter(doc_type=template.doc_type, active=True).update(active=False)
        DocumentTemplate.objects.filter(pk=template.pk).update(active=True)
        from xinfang.core import refcache

        refcache.invalidate()  # queryset updates send no signal
    template.refresh_from_db()
    return template
