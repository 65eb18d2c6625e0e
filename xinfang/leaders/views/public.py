"""Portal pages (no account): published 接访日 with free places, booking a place, the booking code."""

from __future__ import annotations

from django.shortcuts import redirect, render

from xinfang.core.errors import AppError
from xinfang.core.http import client_ip
from xinfang.portal.protection import ratelimit

from .. import selectors
from ..inputs import refuse_nul
from ..models import Booking
from ..services import receptions as svc

LIMIT, WINDOW = 20, 3600  # bookings tried per address per hour (like tracking)


def session_list(request):
    rows = [{"s": s, "free": svc.free_places(s, s.taken)} for s in selectors.public_sessions()]
    return render(request, "leaders/public/list.html", {"rows": rows})


def book(request, pk):
    session = selectors.public_sessions().filter(pk=pk).first()
    if session is None:
        return render(request, "leaders/public/closed.html", {}, status=404)
    data = {k: request.POST.get(k, "").strip() for k in ("name", "phone", "summary", "matter_number", "query_code", "website")}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        ip = client_ip(request) or "unknown"
        wait = ratelimit.wait_seconds("booking", ip, limit=LIMIT, window=WINDOW)
        if data["website"]:  # honeypot: people never see this field
            return render(request, "leaders/public/closed.html", {}, status=400)
        if wait:
            errors["form"] = f"提交过于频繁，请 {max(wait // 60, 1)} 分钟后再试。"
            status = 429
        else:
            ratelimit.hit("booking", ip, window=WINDOW)
            try:
                refuse_nul(data)
                matter = svc.proved_matter(data, ip)
                booking, _created = svc.booking_create(session_id=pk, data=data, matter=matter)
                request.session["leaders_booking"] = booking.pk
                return redirect("leaders_public:done")
            except AppError as exc:
                errors = {k: "；".join(v) for k, v in exc.fields.items()} or {"form": exc.message}
                errors.setdefault("form", exc.message)
                status = exc.http_status
    free = svc.free_places(session, session.taken)
    return render(request, "leaders/public/book.html", {"s": session, "free": free, "data": data, "errors": errors},
                  status=status)


def done(request):
    pk = request.session.get("leaders_booking")
    booking = Booking.objects.select_related("session", "session__leader").filter(pk=pk).first() if pk else None
    if booking is None:
        return redirect("leaders_public:list")
    return render(request, "leaders/public/done.html", {"b": booking})


def hearing_announcements(request):
    """§36: the outcome of public hearings (经过听证的复核意见可以依法向社会公示)."""
    rows = selectors.public_hearings()
    return render(request, "leaders/public/hearings.html", {"rows": rows})
