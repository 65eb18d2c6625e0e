"""Online petition: one matter per submitted form, §19 elements, protection, clear Chinese errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xinfang.matters.models import Attachment, Matter, Petition
from xinfang.matters.services.numbering import format_query_code
from xinfang.notifications.senders.logging import LoggingSender
from xinfang.portal.models import PortalSubmission

from .conftest import fill, petition_fields, solve

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_form_shows_pickers_notice_and_challenge(client, county):
    response = client.get("/public/submit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "城关镇" in html and f'data-parent="{county.town_region.code}"' in html  # two-level region picker
    assert "城乡建设" in html and 'data-parent="010000"' in html  # two-level category picker
    assert "个人信息处理告知" in html and "敏感个人信息" in html
    assert response.context["form"].challenge_question.endswith("？")
    assert response["Cache-Control"] == "no-store"


def test_submission_registers_one_matter_at_the_bureau_and_shows_the_code(client, county, submit_petition):
    response, matter, petition = submit_petition()
    assert response.status_code == 302 and response["Location"] == "/public/submit/done/"
    assert matter.channel == "online" and matter.registering_unit == county.bureau and matter.registered_by is None
    assert matter.status == "registered" and matter.region == county.village and matter.category.code == "010100"
    assert "请求退还多收的停车费" in matter.content and "每月多收 50 元" in matter.content
    event = matter.events.get()
    assert event.via == "portal" and event.actor is None
    person = petition.persons.get()
    assert (person.name, person.id_number, person.phone) == ("王小明", "11010519491231002X", "13912345678")
    submission = PortalSubmission.objects.get()
    assert submission.consent_version and submission.consented_at and submission.kind == "petition"

    done = client.get("/public/submit/done/").content.decode()
    assert matter.number in done and format_query_code(petition.query_code) in done
    assert "139****5678" in done  # the SMS went to the (masked) number
    sms = LoggingSender.messages_to("13912345678")
    assert len(sms) == 1 and format_query_code(petition.query_code) in sms[0].text and matter.number in sms[0].text
    # the session may now follow the matter without typing the code again
    assert client.get(f"/public/matter/{matter.number}/").status_code == 200


def test_back_button_or_double_tap_creates_one_petition(client, county, django_capture_on_commit_callbacks):
    data = fill(client, "/public/submit/", petition_fields(county))
    first = client.post("/public/submit/", data)
    second = client.post("/public/submit/", data)  # the same form again
    assert first.status_code == second.status_code == 302
    assert second["Location"] == "/public/submit/done/"
    assert Matter.objects.count() == 1 and Petition.objects.count() == 1


def test_missing_and_invalid_fields_keep_what_was_typed(client, county):
    data = fill(client, "/public/submit/", petition_fields(
        county, id_number="110105194912310021", phone="12345", title="", consent=""))
    response = client.post("/public/submit/", data)
    html = response.content.decode()
    assert response.status_code == 200 and Matter.objects.count() == 0
    assert "身份证号码校验位错误" in html
    assert "电话号码格式不正确" in html
    assert "请填写标题。" in html
    assert "勾选同意" in html
    assert "请按提示修改标红的内容，已填写的内容已为您保留。" in html
    assert 'value="王小明"' in html and "物业公司自 2026 年 3 月起每月多收 50 元。" in html
    assert html.count('aria-invalid="true"') >= 3
    # the challenge was answered correctly: it is kept, with the answer
    assert f'value="{data["challenge_answer"]}"' in html


def test_wrong_challenge_answer_asks_a_new_question_and_keeps_input(client, county):
    data = fill(client, "/public/submit/", petition_fields(county))
    data["challenge_answer"] = str(int(data["challenge_answer"]) + 1)
    response = client.post("/public/submit/", data)
    html = response.content.decode()
    assert "验证题答案不正确" in html and Matter.objects.count() == 0
    assert response.context["form"].data["challenge_token"] != data["challenge_token"]
    assert 'value="小区停车收费问题"' in html
    retry = dict(data, challenge_token=response.context["form"].data["challenge_token"],
                 challenge_answer=solve(response.context["form"].challenge_question))
    assert client.post("/public/submit/", retry).status_code == 302


def test_a_solved_challenge_cannot_be_reused_for_another_petition(client, county):
    data = fill(client, "/public/submit/", petition_fields(county))
    assert client.post("/public/submit/", data).status_code == 302
    again = dict(data, form_token="another-form-token-0123456789", title="另一件事")
    response = client.post("/public/submit/", again)
    assert "该验证题已经使用过" in response.content.decode()
    assert Matter.objects.count() == 1


def test_too_fast_submissions_are_refused(client, county, settings):
    settings.XINFANG_PORTAL_MIN_FILL_SECONDS = 3
    data = fill(client, "/public/submit/", petition_fields(county))
    response = client.post("/public/submit/", data)
    assert "提交过快" in response.content.decode() and Matter.objects.count() == 0


def test_honeypot_filled_by_a_bot_creates_nothing(client, county):
    data = fill(client, "/public/submit/", petition_fields(county, website="http://spam.example"))
    response = client.post("/public/submit/", data)
    assert response.status_code == 400 and Matter.objects.count() == 0


def test_rate_limit_per_address(client, county, settings):
    settings.XINFANG_PORTAL_SUBMIT_LIMIT_PER_IP = 2
    for i in range(2):
        data = fill(client, "/public/submit/", petition_fields(county, title=f"问题{i}", phone=f"1391234567{i}"))
        assert client.post("/public/submit/", data).status_code == 302
    data = fill(client, "/public/submit/", petition_fields(county, title="第三件", phone="13912345670"))
    response = client.post("/public/submit/", data)
    assert response.status_code == 429
    assert "提交过于频繁，请" in response.content.decode() and "分钟后再试" in response.content.decode()
    assert Matter.objects.count() == 2
    # another address is not affected
    other = fill(client, "/public/submit/", petition_fields(county, title="别处", phone="13912345671"))
    assert client.post("/public/submit/", other, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_rate_limit_per_phone(client, county, settings):
    settings.XINFANG_PORTAL_SUBMIT_LIMIT_PER_PHONE = 1
    data = fill(client, "/public/submit/", petition_fields(county))
    assert client.post("/public/submit/", data).status_code == 302
    data = fill(client, "/public/submit/", petition_fields(county, title="又一件"))
    response = client.post("/public/submit/", data, REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 429 and "该手机号码今天已提交 1 件" in response.content.decode()


def test_attachment_is_stored(client, county, submit_petition):
    response, matter, _ = submit_petition(attachments=[SimpleUploadedFile("收费单.pdf", PDF, "application/pdf")])
    assert response.status_code == 302
    attachment = Attachment.objects.get(matter=matter)
    assert attachment.name == "收费单.pdf" and attachment.mime == "application/pdf"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("照片.pdf", PNG, "内容与扩展名不符"),
    ("程序.exe", b"MZ\x90\x00" + b"\x00" * 100, "不允许上传此类型的文件"),
    ("空.pdf", b"", "空文件"),
])
def test_disguised_or_forbidden_files_are_refused(client, county, name, content, message):
    data = fill(client, "/public/submit/", petition_fields(county))
    data["attachments"] = [SimpleUploadedFile(name, content)]
    response = client.post("/public/submit/", data)
    html = response.content.decode()
    assert Matter.objects.count() == 0
    assert message in html or ("空文件" == message and "提交的文件为空" in html)
    assert "附件需要重新选择" in html


def test_oversized_file_is_refused(client, county, settings):
    settings.XINFANG_UPLOAD_MAX_BYTES = 1024
    data = fill(client, "/public/submit/", petition_fields(county))
    data["attachments"] = [SimpleUploadedFile("大文件.pdf", PDF + b"0" * 2048)]
    response = client.post("/public/submit/", data)
    assert "超过大小限制" in response.content.decode() and Matter.objects.count() == 0


def test_village_must_belong_to_the_town(client, county):
    data = fill(client, "/public/submit/", petition_fields(county, town=county.other_town_region.code))
    response = client.post("/public/submit/", data)
    assert "不属于所选乡镇" in response.content.decode() and Matter.objects.count() == 0


def test_accusation_is_registered_confidential(client, county, submit_petition):
    _, matter, _ = submit_petition(purpose="accusation")
    assert matter.handling_class == "accusation" and matter.is_confidential


def test_done_page_without_a_submission_goes_to_the_form(client, county):
    assert client.get("/public/submit/done/")["Location"] == "/public/submit/"



def test_done_page_offers_the_receipt_pdf(client, county, submit_petition):
    submit_petition()
    done = client.get("/public/submit/done/").content.decode()
    assert 'data-testid="receipt-pdf"' in done
    href = done.split('data-testid="receipt-pdf"')[0].rsplit('href="', 1)[1].split('"')[0]
    pdf = client.get(href)
    assert pdf.status_code == 200 and b"".join([pdf.content]).startswith(b"%PDF")
