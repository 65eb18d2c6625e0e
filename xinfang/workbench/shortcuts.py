"""The workbench's keyboard shortcuts, in one list: the `?` overlay shows it, a test checks the pages
bind no key twice. Access keys are pressed with Alt (Chromium, Edge, Firefox on Windows and Linux)."""

from __future__ import annotations

from .forms.registration import CHANNEL_PAGES

SHORTCUTS: list[tuple[str, str, str]] = [
    ("Alt+N", "新登记（导航栏“登记”）", "所有页面"),
    ("Alt+F", "跳到全文检索框（输入事项编号回车直接打开）", "所有页面"),
    *[(f"Alt+{page['key']}", page["label"], "首页、登记页") for page in CHANNEL_PAGES.values()],
    ("Alt+S", "保存登记", "登记页"),
    ("Ctrl+Enter", "在多行文本框中提交登记", "登记页"),
    ("?", "显示或隐藏本快捷键列表", "所有页面（光标不在输入框时）"),
    ("Esc", "关闭本列表", "所有页面"),
]
