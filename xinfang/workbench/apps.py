from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "xinfang.workbench"
    label = "workbench"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import login_guard

        user_login_failed.connect(login_guard.on_login_failed, dispatch_uid="xinfang-login-ceiling-failed")
        user_logged_in.connect(login_guard.on_logged_in, dispatch_uid="xinfang-login-ceiling-reset")
