from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import AnonRateThrottle

from xinfang.matters.api.views import ACTION_VIEWS, MatterDetailView, MatterListCreateView, MatterPetitionView
from xinfang.org.api.views import CategoryViewSet, RegionViewSet, UnitViewSet, UserViewSet


class TokenThrottle(AnonRateThrottle):
    scope = "token"


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}; send it as ``Authorization: Token <token>``."""

    throttle_classes = [TokenThrottle]


router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("users", UserViewSet, basename="user")
router.register("regions", RegionViewSet, basename="region")
router.register("categories", CategoryViewSet, basename="category")

NUMBER = "<str:number>"

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("matters/", MatterListCreateView.as_view(), name="api-matters"),
    path(f"matters/{NUMBER}/", MatterDetailView.as_view(), name="api-matter"),
    path(f"matters/{NUMBER}/petitions/", MatterPetitionView.as_view(), name="api-matter-petitions"),
    path(f"matters/{NUMBER}/documents/", include("xinfang.documents.api_urls")),
    *[path(f"matters/{NUMBER}/{action}/", view, name=f"api-matter-{action}") for action, view in ACTION_VIEWS.items()],
    path("public/", include("xinfang.portal.api_urls")),
    path("stats/", include("xinfang.supervision.api_urls")),
    path("", include(router.urls)),
    path("", include("xinfang.ledgers.api_urls")),
]
