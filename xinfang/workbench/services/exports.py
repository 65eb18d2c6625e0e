"""Excel exports of filtered matter lists (and, through runners, of other lists such as the ledgers):
streamed to disk in constant memory, in the background, with progress.

The same filter (selectors.filter_matters) and the same access rule (visible_matters) as the
list page; ID numbers and phones are masked; every finished export is logged (AccessLog export).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path
from urllib.parse import parse_qs

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Prefetch
from django.http import QueryDict
from django.utils import timezone
from django.utils.module_loading import import_string
from openpyxl import Workbook

from xinfang.core.excel import DATE, DATETIME, INT, Column, ReportSheet, meta_line
from xinfang.core.masking import mask_id_number, mask_phone
from xinfang.core.models import AccessLog, log_access
from xinfang.matters.lookup import classify
from xinfang.matters.models import Event, Petition, PetitionPerson
from xinfang.matters.overdue import overdue_flag, overdue_unit_of
from xinfang.matters.selectors import filter_matters

from .. import labels
from ..forms.filters import describe_filters
from ..models import ExportJob
from ..selectors.lists import displayed_names

log = logging.getLogger(__name__)
CHUNK = 500
PROGRESS_EVERY = 500
# The columns of a 信访台账: what came in, and the date of every statutory step (收到, 转送, 受理, 答复, 送达, 评价).
COLUMNS = [
    Column("事项编号", 18), Column("收到时间", 17, DATETIME), Column("信访形式", 10), Column("信访目的", 9),
    Column("内容分类", 22), Column("问题属地", 16), Column("标题", 30), Column("诉求及概况", 50), Column("信访人", 14),
    Column("身份证号（脱敏）", 21), Column("联系电话（脱敏）", 15), Column("信访人数", 8, INT),
    Column("信访件数", 8, INT), Column("主办单位", 20), Column("转送/交办日期", 12, DATE), Column("受理日期", 12, DATE),
    Column("答复日期", 12, DATE), Column("送达日期", 12, DATE), Column("评价日期", 12, DATE), Column("评价结果", 10),
    Column("状态", 9), Column("办结方式", 12), Column("办结日期", 12, DATE), Column("最近期限", 12, DATE),
    Column("是否超期", 8), Column("标记", 24),
]
LEDGER_ACTIONS = ("forward", "assign", "accept", "reply", "deliver", "evaluate")
RATING_LABELS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}


def export_dir() -> Path:
    path = Path(getattr(settings, "XINFANG_EXPORT_DIR", "") or (Path(settings.MEDIA_ROOT).parent / "exports"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _params(query: str) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, values in parse_qs(query or "", keep_blank_values=False).items():
        if key in ("page", "per_page"):
            continue
        q.setlist(key, values)
    return q


def export_create(*, actor, query: str) -> ExportJob:
    """Check the filters now (errors belong on the list page), then queue the job."""
    qs = filter_matters(actor, _params(query))
    total = qs.count()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return ExportJob.objects.create(user=actor, query=query[:2000], total=total, file_name=f"信访事项台账-{stamp}.xlsx")


def start_export(job: ExportJob) -> None:
    """Run in a background thread (the page polls progress); inline when configured (tests)."""
    if getattr(settings, "XINFANG_EXPORT_INLINE", False):
        export_run(job.pk)
        return
    thread = threading.Thread(target=_run_in_thread, args=(job.pk,), name=f"export-{job.pk}", daemon=True)
    thread.start()


def _run_in_thread(job_id) -> None:
    close_old_connections()
    try:
        export_run(job_id)
    finally:
        connection.close()


def _steps(m) -> dict:
    """The dates of the ledger's steps: the first 转送/交办 and 受理, the latest 答复, 送达 and 评价."""
    steps: dict = {}
    for e in m.ledger_events:  # ordered by seq
        key = "route" if e.action in ("forward", "assign") else e.action
        if key in ("route", "accept") and key in steps:
            continue
        steps[key] = e
    return steps


