from django.urls import path

from .views import fund, library, proposals, risks, suggestions

app_name = "ledgers"

urlpatterns = [
    path("", suggestions.index, name="index"),
    path("suggestions/", suggestions.suggestion_list, name="suggestions"),
    path("suggestions/<str:number>/adopt/", suggestions.adopt, name="adopt"),
    path("suggestions/<str:number>/reward/", suggestions.reward, name="reward"),
    path("suggestions/<str:number>/publish/", suggestions.publish, name="publish"),
    path("proposals/", proposals.proposal_list, name="proposals"),
    path("proposals/new/", proposals.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/reply/", proposals.proposal_reply, name="proposal_reply"),
    path("proposals/<int:pk>/feedback/", proposals.proposal_feedback, name="proposal_feedback"),
    path("risks/", risks.risk_list, name="risks"),
    path("risks/new/", risks.risk_new, name="risk_new"),
    path("risks/reports/", risks.risk_reports, name="risk_reports"),
    path("risks/import/", risks.risk_import, name="risk_import"),
    path("risks/<int:pk>/", risks.risk_detail, name="risk"),
    path("risks/<int:pk>/resolve/", risks.risk_resolve, name="risk_resolve"),
    path("fund/", fund.fund_home, name="fund"),
    path("fund/allocations/new/", fund.allocation_new, name="allocation_new"),
    path("fund/grants/new/", fund.grant_new, name="grant_new"),
    path("fund/grants/<int:pk>/", fund.grant_detail, name="grant"),
    path("fund/grants/<int:pk>/approve/", fund.grant_approve, name="grant_approve"),
    path("fund/grants/<int:pk>/reject/", fund.grant_reject, name="grant_reject"),
    path("fund/grants/<int:pk>/pay/", fund.grant_pay, name="grant_pay"),
    path("fund/grants/<int:pk>/files/<int:file_id>/", fund.grant_file, name="grant_file"),
    path("library/", library.library_list, name="library"),
    path("library/new/", library.library_new, name="library_new"),
    path("library/<int:pk>/", library.library_item, name="library_item"),
    path("library/<int:pk>/edit/", library.library_edit, name="library_edit"),
    path("library/<int:pk>/comment/", library.library_comment, name="library_comment"),
    path("library/<int:pk>/publish/", library.library_publish, name="library_publish"),
    path("publicity/", library.publicity_list, name="publicity"),
    path("publicity/new/", library.publicity_new, name="publicity_new"),
    path("trainings/", library.training_list, name="trainings"),
    path("trainings/new/", library.training_new, name="training_new"),
    path("trainings/<int:pk>/", library.training_detail, name="training"),
]
