from django.urls import path

from .views import pages, staff, submit, track

app_name = "portal"

urlpatterns = [
    path("", pages.home, name="home"),
    path("guide/", pages.guide, name="guide"),
    path("contact/", pages.contact, name="contact"),
    path("privacy/", pages.privacy, name="privacy"),
    path("reception/", pages.reception, name="reception"),
    path("submit/", submit.submit_petition, name="submit"),
    path("submit/done/", submit.submit_done, name="submit_done"),
    path("suggest/", submit.submit_suggestion, name="suggest"),
    path("track/", track.track, name="track"),
    path("track/recover/", track.recover, name="recover"),
    path("matter/<str:number>/", track.matter, name="matter"),
    path("matter/<str:number>/evaluate/<str:target>/", track.evaluate, name="evaluate"),
    path("matter/<str:number>/appeal/", track.appeal, name="appeal"),
    path("matter/<str:number>/remind/", track.remind, name="remind"),
    path("matter/<str:number>/material/", track.material, name="material"),
    path("matter/<str:number>/attachments/<int:pk>/", track.attachment, name="attachment"),
    path("matter/<str:number>/notices/<int:seq>/<str:notice_type>/", track.notice, name="notice"),
    path("matter/<str:number>/notices/<int:seq>/<str:notice_type>/<str:fmt>/", track.notice, name="notice_format"),
    path("matter/<str:number>/papers/<int:doc_id>/", track.paper, name="paper"),
    path("matter/<str:number>/papers/<int:doc_id>/<str:fmt>/", track.paper, name="paper_format"),
    path("matter/<str:number>/signout/", track.signout, name="signout"),
    path("staff/reception/", staff.reception_list, name="staff_reception"),
    path("staff/reception/new/", staff.reception_edit, name="staff_reception_new"),
    path("staff/reception/<int:pk>/", staff.reception_edit, name="staff_reception_edit"),
    path("staff/reception/<int:pk>/delete/", staff.reception_delete, name="staff_reception_delete"),
]
