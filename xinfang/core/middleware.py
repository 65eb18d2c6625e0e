"""``Cache-Control: no-store`` on every dynamic answer (docs/security.md).

Every page of the workbench, every authenticated API answer and the portal's tracking pages can
carry personal data, and the rest is cheap to render: so nothing the application renders may be
kept by a browser or a shared proxy. Static files (CSS, JS, fonts) are answered earlier by WhiteNoise
and keep their long cache lifetime. A view that sets ``Cache-Control: public`` for an anonymous
visitor keeps it.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        cache_control = response.get("Cache-Control", "")
        if "no-store" in cache_control:
            return response  # the view said so already
        if "public" in cache_control and not (user is not None and user.is_authenticated):
            return response
        add_never_cache_headers(response)  # Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private
        return response
