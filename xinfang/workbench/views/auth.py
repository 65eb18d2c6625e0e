"""Sign-in and sign-out. Lockout after repeated failures is django-axes (settings: AXES_*)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import login_guard

CHALLENGE_MESSAGE = "该账号近期在多处登录失败次数较多，为保护账号，请同时填写验证图片中算式的结果。"


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
        self.challenge = ""  # the nonce of the challenge to show, when one is required

    def clean(self):
        """As AuthenticationForm.clean, plus the image challenge at the username ceiling
        (login_guard): without the right answer the password is not checked at all."""
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        passed = False
        if login_guard.challenge_required(username):
            passed = login_guard.check_challenge(self.data.get("challenge"), self.data.get("challenge_answer"))
            if not passed:
                self.challenge = login_guard.new_challenge()
                raise forms.ValidationError(CHALLENGE_MESSAGE, code="challenge")
        self.user_cache = authenticate(self.request, username=username, password=password,
                                       login_challenge_passed=passed)
        if self.user_cache is None:
            if login_guard.challenge_required(username):
                self.challenge = login_guard.new_challenge()
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


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


@require_GET
def challenge_image(request, nonce):
    """The login challenge's sum as an image (the answer never leaves the server)."""
    png = login_guard.challenge_png(nonce)
    if png is None:
        raise Http404("验证图片已过期，请刷新页面。")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response
