"""The ledgers' API routes, included at the end of /api/v1/ (api-v1.md "The bureau's ledgers")."""

from django.urls import path

from .api import views as v

urlpatterns = [
    path("matters/<str:number>/adopt/", v.AdoptView.as_view(), name="api-adopt"),
    path("matters/<str:number>/adopt/reward/", v.RewardView.as_view(), name="api-adopt-reward"),
    path("matters/<str:number>/adopt/publish/", v.PublishSuggestionView.as_view(), name="api-adopt-publish"),
    path("stats/suggestions/", v.SuggestionStatsView.as_view(), name="api-stats-suggestions"),
    path("proposals/", v.ProposalListView.as_view(), name="api-proposals"),
    path("proposals/<int:pk>/", v.ProposalDetailView.as_view(), name="api-proposal"),
    path("proposals/<int:pk>/reply/", v.ProposalReplyView.as_view(), name="api-proposal-reply"),
    path("proposals/<int:pk>/feedback/", v.ProposalFeedbackView.as_view(), name="api-proposal-feedback"),
    path("risks/", v.RiskListView.as_view(), name="api-risks"),
    path("risks/reports/", v.RiskReportView.as_view(), name="api-risk-reports"),
    path("risks/import/", v.RiskImportView.as_view(), name="api-risk-import"),
    path("risks/<int:pk>/", v.RiskDetailView.as_view(), name="api-risk"),
    path("risks/<int:pk>/resolve/", v.RiskResolveView.as_view(), name="api-risk-resolve"),
    path("risks/<int:pk>/matters/", v.RiskMattersView.as_view(), name="api-risk-matters"),
    path("risks/<int:pk>/matters/<str:number>/", v.RiskMatterView.as_view(), name="api-risk-matter"),
    path("fund/allocations/", v.AllocationView.as_view(), name="api-fund-allocations"),
    path("fund/grants/", v.GrantListView.as_view(), name="api-fund-grants"),
    path("fund/grants/<int:pk>/", v.GrantDetailView.as_view(), name="api-fund-grant"),
    path("fund/grants/<int:pk>/approve/", v.GrantApproveView.as_view(), name="api-fund-approve"),
    path("fund/grants/<int:pk>/reject/", v.GrantRejectView.as_view(), name="api-fund-reject"),
    path("fund/grants/<int:pk>/pay/", v.GrantPayView.as_view(), name="api-fund-pay"),
    path("fund/grants/<int:pk>/withdraw/", v.GrantWithdrawView.as_view(), name="api-fund-withdraw"),
    path("fund/balance/", v.BalanceView.as_view(), name="api-fund-balance"),
    path("library/", v.LibraryListView.as_view(), name="api-library"),
    path("library/<int:pk>/", v.LibraryDetailView.as_view(), name="api-library-item"),
    path("library/<int:pk>/comments/", v.LibraryCommentView.as_view(), name="api-library-comments"),
    path("library/<int:pk>/publish/", v.LibraryPublishView.as_view(), name="api-library-publish"),
    path("publicity/", v.PublicityView.as_view(), name="api-publicity"),
    path("trainings/", v.TrainingView.as_view(), name="api-trainings"),
    path("trainings/hours/", v.TrainingHoursView.as_view(), name="api-training-hours"),
]
