from __future__ import annotations

from django.shortcuts import render


def portal_render(request, template: str, context: dict | None = None, status: int = 200):
    response = render(request, template, context or {}, status=status)
    response["Cache-Control"] = "no-store"  # pages may show a 查询码 or a matter's progress
    response["Referrer-Policy"] = "same-origin"
    return response
