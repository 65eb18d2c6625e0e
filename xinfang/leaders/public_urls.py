app_name = "leaders_public"
urlpatterns: list = []
