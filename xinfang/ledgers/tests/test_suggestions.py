import pytest
import time_machine

from xinfang.core.errors import NotAllowed, NotVisible, StateConflict
from xinfang.ledgers.choices import Reward
from xinfang.ledgers.selectors.suggestions import figures_by_theme, published_suggestions, suggestion_figures
from xinfang.ledgers.services import suggestions as svc
from xinfang.testing.factories import act, register

from .helpers import adopt, suggestion

pytestmark = pytest.mark.django_db


def test_adoption_after_the_reply_one_row_per_matter(county):
    matter = suggestion(county)
    row = adopt(county, matter, "partly_adopted", adopting_body="县住建局")
    again = adopt(county, matter, "adopted")
    assert again.pk == row.pk and again.adoption == "adopted" and again.adopting_body == "信访局"


def test_no_adoption_before_the_reply_or_for_a_complaint(county):
    pending = suggestion(county, answered=False)
    with pytest.raises(StateConflict, match="尚未答复"):
        adopt(county, pending)
    complaint = register(county).matter
    complaint = act(county, "registrar", complaint, "answer", reply="已答复")
    with pytest.raises(StateConflict, match="不是意见建议类"):
        adopt(county, complaint)


def test_only_bureau_case_officers_and_leaders_record_it(county):
    matter = suggestion(county)
    for name in ("registrar", "auditor", "cleader"):
        with pytest.raises(NotAllowed):
            svc.adopt(actor=county.users[name], number=matter.number, data={"adoption": "adopted", "note": "x"})
    with pytest.raises(NotAllowed):  # a town that cannot see it is refused before anything is read
        svc.adopt(actor=county.users["handler2"], number=matter.number, data={"adoption": "adopted", "note": "x"})


def test_reward_recommended_then_decided_once(county):
    matter = suggestion(county)
    adopt(county, matter, reward="建议给予表彰奖励")
    row = svc.reward_decide(actor=county.users["bleader"], number=matter.number,
                            data={"outcome": "granted", "amount": "500.00", "note": "县政府批准"})
    assert row.reward == Reward.GRANTED and str(row.reward_amount) == "500.00"
    with pytest.raises(StateConflict):
        svc.reward_decide(actor=county.users["bleader"], number=matter.number, data={"outcome": "refused"})
    with pytest.raises(StateConflict, match="不能再修改"):
        adopt(county, matter, "not_adopted")


def test_reward_amount_with_three_decimals_is_refused(county):
    matter = suggestion(county)
    adopt(county, matter, reward="建议奖励")
    with pytest.raises(Exception, match="两位小数"):
        svc.reward_decide(actor=county.users["bleader"], number=matter.number, data={"outcome": "granted", "amount": "1.005"})


def test_publication_needs_consent_and_adoption_and_hides_the_name_by_default(county):
    matter = suggestion(county)
    adopt(county, matter)
    data = {"public_title": "关于增设公交站点的建议", "public_text": "建议在东关村增设站点。已采纳。"}
    with pytest.raises(Exception, match="同意"):
        svc.publish(actor=county.users["officer"], number=matter.number, data=data)
    row = svc.publish(actor=county.users["officer"], number=matter.number, data={**data, "consent": "true"})
    assert row.published and not row.show_name
    assert list(published_suggestions()) == [row]
    other = suggestion(county)
    adopt(county, other, "not_adopted", note="")
    with pytest.raises(StateConflict, match="只有采纳"):
        svc.publish(actor=county.users["officer"], number=other.number, data={**data, "consent": "1"})


@time_machine.travel("2026-03-20 10:00 +0800", tick=False)
def test_figures_match_a_hand_count(county):
    # Hand count: 5 suggestions received in March; 4 answered; 2 adopted, 1 partly, 1 not; 1 rewarded.
    a, b, c, d = (suggestion(county) for _ in range(4))
    suggestion(county, answered=False)
    adopt(county, a, reward="建议奖励")
    adopt(county, b)
    adopt(county, c, "partly_adopted")
    adopt(county, d, "not_adopted", note="")
    svc.reward_decide(actor=county.users["bleader"], number=a.number, data={"outcome": "granted"})
    register(county)  # a complaint: not counted
    figures = suggestion_figures(county.users["officer"], {"from": "2026-03-01", "to": "2026-03-31"})
    assert figures == {"received": 5, "answered": 4, "adopted": 2, "partly_adopted": 1, "not_adopted": 1, "rewarded": 1}
    assert suggestion_figures(county.users["officer"], {"from": "2026-04-01"})["received"] == 0
    themes = figures_by_theme(county.users["officer"], {})
    assert themes[0]["label"] == "城乡建设" and themes[0]["received"] == 5 and themes[0]["adopted"] == 2


def test_a_unit_sees_figures_of_its_own_matters_only(county):
    suggestion(county)
    assert suggestion_figures(county.users["handler2"], {})["received"] == 0
    with pytest.raises(NotVisible):
        svc.adoption_of(county.users["handler2"], suggestion(county).number)


def test_the_list_sorts_by_theme_and_refuses_a_bad_sort(county):
    from xinfang.core.errors import InvalidInput
    from xinfang.ledgers.selectors.suggestions import suggestion_matters
    from xinfang.org.models import Category

    other = Category.objects.create(code="000100", name="甲类", level=1)
    late = suggestion(county, answered=False)
    first = suggestion(county, answered=False, category=other.code)
    officer = county.users["officer"]
    assert [m.pk for m in suggestion_matters(officer, {"sort": "theme"})] == [first.pk, late.pk]
    with pytest.raises(InvalidInput, match="排序方式无效"):
        suggestion_matters(officer, {"sort": "name"})
    assert [m.pk for m in suggestion_matters(officer, {"theme": "010000"})] == [late.pk]
