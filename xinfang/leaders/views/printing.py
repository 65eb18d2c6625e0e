"""Downloads of the reception register and the meeting minutes (logged as exports)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpResponse

from xinfang.core.http import client_ip
from xinfang.core.models import AccessLog, log_access

from .. import printing, selectors
from .common import leaders_page


def _file(request, content, fmt: str, name: str, object_type: str, ref: str):
    if fmt not in ("pdf", "docx"):
        raise Http404
    data, content_type = printing.render(content, fmt)
    log_access(user=request.user, kind=AccessLog.Kind.EXPORT, object_type=object_type, object_ref=ref,
               detail={"format": fmt}, ip=client_ip(request))
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{name}-{printing.stamp()}.{fmt}', safe='')}"
    response["Cache-Control"] = "no-store"
    return response


@leaders_page(who="reader")
def session_register(request, pk, fmt):
    session = selectors.session_detail(request.user, pk)
    return _file(request, printing.register_content(session), fmt, f"领导接访登记表-{session.date}", "reception_session", str(pk))


@leaders_page(who="reader")
def meeting_minutes(request, pk, fmt):
    meeting = selectors.meetings(request.user, {}).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return _file(request, printing.minutes_content(meeting), fmt, f"会议纪要-{meeting.date}", "meeting", str(pk))
