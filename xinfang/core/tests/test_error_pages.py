import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_csrf_failure_is_explained_in_chinese(county):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "officer", "password": "x"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "表单已过期" in text and "Forbidden" not in text


def test_unknown_page_is_a_chinese_404(settings, county):
    settings.DEBUG = False
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert "您访问的页面不存在" in response.content.decode()
