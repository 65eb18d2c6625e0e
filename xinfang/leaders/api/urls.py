"""/api/v1/ routes of the leaders' side (included from xinfang/api/urls.py)."""

from django.urls import path

from . import views as v

PK = "<int:pk>"

urlpatterns = [
    path("receptions/", v.SessionListView.as_view(), name="api-receptions"),
    path("receptions/check/", v.ReceptionCheckView.as_view(), name="api-reception-check"),
    path(f"receptions/{PK}/", v.SessionDetailView.as_view(), name="api-reception"),
    path(f"receptions/{PK}/records/", v.RecordCreateView.as_view(), name="api-reception-records"),
    *[path(f"bookings/{PK}/{act}/", v.BookingActView.as_view(act=act), name=f"api-booking-{act}")
      for act in ("confirm", "reschedule", "cancel")],
    path("public/receptions/", v.PublicSessionsView.as_view(), name="api-public-receptions"),
    path(f"public/receptions/{PK}/bookings/", v.PublicBookingView.as_view(), name="api-public-booking"),
    path("matters/<str:number>/ownership/", v.OwnershipView.as_view(), name="api-matter-ownership"),
    path("cases/", v.CaseListView.as_view(), name="api-cases"),
    path(f"cases/{PK}/", v.CaseDetailView.as_view(), name="api-case"),
    path(f"cases/{PK}/progress/", v.CaseProgressView.as_view(), name="api-case-progress"),
    path(f"cases/{PK}/resolve/", v.CaseResolveView.as_view(), name="api-case-resolve"),
    path("backlog/", v.BacklogView.as_view(), name="api-backlog"),
    path("campaigns/", v.CampaignListView.as_view(), name="api-campaigns"),
    path(f"campaigns/{PK}/", v.CampaignDetailView.as_view(), name="api-campaign"),
    path(f"campaigns/{PK}/matters/", v.CampaignMattersView.as_view(), name="api-campaign-matters"),
    path("hearings/", v.HearingListView.as_view(), name="api-hearings"),
    path(f"hearings/{PK}/", v.HearingDetailView.as_view(), name="api-hearing"),
    *[path(f"hearings/{PK}/{act}/", v.HearingActView.as_view(act=act), name=f"api-hearing-{act}")
      for act in ("open", "close", "conclude")],
    path("meetings/", v.MeetingListView.as_view(), name="api-meetings"),
    path(f"meetings/{PK}/", v.MeetingDetailView.as_view(), name="api-meeting"),
    path(f"meetings/{PK}/decisions/", v.DecisionCreateView.as_view(), name="api-meeting-decisions"),
    path("tasks/", v.TaskListView.as_view(), name="api-tasks"),
    path(f"tasks/{PK}/", v.TaskDetailView.as_view(), name="api-task"),
    path(f"tasks/{PK}/report/", v.TaskReportView.as_view(), name="api-task-report"),
    path(f"tasks/{PK}/complete/", v.TaskCompleteView.as_view(), name="api-task-complete"),
]
