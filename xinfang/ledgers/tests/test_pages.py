"""Every ledger page renders for the roles that may see it, and refuses the others."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def pages(world):
    return [
        "/ledgers/", "/ledgers/suggestions/", "/ledgers/proposals/", f"/ledgers/proposals/{world['proposal'].pk}/",
        "/ledgers/library/", f"/ledgers/library/{world['item'].pk}/", f"/ledgers/library/{world['draft'].pk}/",
        "/ledgers/publicity/", "/ledgers/trainings/", f"/ledgers/trainings/{world['training'].pk}/",
    ]


BUREAU_PAGES = ["/ledgers/proposals/new/", "/ledgers/library/new/", "/ledgers/publicity/new/", "/ledgers/trainings/new/"]


def test_every_page_renders_for_the_bureau(county, web, world):
    c = web("officer")
    extra = ["/ledgers/risks/", f"/ledgers/risks/{world['risk'].pk}/", "/ledgers/risks/reports/", "/ledgers/risks/import/",
             "/ledgers/risks/new/", "/ledgers/fund/", f"/ledgers/fund/grants/{world['grant'].pk}/", "/ledgers/fund/grants/new/",
             f"/ledgers/suggestions/{world['matter'].number}/adopt/", f"/ledgers/suggestions/{world['matter'].number}/reward/",
             f"/ledgers/suggestions/{world['matter'].number}/publish/", f"/ledgers/library/{world['item'].pk}/edit/"]
    for url in pages(world) + BUREAU_PAGES + extra:
        response = c.get(url)
        assert response.status_code == 200, url
    assert web("bleader").get("/ledgers/fund/allocations/new/").status_code == 200


def test_every_list_exports_excel(county, web, world):
    c = web("officer")
    for url in ["/ledgers/suggestions/", "/ledgers/proposals/", "/ledgers/risks/", "/ledgers/fund/", "/ledgers/library/",
                "/ledgers/publicity/", "/ledgers/trainings/", "/ledgers/risks/reports/"]:
        response = c.get(url, {"export": "xlsx"})
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), url


def test_matter_page_shows_adoption_and_relevant_rules(county, web, world):
    html = web("officer").get(f"/matters/{world['matter'].number}/").content.decode()
    assert "建议采纳" in html and "采纳" in html and "信访工作条例" in html and "申请特殊疑难问题补助资金" in html


def test_public_pages(county, web, world):
    from xinfang.ledgers.services import library

    library.item_publish(actor=county.users["officer"], pk=world["item"].pk, data={"published": True})
    anon = web()
    assert "信访工作条例" in anon.get("/public/open/library/").content.decode()
    assert anon.get(f"/public/open/library/{world['item'].pk}/").status_code == 200
    assert anon.get(f"/public/open/library/{world['draft'].pk}/").status_code == 404
    assert anon.get("/public/open/suggestions/").status_code == 200


def test_bureau_home_shows_high_risks_and_publicity_duty(county, web, world):
    html = web("bleader").get("/").content.decode()
    assert 'data-testid="ledger-home"' in html and "东关村征地补偿纠纷" in html
    assert 'data-testid="ledger-home"' not in web("handler").get("/").content.decode()


@pytest.mark.parametrize(("user", "url", "status"), [
    ("handler", "/ledgers/fund/", 403), ("cleader", "/ledgers/fund/", 403), ("auditor", "/ledgers/fund/", 200),
    ("registrar", "/ledgers/fund/", 200), ("handler", "/ledgers/risks/", 200), ("nobody", "/ledgers/", 403),
    ("handler", "/ledgers/proposals/new/", 403), ("auditor", "/ledgers/library/new/", 403),
    ("officer", "/ledgers/fund/allocations/new/", 403), ("auditor", "/ledgers/fund/grants/new/", 403),
    # risks: the auditor and county leaders read the ledger but get no form to record or import
    ("auditor", "/ledgers/risks/", 200), ("auditor", "/ledgers/risks/new/", 403), ("auditor", "/ledgers/risks/import/", 403),
    ("cleader", "/ledgers/risks/new/", 403), ("handler", "/ledgers/risks/new/", 200), ("handler", "/ledgers/risks/import/", 200),
])
def test_page_permissions(county, web, world, user, url, status):
    assert web(user).get(url).status_code == status


def test_other_unit_gets_404_for_a_risk_and_a_proposal(county, web, world):
    c = web("handler2")
    assert c.get(f"/ledgers/risks/{world['risk'].pk}/").status_code == 404
    assert c.get(f"/ledgers/proposals/{world['proposal'].pk}/").status_code == 404
    assert web("dhandler").get(f"/ledgers/proposals/{world['proposal'].pk}/").status_code == 200  # co-handler
    assert "东关村" not in c.get("/ledgers/risks/").content.decode()
    assert web("handler").get(reverse("ledgers:risk", args=[world["risk"].pk])).status_code == 200


def test_anonymous_is_sent_to_login(web, world):
    assert web().get("/ledgers/risks/").status_code == 302
