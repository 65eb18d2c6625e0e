"""The workbench's keyboard shortcuts, in one list: the `?` overlay shows it, a test checks the pages
bind no key twice. Access keys are pressed with Alt (Chromium, Edge, Firefox on Windows and Linux)."""

from __future__ import annotations

from .forms.registration import CHANNEL_PAGES

SHORTCUTS: list[tuple[str, str, str]] = [
    ("Alt+N", "新登记（导航栏“登记”）", "所有页面"),
    ("Alt+F", "跳到查找框（事项编号、信访件编号、查询码回车直接打开；电话、证件号、姓名、全文列出事项）", "所有页面"),
    *[(f"Alt+{page['key']}", page["label"], "首页、登记页") for page in CHANNEL_PAGES.values()],
    ("Alt+S", "保存登记", "登记页"),
    ("Alt+A", "信访人表格：添加一人（光标到新行的姓名）", "登记页"),
    ("Alt+Delete", "信访人表格：删除光标所在的一行", "登记页"),
    ("↑ ↓ Enter Esc", "选择框（分类、属地、单位）：输入名称或代码筛选，方向键移动，回车选中，Esc 收起", "登记、转送交办、列表筛选"),
    ("Ctrl+Enter", "在多行文本框中提交登记", "登记页"),
    ("?", "显示或隐藏本快捷键列表", "所有页面（光标不在输入框时）"),
    ("Esc", "关闭本列表", "所有页面"),
]
