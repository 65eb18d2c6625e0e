from django.urls import path

from .views import public

app_name = "ledgers_public"

urlpatterns = [
    path("library/", public.library, name="library"),
    path("library/<int:pk>/", public.library_item, name="library_item"),
    path("suggestions/", public.suggestions, name="suggestions"),
]
