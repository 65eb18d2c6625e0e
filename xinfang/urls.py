from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("xinfang.api.urls")),
    path("django-admin/", admin.site.urls),
    path("public/open/", include("xinfang.ledgers.public_urls")),
    path("public/", include("xinfang.portal.urls")),
    path("supervision/", include("xinfang.supervision.urls")),
    path("documents/", include("xinfang.documents.urls")),
    path("notices/", include("xinfang.notices.urls")),
    path("ledgers/", include("xinfang.ledgers.urls")),
    path("", include("xinfang.tokens.urls")),
    path("figures/", include("xinfang.figures.urls")),
    path("", include("xinfang.workbench.urls")),
]

handler404 = "xinfang.core.views.page_not_found"
handler500 = "xinfang.core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
