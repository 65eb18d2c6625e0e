"""法治信访资料库: items, versions of drafts, comments, publication on the portal.

``search_text`` is the lower-cased title, issuer, number and text; searching segments the query
with jieba exactly like the matter search (``matters.services.search.query_terms``), and on
PostgreSQL a trigram GIN index serves it (migration 0002).
"""

from __future__ import annotations

from django.db import transaction

from xinfang.core.errors import NotVisible, StateConflict
from xinfang.org.models import Category

from .. import validation as v
from ..access import is_staff, require_bureau_writer
from ..choices import LibraryKind
from ..models import LibraryComment, LibraryItem, LibraryVersion


def build_search_text(item: LibraryItem) -> str:
    return " ".join(p for p in [item.title, item.issuer, item.doc_number, item.text] if p).lower()[:200000]


def _categories(data: dict) -> list[Category]:
    codes = data.get("categories") or []
    if isinstance(codes, str):
        codes = [c.strip() for c in codes.replace("，", ",").split(",") if c.strip()]
    if not isinstance(codes, list):
        v.fail("categories", "适用内容分类应为分类代码列表。")
    found = {c.code: c for c in Category.objects.filter(code__in=[str(c) for c in codes])}
    missing = [str(c) for c in codes if str(c) not in found]
    if missing:
        v.fail("categories", f"内容分类代码“{'、'.join(missing)}”不存在。")
    return list(found.values())


def _fields(data: dict) -> dict:
    v.no_nul(data)
    effective_on = v.date_value(data, "effective_on", "施行日期", required=False)
    expires_on = v.date_value(data, "expires_on", "失效日期", required=False)
    if effective_on and expires_on and expires_on < effective_on:
        v.fail("expires_on", "失效日期不能早于施行日期。")
    kind = v.choice(data, "kind", "类别", LibraryKind)
    return {
        "kind": kind,
        "title": v.text(data, "title", "标题", max_length=200),
        "issuer": v.text(data, "issuer", "制定/发布机关", required=False, max_length=120),
        "doc_number": v.text(data, "doc_number", "文号", required=False, max_length=60),
        "issued_on": v.date_value(data, "issued_on", "发布日期", required=False),
        "effective_on": effective_on,
        "expires_on": expires_on,
        "effective": v.boolean(data, "effective", default=kind != LibraryKind.DRAFT),
        "text": v.text(data, "text", "正文", max_length=500000),
    }


def item_create(*, actor, data: dict) -> LibraryItem:
    require_bureau_writer(actor, "只有信访局工作人员可以维护资料库。")
    fields = _fields(data)
    if fields["kind"] == LibraryKind.DRAFT and fields["effective"]:
        v.fail("effective", "制度草案尚未生效，不能标为现行有效。")
    categories = _categories(data)
    with transaction.atomic():
        item = LibraryItem(created_by=actor, **fields)
        item.search_text = build_search_text(item)
        item.save()
        item.categories.set(categories)
        LibraryVersion.objects.create(item=item, version=1, title=item.title, text=item.text, note="初稿",
                                      created_by=actor)
        return item


def access_item(actor, pk, *, for_update: bool = False) -> LibraryItem:
    if not is_staff(actor):
        raise NotVisible("未找到该资料。")
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotVisible("未找到该资料。") from None
    qs = LibraryItem.objects.select_for_update() if for_update else LibraryItem.objects.all()
    item = qs.filter(pk=pk).first()
    if item is None:
        raise NotVisible("未找到该资料。")
    return item


def item_update(*, actor, pk, data: dict) -> LibraryItem:
    """Save a new text: a new version (the old one stays readable)."""
    require_bureau_writer(actor, "只有信访局工作人员可以维护资料库。")
    fields = _fields(data)
    note = v.text(data, "note", "修改说明", required=False, max_length=300)
    categories = _categories(data) if "categories" in data else None
    with transaction.atomic():
        item = access_item(actor, pk, for_update=True)
        changed_text = fields["text"] != item.text or fields["title"] != item.title
        for key, value in fields.items():
            setattr(item, key, value)
        if changed_text:
            item.version += 1
            LibraryVersion.objects.create(item=item, version=item.version, title=item.title, text=item.text,
                                          note=note or f"第 {item.version} 稿", created_by=actor)
        item.search_text = build_search_text(item)
        item.save()
        if categories is not None:
            item.categories.set(categories)
        return item


def comment_add(*, actor, pk, data: dict) -> LibraryComment:
    """Any staff account may comment on a draft (征求意见); other kinds take no comments."""
    v.no_nul(data)
    text = v.text(data, "text", "意见", max_length=5000)
    with transaction.atomic():
        item = access_item(actor, pk, for_update=True)
        if item.kind != LibraryKind.DRAFT:
            raise StateConflict("只有制度草案征求意见。")
        return LibraryComment.objects.create(item=item, version=item.version, author=actor, text=text)


def item_publish(*, actor, pk, data: dict) -> LibraryItem:
    require_bureau_writer(actor, "只有信访局工作人员可以在门户公开资料。")
    v.no_nul(data)
    published = v.boolean(data, "published", default=True)
    with transaction.atomic():
        item = access_item(actor, pk, for_update=True)
        if published and item.kind in (LibraryKind.DRAFT, LibraryKind.INTERNAL):
            raise StateConflict("内部制度和制度草案不在门户公开。")
        item.published = published
        item.save(update_fields=["published", "updated_at"])
        return item
