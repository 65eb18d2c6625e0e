from django.urls import path

from .views import audit, auth, batch, exports, home, lists, manage, matter, register, routing, writing

app_name = "workbench"

N = "<str:number>"

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("login/challenge/<str:nonce>.png", auth.challenge_image, name="login-challenge"),
    path("", home.home_view, name="home"),
    # registration
    path("register/", register.register_index, name="register-index"),
    path("register/check-id/", register.check_id, name="register-check-id"),
    path("register/lookup-phone/", register.lookup_phone, name="register-lookup-phone"),
    path("register/duplicates/", register.duplicates_panel, name="register-duplicates"),
    path("register/person-row/", register.person_row, name="register-person-row"),
    path("register/<slug:page>/", register.register_form, name="register"),
    # matters
    path("matters/", lists.matter_list_view, name="matters"),
    path(f"matters/{N}/", matter.matter_detail, name="matter"),
    path(f"matters/{N}/reveal/", matter.matter_reveal, name="matter-reveal"),
    path(f"matters/{N}/print/", matter.matter_print, name="matter-print"),
    path(f"matters/{N}/act/<str:action>/", matter.matter_act, name="matter-act"),
    path(f"matters/{N}/write/<str:action>/", writing.opinion_editor, name="opinion-editor"),
    path(f"matters/{N}/write/<str:action>/preview/", writing.opinion_preview, name="opinion-preview"),
    path(f"matters/{N}/suggest/", routing.matter_suggest, name="matter-suggest"),
    path(f"matters/{N}/attachments/<int:pk>/", matter.attachment_download, name="attachment"),
    path(f"matters/{N}/attachments/<int:pk>/visibility/", matter.attachment_visibility, name="attachment_visibility"),
    # exports
    path("exports/", exports.export_list, name="exports"),
    path("exports/<uuid:pk>/", exports.export_detail, name="export"),
    path("exports/<uuid:pk>/download/", exports.export_download, name="export-download"),
    # batch work
    path("batch/", batch.batch_index, name="batch"),
    path("batch/forward/", batch.batch_forward, name="batch-forward"),
    path("batch/accept/", batch.batch_accept, name="batch-accept"),
    # the auditor's screen
    path("audit/", audit.audit_view, name="audit"),
    # administration
    path("manage/", manage.manage_index, name="manage"),
    path("manage/units/", manage.unit_list, name="manage-units"),
    path("manage/units/new/", manage.unit_edit, name="manage-unit-new"),
    path("manage/units/<str:code>/", manage.unit_edit, name="manage-unit"),
    path("manage/users/", manage.user_list, name="manage-users"),
    path("manage/users/new/", manage.user_edit, name="manage-user-new"),
    path("manage/users/<int:pk>/", manage.user_edit, name="manage-user"),
    path("manage/categories/", manage.category_list, name="manage-categories"),
    path("manage/categories/new/", manage.category_edit, name="manage-category-new"),
    path("manage/categories/<str:code>/", manage.category_edit, name="manage-category"),
    path("manage/calendar/", manage.calendar_view, name="manage-calendar"),
    path("manage/calendar/<str:date>/delete/", manage.calendar_delete, name="manage-calendar-delete"),
    path("manage/rules/", manage.rules_view, name="manage-rules"),
    path("manage/changes/", manage.change_list, name="manage-changes"),
]
