"""合并办理: a matter registered separately for the same substance is merged into another one.

``merge`` closes the source (close reason ``merged``, its clocks cancelled, its documents kept) and,
through ``ctx.perform``, records ``absorb`` on the matter it goes into, which takes its petitions:
both timelines say so, and the petitions (with their 查询码) now count and are tracked on that matter.
"""

from __future__ import annotations

from xinfang.core import validation as v

from ..access import visible_matters
from ..choices import State
from ..models import Attachment, Matter, Petition
from .search import index_matter


def matter_merge(ctx) -> None:
    m = ctx.matter
    number = str(ctx.params["into"] or "").strip().upper()
    if number == m.number:
        v.fail("into", "不能合并到本事项自身。")
    target = visible_matters(ctx.actor).filter(number=number).first()
    if target is None:
        v.fail("into", f"事项“{number}”不存在，或您无权查看。")
    if target.status == State.CLOSED:
        v.fail("into", f"事项“{number}”已办结，不能并入。")
    moved = Petition.objects.filter(matter=m).count()
    ctx.event_params.update({"into_title": target.title[:200], "petitions": moved})
    ctx.perform(actor=None, number=target.number, action="absorb", params={"source": m.number}, via="system")
    m.petition_count = 0


def matter_absorb(ctx) -> None:
    target = ctx.matter
    source = Matter.objects.get(number=ctx.params["source"])
    petitions = list(Petition.objects.filter(matter=source).prefetch_related("persons"))
    Petition.objects.filter(pk__in=[p.pk for p in petitions]).update(matter=target)
    Attachment.objects.filter(petition__in=petitions).update(matter=target)
    names = [person.name for p in petitions for person in p.persons.all()]
    target.petition_count += len(petitions)
    target.is_repeat = True
    target.headcount = max(target.headcount, source.headcount)
    if names and target.petitioner_names != "匿名":
        known = set(target.petitioner_names.split("、"))
        target.petitioner_names = "、".join([*known, *(n for n in names if n not in known)])[:200]
    target.search_text = (target.search_text + " " + source.number + " " + " ".join(names).lower())[:20000]
    index_matter(target)  # SQLite's FTS5 row (the matter row itself is saved by the act)
    ctx.event_params["petitions"] = len(petitions)
