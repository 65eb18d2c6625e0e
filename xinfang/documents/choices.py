"""Document vocabulary: the types of api-v1.md "Documents" and how each is numbered and addressed."""

from __future__ import annotations

from django.db import models

from xinfang.matters.choices import DeliveryMethod


class DocType(models.TextChoices):
    """Document types (api-v1.md "Documents"). The workflow declares which act issues which
    (``Transition.notices``, by value); a test checks every declared value is one of these."""

    REGISTRATION_RECEIPT = "registration_receipt", "登记回执"
    ACCEPTANCE_NOTICE = "acceptance_notice", "受理告知书"
    NON_ACCEPTANCE_NOTICE = "non_acceptance_notice", "不予受理告知书"
    NO_FURTHER_ACCEPTANCE_NOTICE = "no_further_acceptance_notice", "不再受理告知书"
    FORWARDING_LETTER = "forwarding_letter", "转送函"
    ASSIGNMENT_SHEET = "assignment_sheet", "交办单"
    EXTENSION_NOTICE = "extension_notice", "延期告知书"
    HANDLING_OPINION = "handling_opinion", "信访处理意见书"
    REVIEW_OPINION = "review_opinion", "复查意见书"
    RECHECK_OPINION = "recheck_opinion", "复核意见书"
    COMPLETION_REPORT = "completion_report", "办结报告"
    DELIVERY_RECEIPT = "delivery_receipt", "送达回证"
    SUPERVISION_ORDER = "supervision_order", "督办单"
    BULLETIN = "bulletin", "通报"
    RECOMMENDATION = "recommendation", "建议书"
    HEARING_NOTICE = "hearing_notice", "听证通知书"
    HEARING_REPORT = "hearing_report", "听证报告"
    # the bureau's ledgers (xinfang.ledgers)
    PROPOSAL_REPLY = "proposal_reply", "建议提案答复函"

    # figures and reports (xinfang.figures)
    ANNUAL_REPORT = "annual_report", "信访工作年度报告"
    SITUATION_REPORT = "situation_report", "信访形势通报"
    BRIEFING = "briefing", "信访工作简报"
    ASSESSMENT_NOTICE = "assessment_notice", "考核结果通报"

# 发文字号 type characters (the template may change the whole prefix).
TYPE_CODES = {
    DocType.REGISTRATION_RECEIPT: "登",
    DocType.ACCEPTANCE_NOTICE: "受",
    DocType.NON_ACCEPTANCE_NOTICE: "不受",
    DocType.NO_FURTHER_ACCEPTANCE_NOTICE: "不再受",
    DocType.FORWARDING_LETTER: "转",
    DocType.ASSIGNMENT_SHEET: "交",
    DocType.EXTENSION_NOTICE: "延",
    DocType.HANDLING_OPINION: "处",
    DocType.REVIEW_OPINION: "复查",
    DocType.RECHECK_OPINION: "复核",
    DocType.COMPLETION_REPORT: "办结",
    DocType.DELIVERY_RECEIPT: "送",
    DocType.SUPERVISION_ORDER: "督",
    DocType.BULLETIN: "通",
    DocType.RECOMMENDATION: "建",
    DocType.HEARING_NOTICE: "听通",
    DocType.HEARING_REPORT: "听报",
    DocType.PROPOSAL_REPLY: "建复",
    DocType.ANNUAL_REPORT: "报",
    DocType.SITUATION_REPORT: "情",
    DocType.BRIEFING: "简",
    DocType.ASSESSMENT_NOTICE: "考",
}

# Addressed to the petitioner (downloadable on the portal) vs. to a unit (internal).
PETITIONER_TYPES = frozenset({
    DocType.REGISTRATION_RECEIPT, DocType.ACCEPTANCE_NOTICE, DocType.NON_ACCEPTANCE_NOTICE,
    DocType.NO_FURTHER_ACCEPTANCE_NOTICE, DocType.EXTENSION_NOTICE, DocType.HANDLING_OPINION,
    DocType.REVIEW_OPINION, DocType.RECHECK_OPINION,
    # from a hearing record (no event): the 听证通知书 and 听证报告 are addressed to the petitioner too
    DocType.HEARING_NOTICE, DocType.HEARING_REPORT,
})
# Opinions whose delivery is the core ``deliver`` action (it starts the 复查/复核 request windows).
DELIVERED_BY_ACTION = frozenset({DocType.HANDLING_OPINION, DocType.REVIEW_OPINION})
# Rendered from supervision records (xinfang.supervision), not from matter events.
SUPERVISION_TYPES = frozenset({DocType.SUPERVISION_ORDER, DocType.BULLETIN, DocType.RECOMMENDATION})
# Issued by xinfang.leaders from a hearing record (``source``), on the matter but from no event.
HEARING_TYPES = frozenset({DocType.HEARING_NOTICE, DocType.HEARING_REPORT})
# Issued by xinfang.ledgers from a ledger row (``source``, no matter): the reply to a 人大建议/政协提案.
LEDGER_TYPES = frozenset({DocType.PROPOSAL_REPLY})
# Rendered from the figures app's reports and assessments (xinfang.figures): body text + tables/charts.
REPORT_TYPES = frozenset({DocType.ANNUAL_REPORT, DocType.SITUATION_REPORT, DocType.BRIEFING, DocType.ASSESSMENT_NOTICE})


class DeliveryOutcome(models.TextChoices):
    SIGNED = "signed", "已签收"
    REFUSED = "refused", "拒绝签收（留置送达）"
    NOT_APPLICABLE = "na", "无需签收"


__all__ = ["PETITIONER_TYPES", "TYPE_CODES", "DeliveryMethod", "DeliveryOutcome", "DocType"]
