"""Document templates (editable, versioned), issued documents (immutable) and their delivery."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from xinfang.core.inserts import CompiledInsert
from xinfang.matters.models import Event, Matter
from xinfang.org.models import Unit

from .choices import DeliveryMethod, DeliveryOutcome, DocType


class DocumentTemplate(models.Model):
    """One version of the wording of a document type. Saving a change creates a new version;
    issued documents keep the text they were rendered with."""

    doc_type = models.CharField("文书类型", max_length=40, choices=DocType.choices)
    version = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=200)
    letterhead = models.CharField("发文机关标志", max_length=120, help_text="可用占位符，如 {{发文机关}}")
    number_prefix = models.CharField("发文字号前缀", max_length=40, help_text="如 {{机关代字}}受，编号为 前缀〔年份〕序号号")
    body = models.TextField("正文", help_text="每行一段；占位符写作 {{信访人}}")
    notes = models.TextField("附注", blank=True, help_text="每行一条，印在成文日期之下")
    copy_to = models.CharField("抄送", max_length=300, blank=True)
    active = models.BooleanField("启用", default=True)
    change_note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = verbose_name
        ordering = ["doc_type", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "version"], name="doctemplate_unique_version"),
            models.UniqueConstraint(fields=["doc_type"], condition=Q(active=True), name="doctemplate_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} 第{self.version}版"


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk ``update()``/``delete()`` would bypass the model's guards: refuse them."""

    def update(self, **kwargs):
        raise RuntimeError(f"{self.model.__name__} rows are never changed")

    def delete(self):
        raise RuntimeError(f"{self.model.__name__} rows are never deleted")


HEAVY_FIELDS = ("pdf_data", "docx_data", "context", "rendered_text")


