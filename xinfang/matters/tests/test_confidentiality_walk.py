"""The confidentiality walk (issue 9 §1, 条例 §30): as town A's handler, every endpoint and page.

The county holds a confidential 检举控告 against town A (the petitioner also petitions elsewhere),
a matter of town B and matters town A handles. The walk GETs every URL the resolver knows (the
list is not written by hand, so a new endpoint is walked the day it is added; a new URL
parameter name fails the test until it is given sample values below) and POSTs to every endpoint
that answers with a list of matters (registration by API and form, the live duplicate check,
Excel exports). Every answer — JSON, HTML, Excel, DOCX — must name no matter or petition number
outside ``visible_matters(user)``.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from xinfang.documents.choices import DocType
from xinfang.documents.models import IssuedDocument
from xinfang.matters.access import visible_matters
from xinfang.matters.choices import EvaluationTarget
from xinfang.matters.models import Matter, Petition
from xinfang.matters.workflow import ACTIONS
from xinfang.supervision.models import SupervisionRecord
from xinfang.supervision.services.recommendations import recommendation_create
from xinfang.supervision.services.records import record_create
from xinfang.testing.factories import act, petition_data, register, valid_id
from xinfang.workbench.forms.registration import CHANNEL_PAGES
from xinfang.workbench.models import ExportJob

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
SUSPECT_ID = valid_id(4242)  # the reporter of the confidential accusation, who petitions again
NUMBER_RE = re.compile(r"X[FJ]\d{4}-\d{6}")


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.XINFANG_EXPORT_DIR = tmp_path / "exports"
    settings.XINFANG_EXPORT_INLINE = True


def _person(name="李举报", id_number=SUSPECT_ID, phone="13900004242"):
    return [{"name": name, "id_number": id_number, "phone": phone, "address": "城关镇东关村9号"}]


@pytest.fixture
def world(county):
    """secret: the confidential accusation against town A (T01); other: town B's own matter;
    mine: a matter town A handles, registered by the bureau for the same reporter (so its
    registration found the secret one as a duplicate); a 督办单 to town A naming all three."""
    secret = register(county, purpose="accusation", confidential=True, accused_unit="T01",
                      accused_party="城关镇某干部", title="举报城关镇干部违规发放补贴", petitioners=_person()).matter
    act(county, "officer", secret, "forward", unit="D01")
    other = register(county, county.users["handler2"], title="河西乡道路积水", petitioners=_person("王五", valid_id(77),
                                                                                              "13900000077")).matter
    mine = register(county, title="城关镇补贴发放不公开", petitioners=_person()).matter
    act(county, "officer", mine, "forward", unit="T01")
    own = register(county, county.users["handler"], title="东关村路灯不亮", petitioners=_person("赵六", valid_id(78),
                                                                                           "13900000078")).matter
    record = record_create(actor=county.users["officer"], data={
        "kind": "order", "method": "online", "target_unit": "T01", "title": "请加快办理",
        "content": "请按期办结。", "matters": [mine.number]})
    record.matters.add(other, secret)  # other units' matters, and one issued before record_create refused it
    rec = recommendation_create(actor=county.users["officer"], data={
        "kind": "improve_work", "title": "改进补贴发放", "content": "建议公开补贴发放名单。", "recipient_unit": "T01",
        "matters": mine.number})
    rec.matters.add(other, secret)  # a 建议书 may name other units' matters; the reader sees only its own
    return {"secret": secret, "other": other, "mine": mine, "own": own}


def _forbidden_numbers(user) -> set[str]:
    visible = visible_matters(user)
    allowed = set(visible.values_list("number", flat=True))
    allowed |= set(Petition.objects.filter(matter__in=visible).values_list("number", flat=True))
    everything = set(Matter.objects.values_list("number", flat=True)) | set(Petition.objects.values_list("number", flat=True))
    return everything - allowed


def _text(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK":  # xlsx / docx: the XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return content.decode("utf-8", "replace")


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def _samples(world, county) -> dict[str, list[str]]:
    numbers = [m.number for m in world.values()] + [world["secret"].petitions.first().number]
    doc_ids = [str(pk) for pk in IssuedDocument.objects.values_list("pk", flat=True)]
    return {
        "number": numbers,
        "action": sorted(ACTIONS),
        "pk": [str(pk) for pk in SupervisionRecord.objects.values_list("pk", flat=True)] + ["1", "2", "3"],
        "doc_id": doc_ids,
        "act": ["confirm", "reschedule", "cancel"],  # leaders' booking acts (POST only; GET redirects)
        "template_id": ["1"],
        "seq": ["1", "2"],
        "target": list(EvaluationTarget.values),
        "notice_type": [DocType.REGISTRATION_RECEIPT.value],
        "fmt": ["pdf", "docx"],
        "doc_type": [DocType.REGISTRATION_RECEIPT.value],
        "code": ["T01", "T02", county.category.code],
        "page": list(CHANNEL_PAGES),
        "date": ["2026-01-01"],
        "nonce": ["unknown"],
        "file_id": ["1"],  # ledgers: a fund grant's supporting file
    }


# Parameters of URLs that are not walked: Django admin internals (staff only, a login redirect for
# a town handler; its list pages are walked).
SKIP_PARAMS = {"object_id", "content_type_id", "id", "url", "app_label"}


def _urls(world, county):
    samples = _samples(world, county)
    samples["uuid_pk"] = [str(pk) for pk in ExportJob.objects.values_list("pk", flat=True)]
    for route, _pattern in _routes(get_resolver().url_patterns):
        params = [(m.group("conv"), m.group("name") or m.group("rname")) for m in PARAM.finditer(route)]
        names = {n for _, n in params}
        if names & SKIP_PARAMS:
            continue
        queries = LIST_QUERIES if not params and not route.startswith("django-admin") else [""]
        urls = [route]
        for conv, name in params:
            key = "uuid_pk" if conv == "uuid" else name
            assert key in samples, f"新的 URL 参数“{name}”（{route}）：请在保密巡检测试中为它提供样例值"
            values = samples[key] or ["00000000-0000-0000-0000-000000000000"]
            token = re.compile(r"<(?:\w+:)?%s>|\(\?P<%s>[^)]*\)" % (name, name))
            urls = [token.sub(val, u, count=1) for u in urls for val in values]
        for u in urls:
            for query in queries:
                yield "/" + u.replace("^", "").replace("$", "").replace("\\", "") + query


LIST_QUERIES = ["", "?q=补贴", "?q=13900004242", f"?q={SUSPECT_ID}", "?q=李举报", "?confidential=true", "?page=1&page_size=100", "?state=live",
                "?measure=on_time_completion&part=denominator", "?measure=repeat&part=denominator"]


def _check(response, forbidden, where, problems):
    if response.status_code >= 500:
        problems.append(f"{where}: HTTP {response.status_code}")
    leaked = set(NUMBER_RE.findall(_text(response))) & forbidden
    if leaked:
        problems.append(f"{where} 泄露了不可见的编号 {sorted(leaked)}")


def test_town_handler_never_sees_a_number_it_may_not_see(county, world):
    user = county.users["handler"]
    forbidden = _forbidden_numbers(user)
    assert {world["secret"].number, world["other"].number} <= forbidden
    assert world["mine"].number not in forbidden and world["own"].number not in forbidden
    web = Client()
    web.force_login(user, backend=BACKEND)
    problems: list[str] = []

    # Writes that answer with lists of matters: registration (API and form), the live duplicate
    # check, a repeat petition, an Excel export.
    data = petition_data(county, title="城关镇补贴发放问题再反映", petitioners=_person())
    r = web.post("/api/v1/matters/", data, content_type="application/json")
    assert r.status_code == 201, r.content
    _check(r, forbidden, "POST /api/v1/matters/", problems)
    r = web.post(f"/api/v1/matters/{world['mine'].number}/petitions/",
                 {"channel": "visit", "petitioners": _person()}, content_type="application/json")
    assert r.status_code == 201, r.content
    _check(r, forbidden, "POST petitions", problems)
    form = {"channel": "visit", "purpose": "request", "category": county.category.code, "region": county.village.code,
            "title": "城关镇补贴发放不公开", "content": "再次反映", "idempotency_key": "walk-1", "p-TOTAL_FORMS": "1",
            "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "200", "p-0-name": "李举报",
            "p-0-id_number": SUSPECT_ID, "p-0-phone": "13900004242", "p-0-address": "城关镇东关村9号"}
    _check(web.post("/register/duplicates/", form), forbidden, "POST /register/duplicates/", problems)
    _check(web.post("/register/visit/", form), forbidden, "POST /register/visit/", problems)
    r = web.post("/exports/", {"query": ""})
    assert r.status_code == 302
    forbidden = _forbidden_numbers(user)  # the registrations above are town A's own

    walked = 0
    for url in _urls(world, county):
        _check(web.get(url), forbidden, f"GET {url}", problems)
        walked += 1
    assert walked > 300
    assert not problems, "\n".join(problems)


def test_a_record_never_names_an_accusation_against_its_addressee(county, world):
    from xinfang.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        record_create(actor=county.users["officer"], data={
            "kind": "reminder", "method": "online", "target_unit": "T01", "title": "请加快办理",
            "content": "请按期办结。", "matters": [world["mine"].number, world["secret"].number]})
    assert world["secret"].number in exc.value.message and "检举控告" in exc.value.message
    # other units' matters may be named (a 通报 to the county government lists many units' matters);
    # each reader sees only the ones it may see (the walk above)
    record = record_create(actor=county.users["officer"], data={
        "kind": "reminder", "method": "online", "target_unit": "T01", "title": "请加快办理",
        "content": "请按期办结。", "matters": [world["mine"].number, world["other"].number]})
    assert record.matters.count() == 2


def test_a_recommendation_never_names_an_accusation_against_its_recipient(county, world):
    from xinfang.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        recommendation_create(actor=county.users["officer"], data={
            "kind": "improve_work", "title": "改进", "content": "建议。", "recipient_unit": "T01",
            "matters": f"{world['mine'].number},{world['secret'].number}"})
    assert world["secret"].number in exc.value.message and "检举控告" in exc.value.message
    rec = recommendation_create(actor=county.users["officer"], data={  # to another unit: allowed
        "kind": "improve_work", "title": "改进", "content": "建议。", "recipient_unit": "GOV",
        "matters": f"{world['mine'].number},{world['secret'].number}"})
    assert rec.matters.count() == 2


def test_duplicates_are_found_among_visible_matters_only(county, world):
    from xinfang.matters.selectors import find_duplicates

    def numbers(user):
        return {d["number"] for d in find_duplicates(
            user, ids=[SUSPECT_ID], phones=[], names_addresses=[], title="", region=None, category=None,
            today=world["mine"].received_at.date())}

    assert numbers(county.users["officer"]) == {world["secret"].number, world["mine"].number}
    assert numbers(county.users["handler"]) == {world["mine"].number}
    assert numbers(county.users["handler2"]) == set()
    assert numbers(None) == set()
