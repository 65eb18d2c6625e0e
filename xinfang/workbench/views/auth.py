"""Sign-in and sign-out. Lockout after repeated failures is django-axes (settings: AXES_*)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续多次错误将暂时锁定账号。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["username"].widget.attrs.update({"autofocus": True, "autocomplete": "username"})
        self.fields["password"].label = "密码"
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})


class LoginView(auth_views.LoginView):
    template_name = "workbench/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): the header's 退出 button posts here."""


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page with a Chinese lockout message (HTTP 429)."""
    minutes = int(float(settings.AXES_COOLOFF_TIME or 0) * 60)
    message = (
        f"登录失败次数过多，该账号已被暂时锁定，请 {minutes} 分钟后再试，或联系系统管理员解锁。"
        if minutes else "登录失败次数过多，该账号已被锁定，请联系系统管理员解锁。"
    )
    form = LoginForm(request)
    return render(request, "workbench/login.html", {"form": form, "lockout": message}, status=429)
