"""Issue 9 §2: one ID-number validator, a table of real-shaped numbers, every path uses it."""

import datetime as dt

import pytest

from xinfang.core.idnumber import IdNumberError, check_id_number

TODAY = dt.date(2026, 12, 4)

# number, accepted?, expected message fragment (error) or warning fragment ("" = no warning)
TABLE = [
    ("11010519491231002X", True, ""),  # X check digit
    ("11010519491231002x", True, ""),  # lowercase x is forgiven
    ("１１０１０５１９４９１２３１００２Ｘ", True, ""),  # full-width digits (NFKC)
    (" 1101 0519 4912 3100 2X ", True, ""),  # spaces
    ("360426199101010071", True, ""),  # stdnum's own example
    ("110115199501011231", True, ""),  # 大兴区 (code since 2001), born 1995: genuine — stdnum refuses it
    ("440308199901010012", True, ""),  # 盐田区 (1997-)
    ("130131198807151236", True, ""),  # 平山县
    ("110105190001010028", True, ""),  # born 1900: old but possible
    ("110105202612040010", True, ""),  # born today
    ("110001198001011237", True, "不在国家行政区划代码表"),  # unknown code: accepted, warning (stdnum: KeyError)
    ("999999198001010011", True, "不在国家行政区划代码表"),  # not even a province
    ("110105194912310021", False, "校验位"),  # bad check digit
    ("110115199501011232", False, "校验位"),
    ("110101209901010017", False, "晚于今天"),  # born 2099 (right check digit)
    ("110105202612050016", False, "晚于今天"),  # born tomorrow
    ("110101199002300014", False, "不存在"),  # 30 February (right check digit)
    ("110105188001010017", False, "不合理"),  # born 1880: more than 130 years ago
    ("110105491231002", False, "15 位旧身份证号码"),  # old 15-digit numbers are not accepted
    ("11010519491231002", False, "18 位"),
    ("1101051949123100211", False, "18 位"),
    ("11010519491231002Y", False, "格式错误"),
    ("X10105194912310021", False, "格式错误"),
    ("", False, "请填写"),
]


@pytest.mark.parametrize(("value", "accepted", "fragment"), TABLE)
def test_table(value, accepted, fragment):
    if accepted:
        checked = check_id_number(value, today=TODAY)
        assert checked.number == checked.number.strip().upper() and len(checked.number) == 18
        assert fragment in checked.warning if fragment else checked.warning == ""
        assert bool(checked.place) == (not fragment)
    else:
        with pytest.raises(IdNumberError) as exc:
            check_id_number(value, today=TODAY)
        assert fragment in exc.value.message


def test_details_of_an_accepted_number():
    checked = check_id_number("110115199501011231", today=TODAY)
    assert checked.birth_date == dt.date(1995, 1, 1) and checked.gender == "male"
    assert checked.place == "北京市 大兴区"
    assert check_id_number("11010519491231002x", today=TODAY).gender == "female"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["service", "portal", "live"])
def test_every_path_uses_the_one_validator(path, county):
    """Unknown code → accepted (a warning for staff), 2099 → refused, on every path."""
    from xinfang.core import validation as v
    from xinfang.portal.forms import clean_id_number
    from xinfang.workbench.selectors.registration import check_id_number as live

    if path == "service":
        assert v.normalize_id_number("110001198001011237") == "110001198001011237"
        assert v.normalize_id_number("110115199501011231") == "110115199501011231"
        with pytest.raises(v.InvalidInput) as exc:
            v.normalize_id_number("110101209901010017", field="petitioners[0].id_number")
        assert "晚于今天" in exc.value.fields["petitioners[0].id_number"][0]
    elif path == "portal":
        from django import forms

        assert clean_id_number("110001198001011237", required=True) == "110001198001011237"
        assert clean_id_number("110115199501011231", required=True) == "110115199501011231"
        with pytest.raises(forms.ValidationError):
            clean_id_number("110101209901010017", required=True)
    else:
        assert live("110001198001011237")["state"] == "warning"
        assert "不在国家行政区划代码表" in live("110001198001011237")["message"]
        assert live("110115199501011231")["state"] == "ok" and "大兴区" in live("110115199501011231")["message"]
        assert live("110101209901010017")["state"] == "error"
        assert live("1101051949")["state"] == "typing"


@pytest.mark.django_db
def test_registration_api_and_portal_accept_unknown_codes_and_staff_see_the_warning(county, api, client):
    from xinfang.testing.factories import petition_data

    data = petition_data(county, petitioners=[{"name": "钱七", "id_number": "110001198001011237", "phone": "13900002222"}])
    created = api("registrar").post("/api/v1/matters/", data, format="json")
    assert created.status_code == 201, created.content
    refused = api("registrar").post("/api/v1/matters/", petition_data(county, petitioners=[
        {"name": "钱七", "id_number": "110101209901010017"}]), format="json")
    assert refused.status_code == 400 and "petitioners[0].id_number" in refused.json()["error"]["fields"]

    from django.test import Client

    web = Client()
    web.force_login(county.users["registrar"], backend="django.contrib.auth.backends.ModelBackend")
    page = web.get(f"/matters/{created.json()['number']}/").content.decode()
    assert 'data-testid="id-warning"' in page and "110001" in page
    live = web.get("/register/check-id/", {"p-0-id_number": "110001198001011237"}).content.decode()
    assert "field__warning" in live
