from django.urls import path, register_converter

from .views import public, staff, templates


class FormatConverter:
    regex = "pdf|docx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "fmt")

app_name = "documents"
urlpatterns = [
    path("", staff.index, name="index"),
    path("print/", staff.print_batch, name="print"),
    path("templates/", templates.template_list, name="templates"),
    path("templates/<str:doc_type>/", templates.template_edit, name="template_edit"),
    path("templates/<str:doc_type>/preview/", templates.template_preview, name="template_preview"),
    path("templates/v/<int:template_id>/activate/", templates.template_activate, name="template_activate"),
    path("d/<int:doc_id>/", staff.detail, name="detail"),
    path("d/<int:doc_id>/<fmt:fmt>/", staff.download, name="download"),
    path("d/<int:doc_id>/deliveries/", staff.deliver, name="deliver"),
    path("public/<int:doc_id>/<fmt:fmt>/", public.portal_download, name="public"),
    path("<str:number>/", staff.matter_documents, name="matter"),
]
