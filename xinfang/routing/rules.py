"""Routing rules that always apply, whatever the model says (《信访工作条例》第二十二条、第三十条).

They are settings (``XINFANG_ROUTING_RULES``), not code: a deployment names its own 政法委 and
纪委监委 unit codes and keywords. A rule fires when one of its flags is set on the input, its
purpose matches, or one of its keywords occurs in the title or content.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

DEFAULT_RULES: list[dict] = [
    {
        "unit": "ZFW",
        "flags": ["is_law_related"],
        "keywords": ["法院", "判决", "裁定", "检察院", "公安机关", "派出所", "立案", "诉讼", "执行案件", "申诉", "再审"],
        "reason": "涉法涉诉事项转送同级政法部门依法处理（《信访工作条例》第二十二条）",
    },
    {
        "unit": "JW",
        "purposes": ["accusation"],
        "keywords": ["贪污", "受贿", "腐败", "违纪", "吃拿卡要", "挪用公款", "滥用职权", "以权谋私", "公款吃喝"],
        "reason": "检举控告公职人员的事项转送纪检监察机关依规依纪依法处理（第二十二条、第三十条）",
    },
]


@dataclass(frozen=True)
class RuleHit:
    unit: str
    reason: str
    matched: str  # what made it fire, in Chinese


def configured_rules() -> list[dict]:
    return getattr(settings, "XINFANG_ROUTING_RULES", None) or DEFAULT_RULES


def apply_rules(*, title: str, content: str, purpose: str = "", flags: frozenset[str] = frozenset()) -> list[RuleHit]:
    text = f"{title}\n{content}"
    hits: list[RuleHit] = []
    for rule in configured_rules():
        matched = ""
        flag = next((f for f in rule.get("flags", ()) if f in flags), "")
        if flag:
            matched = f"标记：{flag}"
        elif purpose and purpose in rule.get("purposes", ()):
            matched = f"信访目的：{purpose}"
        else:
            word = next((w for w in rule.get("keywords", ()) if w in text), "")
            if word:
                matched = f"关键词：{word}"
        if matched and all(h.unit != rule["unit"] for h in hits):
            hits.append(RuleHit(unit=rule["unit"], reason=rule["reason"], matched=matched))
    return hits