def _row(user, m, today) -> list:
    persons = [link.petitioner for p in m.petitions.all() for link in p.person_links.all()]
    hidden = displayed_names(user, m) == "（保密）"
    first = persons[0] if persons and not hidden else None
    steps = _steps(m)

    def when(key):
        return steps[key].occurred_at if key in steps else None

    rating = (steps["evaluate"].params or {}).get("rating", "") if "evaluate" in steps else ""
    return [
        m.number,
        m.received_at,
        labels.CHANNEL_LABELS.get(m.channel, m.channel),
        labels.PURPOSE_LABELS.get(m.purpose, m.purpose),
        m.category.path_name if m.category_id else "",
        m.region.full_name if m.region_id else "",
        m.title,
        m.content[:2000],
        displayed_names(user, m),
        mask_id_number(first.id_number) if first else "",
        mask_phone(first.phone) if first else "",
        m.headcount,
        m.petition_count,
        m.handling_unit.name if m.handling_unit_id else "信访局",
        when("route"), when("accept"), when("reply"), when("deliver"), when("evaluate"),
        RATING_LABELS.get(rating, ""),
        labels.STATE_LABELS.get(m.status, m.status),
        labels.CLOSE_REASON_LABELS.get(m.close_reason, ""),
        m.closed_at,
        m.next_due,
        "是" if (m.is_open and m.is_overdue) else "",
        "、".join(labels.matter_flags(m)),
    ]


def _run_matters(job: ExportJob, path: Path, progress) -> tuple[int, str, dict]:
    """The matter list's ledger: the list's filter, masked personal data."""
    user = job.user
    today = timezone.localdate()
    qs = (
        filter_matters(user, _params(job.query), today=today)
        .select_related("handling_unit", "category__parent__parent", "region__parent__parent")
        .annotate(is_overdue=overdue_flag(today, overdue_unit_of(user)))
        .prefetch_related(
            Prefetch("petitions", queryset=Petition.objects.order_by("id").prefetch_related(
                Prefetch("person_links", queryset=PetitionPerson.objects.select_related("petitioner")))),
            Prefetch("events", to_attr="ledger_events", queryset=Event.objects.filter(action__in=LEDGER_ACTIONS)
                     .only("matter_id", "action", "occurred_at", "params", "seq").order_by("seq")))
    )
    progress(0, qs.count())
    wb = Workbook(write_only=True)
    where = describe_filters(job.query) or "全部可见事项"
    sheet = ReportSheet(wb, "信访事项", heading=f"{settings.XINFANG_COUNTY_NAME}信访事项台账",
                        meta=meta_line(user=user, extra=f"筛选条件：{where} · 身份证号和电话已脱敏"),
                        columns=COLUMNS)
    done = 0
    for m in qs.iterator(chunk_size=CHUNK):
        sheet.append(_row(user, m, today))
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done)
    sheet.close()
    wb.save(str(path))
    return done, "matter_list", {"masked": True}


def _runner(kind: str):
    """``matters`` here; ``<name>:<what>`` through ``settings.XINFANG_EXPORT_RUNNERS[name]`` (a dotted path to
    ``run(job, path, progress) -> (rows, object_type, detail)``), so other apps' exports reuse this job
    and its pages without this app importing them."""
    if kind == "matters":
        return _run_matters
    name = kind.split(":", 1)[0]
    dotted = getattr(settings, "XINFANG_EXPORT_RUNNERS", {}).get(name)
    if not dotted:
        raise ValueError(f"未知的导出类型：{kind}")
    return import_string(dotted)


def export_run(job_id) -> ExportJob:
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status != ExportJob.Status.PENDING:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, started_at=timezone.now())
    path = export_dir() / f"{job.pk}.xlsx"

    def progress(done: int, total: int | None = None) -> None:
        changes = {"done_rows": done} if total is None else {"done_rows": done, "total": total}
        ExportJob.objects.filter(pk=job.pk).update(**changes)

    try:
        done, object_type, detail = _runner(job.kind)(job, path, progress)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE, done_rows=done, total=done, file_path=str(path), finished_at=timezone.now())
        log_access(user=job.user, kind=AccessLog.Kind.EXPORT, object_type=object_type, object_ref=str(job.pk),
                   detail={"rows": done, "query": _logged_query(job.query), "background": True, **detail})
    except Exception as exc:  # the job row reports failure; the page shows it
        log.exception("export %s failed", job.pk)
        path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=str(exc)[:500],
                                                   finished_at=timezone.now())
    job.refresh_from_db()
    return job


def _logged_query(query: str) -> str:
    """The export's filters for the access log, with an ID number or phone in ``q`` masked."""
    params = _params(query)
    if params.get("q"):
        params["q"] = classify(params["q"]).shown
    return params.urlencode()


def purge_old_exports(*, older_than_hours: int = 24) -> int:
    """Delete export files older than a day (personal data should not linger on disk)."""
    cutoff = timezone.now() - dt.timedelta(hours=older_than_hours)
    count = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).exclude(file_path=""):
        Path(job.file_path).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(file_path="")
        count += 1
    return count