class IssuedDocumentManager(models.Manager.from_queryset(AppendOnlyQuerySet)):
    """Lists never drag the stored files along: they load on access (``defer(None)`` for all)."""

    def get_queryset(self):
        return super().get_queryset().defer(*HEAVY_FIELDS)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class IssuedDocument(CompiledInsert):
    """An issued document: numbered, rendered once, stored with its hashes, never changed.

    PDF and DOCX are stored in the database, written in the same transaction as the act that
    produced them: a rolled-back act leaves no document behind, a committed act always has one.
    """

    doc_type = models.CharField("文书类型", max_length=40, choices=DocType.choices, db_index=True)
    doc_number = models.CharField("发文字号", max_length=80)
    number_key = models.CharField("编号序列", max_length=120)
    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    matter = models.ForeignKey(Matter, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    source_type = models.CharField("来源记录类型", max_length=60, blank=True)
    source_id = models.CharField("来源记录编号", max_length=60, blank=True)
    issuing_unit = models.ForeignKey(Unit, verbose_name="发文机关", on_delete=models.PROTECT, related_name="issued_documents")
    recipient = models.CharField("主送", max_length=300)
    recipient_unit = models.ForeignKey(Unit, verbose_name="主送单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # 抄送单位: a paper without a matter (建议提案答复函) is opened by every unit it is addressed or copied to
    copy_units = models.ManyToManyField(Unit, verbose_name="抄送单位", blank=True, related_name="+")
    title = models.CharField("标题", max_length=200)
    issued_at = models.DateTimeField("成文时间", db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, related_name="documents")
    template_version = models.PositiveIntegerField("模板版本")
    context = models.JSONField("填充数据", default=dict)
    rendered_text = models.TextField("文书全文")
    text_sha256 = models.CharField(max_length=64)
    pdf_data = models.BinaryField("PDF", default=b"")
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    docx_data = models.BinaryField("DOCX", default=b"")
    docx_sha256 = models.CharField(max_length=64, blank=True)
    # Number, template version and frozen context are fixed in the act's transaction; the bytes are
    # rendered after commit (xinfang/documents/rendering.py) and written exactly once.
    rendered_at = models.DateTimeField("生成文件时间", null=True, blank=True)
    missing_glyphs = models.CharField("PDF中以〓代替的字", max_length=200, blank=True)
    render_ms = models.PositiveIntegerField("生成耗时（毫秒）", default=0)

    objects = IssuedDocumentManager()

    class Meta:
        verbose_name = "已发文书"
        verbose_name_plural = verbose_name
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number_key", "year", "seq"], name="issueddoc_unique_number"),
            models.UniqueConstraint(fields=["event", "doc_type"], condition=Q(event__isnull=False), name="issueddoc_one_per_event_type"),
        ]
        indexes = [
            models.Index(fields=["matter", "issued_at"]),
            models.Index(fields=["issuing_unit", "issued_at"]),
            models.Index(fields=["source_type", "source_id"]),  # a supervision record's papers
            models.Index(fields=["id"], condition=Q(rendered_at__isnull=True), name="issueddoc_pending_render"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_number} {self.title}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("issued documents are immutable")
        self.pdf_data = bytes(self.pdf_data)
        self.docx_data = bytes(self.docx_data)
        if self.pdf_data or self.docx_data:  # issued with its files (old rows, tests); else rendered later
            self.pdf_sha256 = _sha256(self.pdf_data)
            self.docx_sha256 = _sha256(self.docx_data)
        self.text_sha256 = _sha256(self.rendered_text.encode("utf-8"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise RuntimeError("issued documents are immutable")

    # One vocabulary with the API (``type``) and the portal bridge.
    @property
    def type(self) -> str:
        return self.doc_type

    @property
    def is_rendered(self) -> bool:
        return self.rendered_at is not None

    def verify(self) -> bool:
        """Do the stored text and files still match the hashes taken at issue / at rendering?"""
        if not self.is_rendered:
            return _sha256(self.rendered_text.encode("utf-8")) == self.text_sha256
        return (
            _sha256(bytes(self.pdf_data)) == self.pdf_sha256
            and _sha256(bytes(self.docx_data)) == self.docx_sha256
            and _sha256(self.rendered_text.encode("utf-8")) == self.text_sha256
        )


class DocumentDelivery(models.Model):
    """送达记录: how, to whom, signed or refused, when. Append-only."""

    document = models.ForeignKey(IssuedDocument, on_delete=models.PROTECT, related_name="deliveries")
    method = models.CharField("送达方式", max_length=20, choices=DeliveryMethod.choices)
    outcome = models.CharField("签收情况", max_length=10, choices=DeliveryOutcome.choices)
    delivered_at = models.DateTimeField("送达时间")
    receiver = models.CharField("签收人", max_length=100, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              help_text="处理意见书、复查意见书的送达由事项的“送达”操作记录（起算复查/复核申请期限）")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "送达记录"
        verbose_name_plural = verbose_name
        ordering = ["delivered_at", "id"]

    def __str__(self) -> str:
        return f"{self.document.doc_number} {self.get_method_display()} {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("delivery records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("delivery records are append-only")


# ---- writing the opinion (issue 15 item 7): aids the editor of 处理/复查/复核意见 offers --------------

OPINION_ACTIONS = (("reply", "处理意见"), ("review_decide", "复查意见"), ("recheck_decide", "复核意见"))


class OpinionPhrase(models.Model):
    """常用语: a sentence the editor inserts at the cursor."""

    group = models.CharField("分组", max_length=30, help_text="如 事实认定、处理意见、告知")
    text = models.CharField("常用语", max_length=500)
    order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "意见常用语"
        verbose_name_plural = verbose_name
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class OpinionTemplate(models.Model):
    """意见模板 per content category: the opinion's skeleton, placeholders filled from the matter."""

    name = models.CharField("名称", max_length=60)
    category_code = models.CharField(
        "适用分类代码", max_length=6, blank=True,
        help_text="6位内容分类代码；一级或二级分类适用于其下各类（如 080000 适用于房产物业各类）；留空适用于全部分类")
    action = models.CharField("适用操作", max_length=20, choices=OPINION_ACTIONS, blank=True, help_text="留空适用于处理、复查、复核意见")
    body = models.TextField("模板正文", help_text="可用占位符：{{信访人}} {{信访事项标题}} {{诉求概况}} {{收到日期}} {{责任单位}} {{事项编号}}")
    legal_basis = models.TextField("默认法律政策依据", blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "意见模板"
        verbose_name_plural = verbose_name
        ordering = ["category_code", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from . import placeholders

        errors = {}
        if self.category_code and not (len(self.category_code) == 6 and self.category_code.isdigit()):
            errors["category_code"] = "分类代码应为6位数字。"
        unknown = [n for n in placeholders.used(self.body) if n not in placeholders.MATTER]
        if unknown:
            errors["body"] = f"模板正文中的占位符 {{{{{unknown[0]}}}}} 不可用。"
        if errors:
            raise ValidationError(errors)

    @property
    def prefix(self) -> str:
        """The category code without its trailing "00" pairs: what a matter's code starts with."""
        code = self.category_code
        while code.endswith("00"):
            code = code[:-2]
        return code


class LegalBasis(models.Model):
    """现行法律政策依据 the editor offers to pick (typed text stays possible)."""

    title = models.CharField("依据", max_length=200, help_text="如 《信访工作条例》第三十二条")
    summary = models.CharField("要点", max_length=300, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("现行有效", default=True)

    class Meta:
        verbose_name = "法律政策依据"
        verbose_name_plural = verbose_name
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title
