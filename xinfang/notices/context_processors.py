from .services import unread_count


def notices(request):
    """The unread badge in the navigation (one COUNT on an index, staff pages only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (user.roles or user.is_superuser):
        return {}
    return {"notice_unread": lambda: unread_count(user)}  # counted only where a template shows it
