"""Registration forms: per channel, field errors kept and pointed at, duplicates before saving,
repeats, collective visits, idempotent double submits, upload checks before storing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xinfang.core.models import AccessLog
from xinfang.matters.models import Attachment, Matter, Petition
from xinfang.matters.services.numbering import format_query_code
from xinfang.testing.factories import register, valid_id

from .conftest import form_data, unique_phone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["visit", "letter", "phone", "online", "upstream"])
def test_each_channel_form_renders(web, page):
    r = web("registrar").get(f"/register/{page}/")
    body = r.content.decode()
    assert r.status_code == 200
    assert 'name="idempotency_key"' in body and "autofocus" in body
    assert 'accesskey="s"' in body  # Alt+S saves
    if page == "upstream":
        assert 'name="upstream_number"' in body and 'name="upstream_due"' in body


def test_register_a_visit(county, web):
    c = web("registrar")
    r = c.post("/register/visit/", form_data(county, title="村道损坏无人修"))
    assert r.status_code == 302, r.content.decode()[:3000]
    m = Matter.objects.get(title="村道损坏无人修")
    assert r["Location"] == f"/matters/{m.number}/"
    assert m.channel == "visit" and m.status == "registered"
    body = c.get(r["Location"]).content.decode()
    assert "登记成功" in body and format_query_code(m.petitions.get().query_code) in body


def test_double_submit_registers_once(county, web):
    c = web("registrar")
    data = form_data(county, title="同一表单提交两次")
    first = c.post("/register/visit/", data)
    second = c.post("/register/visit/", data)
    assert first["Location"] == second["Location"]
    assert Petition.objects.filter(matter__title="同一表单提交两次").count() == 1
    assert "重复提交已忽略" in c.get(second["Location"]).content.decode()


def test_bad_id_number_keeps_values_and_points_at_the_row(county, web):
    data = form_data(county, title="身份证号写错了")
    data["p-0-id_number"] = "110105199003074471"  # wrong check digit
    r = web("registrar").post("/register/visit/", data)
    assert r.status_code == 400
    body = r.content.decode()
    assert "校验位错误" in body
    assert 'value="身份证号写错了"' in body and 'value="110105199003074471"' in body
    row = body[body.index('name="p-0-id_number"') - 600: body.index('name="p-0-id_number"') + 900]
    assert "field--error" in row
    assert not Matter.objects.filter(title="身份证号写错了").exists()


def test_missing_fields_are_named(county, web):
    data = form_data(county, title="", category="")
    r = web("registrar").post("/register/visit/", data)
    assert r.status_code == 400
    assert "请填写标题" in r.content.decode() or "请选择内容分类" in r.content.decode()


def test_collective_visit_with_representatives(county, web):
    data = form_data(county, title="集体反映拖欠工资", headcount="30")
    for i in range(1, 4):
        data[f"p-{i}-name"] = f"代表{i}"
        data[f"p-{i}-id_number"] = valid_id(500 + i)
        data[f"p-{i}-phone"] = unique_phone()
        data[f"p-{i}-is_representative"] = "on"
    data["p-TOTAL_FORMS"] = "4"
    r = web("registrar").post("/register/visit/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    m = Matter.objects.get(title="集体反映拖欠工资")
    assert m.is_collective and m.headcount == 30
    links = m.petitions.get().person_links.all()
    assert sum(link.is_representative for link in links) == 3


def test_more_than_five_representatives_is_refused(county, web):
    data = form_data(county, title="代表太多", headcount="40")
    for i in range(6):
        data[f"p-{i}-name"] = f"代表{i}"
        data[f"p-{i}-id_number"] = valid_id(700 + i)
        data[f"p-{i}-phone"] = ""
        data[f"p-{i}-is_representative"] = "on"
    data["p-TOTAL_FORMS"] = "6"
    r = web("registrar").post("/register/visit/", data)
    assert r.status_code == 400
    assert "代表人数不超过 5 人" in r.content.decode()


def test_add_person_without_javascript(county, web):
    data = form_data(county)
    data["add_person"] = "1"
    r = web("registrar").post("/register/visit/", data)
    assert r.status_code == 200
    assert 'name="p-1-name"' in r.content.decode()
    assert not Matter.objects.exists()


def test_duplicates_are_shown_before_saving_and_link_as_repeat(county, web):
    first = register(county).matter
    person = first.petitions.first().persons.first()
    c = web("registrar")
    data = form_data(county, title="又来反映停车费")
    data["p-0-id_number"] = person.id_number
    r = c.post("/register/visit/", data)
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="duplicates"' in body and first.number in body
    assert Matter.objects.count() == 1  # nothing saved yet
    data["link_to"] = first.number
    r = c.post("/register/visit/", data)
    assert r["Location"] == f"/matters/{first.number}/"
    first.refresh_from_db()
    assert first.petition_count == 2 and first.is_repeat and Matter.objects.count() == 1
    assert first.deadlines.filter(kind="dispose").count() == 1  # clocks not restarted


def test_duplicates_confirmed_as_new(county, web):
    first = register(county).matter
    person = first.petitions.first().persons.first()
    data = form_data(county, title="另一件事")
    data["p-0-id_number"] = person.id_number
    data["confirm_new"] = "1"
    r = web("registrar").post("/register/visit/", data)
    assert r.status_code == 302
    assert Matter.objects.filter(title="另一件事").exists()


def test_having_seen_the_live_warning_is_not_a_decision(county, web):
    first = register(county).matter
    person = first.petitions.first().persons.first()
    data = form_data(county, title="看过提示仍新登记")
    data["p-0-id_number"] = person.id_number
    data["dup_seen"] = first.number  # what the old live panel sent
    r = web("registrar").post("/register/visit/", data)
    body = r.content.decode()
    assert r.status_code == 200 and 'data-decision="required"' in body and 'data-testid="confirm-new"' in body
    assert not Matter.objects.filter(title="看过提示仍新登记").exists()  # nothing saved without a decision


def test_live_duplicates_panel(county, web):
    first = register(county).matter
    person = first.petitions.first().persons.first()
    data = form_data(county)
    data["p-0-id_number"] = person.id_number
    r = web("registrar").post("/register/duplicates/", data)
    body = r.content.decode()
    assert first.number in body and 'name="confirm_new"' in body and 'name="link_to"' in body and "<html" not in body


def test_repeat_from_the_matter_page(county, web):
    first = register(county).matter
    c = web("registrar")
    assert first.title in c.get(f"/register/visit/?repeat_of={first.number}").content.decode()
    data = form_data(county, repeat_of=first.number)
    r = c.post("/register/visit/", data)
    assert r["Location"] == f"/matters/{first.number}/"
    assert first.petitions.count() == 2


def test_upstream_needs_its_number(county, web):
    data = form_data(county, channel="upstream", title="上级交办件")
    r = web("registrar").post("/register/upstream/", data)
    assert r.status_code == 400 and "上级交办编号" in r.content.decode()
    data.update(upstream_number="SJ2026-0088", upstream_unit="CITYGOV", upstream_due="2026-12-31")
    r = web("registrar").post("/register/upstream/", data)
    assert r.status_code == 302
    m = Matter.objects.get(title="上级交办件")
    assert m.upstream_number == "SJ2026-0088" and m.is_skip_level and m.channel == "upstream"


def test_online_transcription_chooses_the_channel(county, web):
    data = form_data(county, channel="leader_mailbox", title="领导信箱来信")
    assert web("registrar").post("/register/online/", data).status_code == 302
    assert Matter.objects.get(title="领导信箱来信").channel == "leader_mailbox"


def test_letter_with_scan(county, web):
    scan = SimpleUploadedFile("来信扫描.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    data = form_data(county, channel="letter", title="来信附扫描件")
    data["attachments"] = scan
    r = web("registrar").post("/register/letter/", data)
    assert r.status_code == 302
    m = Matter.objects.get(title="来信附扫描件")
    assert m.attachments.get().name == "来信扫描.pdf"


def test_forbidden_upload_is_refused_before_storing(county, web, settings):
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    data = form_data(county, channel="letter", title="伪装的附件")
    data["attachments"] = fake
    r = web("registrar").post("/register/letter/", data)
    assert r.status_code == 400 and "内容与扩展名不符" in r.content.decode()
    assert not Matter.objects.filter(title="伪装的附件").exists() and not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "attachments").exists()


def test_oversized_upload_is_refused(county, web, settings):
    settings.XINFANG_UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 4096, content_type="application/pdf")
    data = form_data(county, channel="letter", title="附件过大")
    data["attachments"] = big
    r = web("registrar").post("/register/letter/", data)
    assert r.status_code == 400 and "超过大小限制" in r.content.decode()
    assert not Attachment.objects.exists()


def test_check_id_as_you_type(county, web):
    c = web("registrar")
    body = c.get("/register/check-id/", {"p-0-id_number": "11010519900307"}).content.decode()
    assert "已输入 14 位" in body
    body = c.get("/register/check-id/", {"p-0-id_number": "110105199003074471"}).content.decode()
    assert "校验位错误" in body
    good = valid_id(42)
    body = c.get("/register/check-id/", {"p-0-id_number": good}).content.decode()
    assert "号码有效" in body and "js-prefill" not in body


def test_lookup_prefills_known_petitioner_and_is_logged(county, web):
    m = register(county).matter
    person = m.petitions.first().persons.first()
    body = web("registrar").get("/register/check-id/", {"p-0-id_number": person.id_number}).content.decode()
    assert "曾登记" in body and 'data-name="张三"' in body
    assert AccessLog.objects.filter(object_type="petitioner", object_ref=str(person.pk)).exists()
    body = web("registrar").get("/register/lookup-phone/", {"p-0-phone": person.phone}).content.decode()
    assert 'data-name="张三"' in body


def test_unit_staff_register_but_do_not_search_the_county(county, web):
    m = register(county).matter
    person = m.petitions.first().persons.first()
    c = web("handler")
    assert c.get("/register/visit/").status_code == 200
    body = c.get("/register/check-id/", {"p-0-id_number": person.id_number}).content.decode()
    assert "号码有效" in body and "曾登记" not in body
    r = c.post("/register/visit/", form_data(county, title="乡镇直接受理"))
    assert r.status_code == 302
    assert Matter.objects.get(title="乡镇直接受理").handling_unit.code == "T01"


@pytest.mark.parametrize("username", ["auditor", "cleader", "admin"])
def test_roles_that_do_not_register(web, username):
    assert web(username).get("/register/visit/").status_code == 403
    assert web(username).post("/register/duplicates/", {}).status_code == 403


def test_person_row_endpoint(web):
    body = web("registrar").get("/register/person-row/", {"index": "3"}).content.decode()
    assert 'name="p-3-name"' in body and 'name="p-3-is_representative"' in body


def test_unknown_channel_page_is_404(web):
    assert web("registrar").get("/register/carrier-pigeon/").status_code == 404


def test_files_are_not_read_into_the_page(county, web):
    # Refused forms say that the browser will not keep chosen files.
    data = form_data(county, title="")
    data["attachments"] = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")
    assert "请重新选择附件" in web("registrar").post("/register/letter/", data).content.decode()
    assert io  # keep import for clarity of file objects above


def test_duplicate_check_offers_only_visible_matters(county, web):
    first = register(county).matter  # held by the bureau: T01 cannot see it
    person = first.petitions.first().persons.first()
    data = form_data(county)
    data["p-0-id_number"] = person.id_number
    assert first.number not in web("handler").post("/register/duplicates/", data).content.decode()
    assert first.number in web("registrar").post("/register/duplicates/", data).content.decode()


def test_resubmitting_an_edited_saved_form_asks_before_registering_again(county, web):
    """Issue 9 §6 in the workbench: the form's key was used with other contents."""
    c = web("registrar")
    data = form_data(county, title="第一次保存")
    assert c.post("/register/visit/", data).status_code == 302
    edited = {**data, "title": "返回后改了标题"}
    r = c.post("/register/visit/", edited)
    assert r.status_code == 409
    body = r.content.decode()
    assert "本表单已经登记过一次" in body and 'value="返回后改了标题"' in body
    assert 'value="k-' not in body.split('name="idempotency_key"')[1][:80]  # a fresh key for a deliberate save
    assert not Matter.objects.filter(title="返回后改了标题").exists()
