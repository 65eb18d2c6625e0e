from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.XINFANG_SITE_NAME, "COUNTY_NAME": settings.XINFANG_COUNTY_NAME}
