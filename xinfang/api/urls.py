from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from xinfang.matters.api.views import (
    ACTION_VIEWS,
    MatterAttachmentView,
    MatterDetailView,
    MatterListCreateView,
    MatterPetitionView,
)
from xinfang.org.api.views import CategoryViewSet, RegionViewSet, UnitViewSet, UserViewSet
from xinfang.routing.api import SuggestView
from xinfang.tokens import api as token_api

router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("users", UserViewSet, basename="user")
router.register("regions", RegionViewSet, basename="region")
router.register("categories", CategoryViewSet, basename="category")

NUMBER = "<str:number>"

# The API documentation pages (Swagger UI, Redoc) put <style> elements into the page: only they may.
# Swagger's start-up script is served as a file (the split view), so no page runs inline script.
DOCS_CSP = {"style-src-elem": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}

urlpatterns = [
    path("auth/token/", token_api.ObtainTokenView.as_view(), name="api-token"),
    path("auth/logout/", token_api.LogoutView.as_view(), name="api-logout"),
    path("auth/tokens/", token_api.TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/", token_api.TokenRevokeView.as_view(), name="api-token-revoke"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", csp_update(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("redoc/", csp_update(DOCS_CSP)(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("matters/", MatterListCreateView.as_view(), name="api-matters"),
    path(f"matters/{NUMBER}/", MatterDetailView.as_view(), name="api-matter"),
    path(f"matters/{NUMBER}/petitions/", MatterPetitionView.as_view(), name="api-matter-petitions"),
    path(f"matters/{NUMBER}/attachments/<int:pk>/", MatterAttachmentView.as_view(), name="api-matter-attachment"),
    path(f"matters/{NUMBER}/documents/", include("xinfang.documents.api_urls")),
    *[path(f"matters/{NUMBER}/{action}/", view, name=f"api-matter-{action}") for action, view in ACTION_VIEWS.items()],
    path("public/", include("xinfang.portal.api_urls")),
    path("stats/", include("xinfang.supervision.api_urls")),
    path("suggest/", SuggestView.as_view(), name="api-suggest"),
    path("", include("xinfang.leaders.api.urls")),
    path("", include("xinfang.figures.api_urls")),
    path("", include(router.urls)),
    path("", include("xinfang.ledgers.api_urls")),
]
