"""The default wording of the reports, written from the figures snapshot (then edited by hand)."""

from __future__ import annotations

DEFAULT_TITLES = {
    "annual": "关于{county}{year}年度信访工作情况的报告",
    "monthly": "关于{period}全县信访形势的通报",
    "briefing": "信访工作简报（{period}）",
}
WORK_PLACEHOLDER = "（请在此填写本年度信访工作开展情况、存在的问题和下一步工作打算。）"
RATE_LABELS = (("timely_acceptance", "及时受理率"), ("on_time_completion", "按期办结率"),
               ("participation", "参评率"), ("satisfaction", "满意率"))
SUPERVISION_ORDER = ("reminder", "urge", "order", "listed", "talk", "bulletin")


def pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def trend(value, name: str) -> str:
    if value is None:
        return f"{name}无可比数据"
    if value == 0:
        return f"{name}持平"
    return f"{name}{'上升' if value > 0 else '下降'}{abs(value) * 100:.1f}%"


def _h(data: dict) -> dict:
    return {r["key"]: r for r in data["headline"]["rows"]}


def _top(rows: list[dict], n: int = 3) -> str:
    rows = [r for r in rows if r["petitions"]][:n]
    return "、".join(f"{r['label']}（{r['petitions']}件）" for r in rows) or "无"


def volume_sentence(data: dict, when: str) -> str:
    h = _h(data)
    shares = data["headline"]["shares"]
    backlog = data["headline"]["backlog"]
    change = backlog["change"]
    moved = "持平" if change == 0 else f"{'增加' if change > 0 else '减少'}{abs(change)}件"
    compared = trend(h["petitions"]["vs_last_year"], "同比")
    if data["headline"]["previous"] != data["headline"]["last_year"]:  # a whole year: 上期 is last year
        compared += "，" + trend(h["petitions"]["vs_previous"], "环比")
    return (f"{when}，全县共收到信访件{h['petitions']['value']}件，{compared}；涉及信访事项{h['matters']['value']}件。"
            f"其中来访{h['visits']['value']}批{h['visit_persons']['value']}人次，集体访{h['collective']['value']}批"
            f"{h['collective_persons']['value']}人次；网上信访{h['online']['value']}件，占{pct(shares['online_share'])}；"
            f"重复件{h['repeats']['value']}件，占{pct(shares['repeat_share'])}；越级信访事项{h['skip_level']['value']}件，"
            f"占{pct(shares['skip_level_share'])}。期末积案{backlog['count']}件，较期初{moved}。")


def rates_sentence(data: dict) -> str:
    parts = []
    for key, label in RATE_LABELS:
        f = data["rates"].get(key) or {}
        if f.get("denominator"):
            parts.append(f"{label}{pct(f['rate'])}（{f['numerator']}/{f['denominator']}）")
    return "，".join(parts) if parts else "本期无到期的受理、办结时限和评价"


def write_body(kind: str, data: dict, when: str, county: str) -> str:
    if kind == "annual":
        return annual_body(data, when, county)
    lines = [volume_sentence(data, when), "[[表1]]"]
    if "图1" in _charts(data):
        lines.append("[[图1]]")
    lines += [f"从内容分类看，信访件较多的领域是{_top(data['by_category'])}。", "[[表2]]"]
    lines += [f"从问题属地看，信访件较多的乡镇（街道）是{_top(data['by_region'])}。", "[[表3]]"]
    lines.append(f"办理质效：{rates_sentence(data)}。")
    alerts = data.get("alerts") or []
    if alerts:
        lines.append(f"需要关注的情况（预警{len(alerts)}条）：")
        lines += [f"{i}．{a['explanation']}" for i, a in enumerate(alerts[:8], 1)]
    else:
        lines.append("本期末未发现突增、集体访聚集、重复信访或越级上升的预警情况。")
    if kind == "monthly":
        lines.append("请各乡镇（街道）、各有关单位对照本通报，及时就地化解信访问题，超期事项立即依法办理。")
    return "\n".join(lines)


def _charts(data: dict) -> set[str]:
    out = set()
    if data.get("trend") or data.get("by_month"):
        out.add("图1")
    if data.get("by_category"):
        out.add("图2")
    return out


def annual_body(data: dict, when: str, county: str) -> str:
    hd = data["handling"]
    sup = {r["kind"]: r for r in hd["supervision"]}
    sup_text = "、".join(f"{sup[k]['label']}{sup[k]['count']}件" for k in SUPERVISION_ORDER if k in sup and sup[k]["count"])
    recs = data["recommendations"]["rows"]
    made = sum(r["made"] for r in recs)
    answered = sum(r["answered"] for r in recs)
    adopted = sum(r["adopted"] for r in recs)
    partial = sum(r["partial"] for r in recs)
    by_kind = "、".join(f"{r['label']}{r['made']}件" for r in recs if r["made"]) or "无"
    accused = data.get("accused") or []
    accused_text = ("、".join(f"{a['name']}（{a['count']}件）" for a in accused[:5])
                    if accused else "本年度登记的信访事项中未标注被反映单位")
    charts = _charts(data)
    lines = [
        f"根据《信访工作条例》第四十一条的规定，现将{county}{when}信访工作情况报告如下。",
        "一、信访事项的数据统计",
        volume_sentence(data, when),
        "[[表1]]",
        *(["[[图1]]"] if "图1" in charts else []),
        f"从信访目的看，{_top(data['by_purpose'])}居多。",
        "[[表4]]",
        "二、信访事项涉及的领域以及被投诉较多的机关、单位",
        f"从内容分类看，信访件较多的领域是{_top(data['by_category'])}。",
        "[[表2]]",
        *(["[[图2]]"] if "图2" in charts else []),
        f"从问题属地看，信访件较多的乡镇（街道）是{_top(data['by_region'])}。",
        "[[表3]]",
        f"被反映较多的机关、单位：{accused_text}。",
        "[[表5]]",
        "三、转送、交办、督办情况",
        (f"全年向有权处理机关转送信访事项{hd['forward']}件次、交办{hd['assign']}件次，有关单位异议退回"
         f"{hd['object']}件次。办理质效：{rates_sentence(data)}。"),
        (f"全年开展督查督办{hd['supervision_total']}件次" + (f"，其中{sup_text}" if sup_text else "") + "。"),
        "四、提出改进工作、完善政策、追究责任建议及采纳情况",
        (f"全年提出建议{made}件（{by_kind}），已书面反馈{answered}件，其中采纳{adopted}件、部分采纳{partial}件。"),
        "[[表6]]",
        "五、本年度主要工作",
        WORK_PLACEHOLDER,
        "六、其他应当报告的事项",
        "无。",
    ]
    return "\n".join(lines)
