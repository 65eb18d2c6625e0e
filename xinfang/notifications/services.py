"""Creating and sending notifications (an outbox).

* ``create_for_event`` — called in the act's transaction (the in-transaction hook): one row per
  recipient and channel, committed with the act.
* ``send_notification`` — claims one queued row and sends it; on failure schedules a retry with
  exponential backoff, until ``XINFANG_NOTIFY_MAX_ATTEMPTS`` (then ``failed``).
* ``send_pending_notifications`` — sends every row that is due (management command, Celery beat,
  and the deadline engine call it). Rows stuck in ``sending`` (a crashed worker) are re-queued.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from xinfang.core import background
from xinfang.core.validation import is_mobile
from xinfang.matters.models import Event, Matter, Petition
from xinfang.matters.services.numbering import format_query_code

from . import messages
from .models import Channel, Notification, Status, TemplateKey
from .senders import OutgoingMessage, SendError, email_enabled, get_sender, sms_enabled

log = logging.getLogger("xinfang.notifications")

STALE_SENDING = dt.timedelta(minutes=10)


def _max_attempts() -> int:
    return int(getattr(settings, "XINFANG_NOTIFY_MAX_ATTEMPTS", 5))


def _retry_base() -> int:
    return int(getattr(settings, "XINFANG_NOTIFY_RETRY_BASE_SECONDS", 60))


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: base, 2×base, 4×base … capped at 6 hours."""
    return dt.timedelta(seconds=min(_retry_base() * 2 ** max(attempts - 1, 0), 6 * 3600))


def recipients(matter: Matter, petition_number: str = "") -> list[tuple[str, str, Petition]]:
    """(channel, address, petition) for every petitioner who can be told; one row per address.

    The petition gives the 查询码 sent: for registration acts only that petition's persons are
    told; for later acts every petitioner of the matter, with the first petition they are on.
    """
    if matter.is_anonymous:
        return []
    held = getattr(matter, "_prefetched_objects_cache", {}).get("petitions")
    if held is not None:  # the rows the registration just wrote, with their person links: no query (issue 14)
        petitions = sorted(held, key=lambda p: (p.received_at, p.pk or 0))
        if petition_number:
            petitions = [p for p in petitions if p.number == petition_number]
    else:
        petitions = matter.petitions.order_by("received_at", "id").prefetch_related("person_links__petitioner")
        if petition_number:
            petitions = petitions.filter(number=petition_number)
    use_sms, use_email = sms_enabled(), email_enabled()
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[str, str, Petition]] = []
    for petition in petitions:
        for link in petition.person_links.all():
            person = link.petitioner
            candidates = []
            if use_sms and person.phone and is_mobile(person.phone):
                candidates.append((Channel.SMS.value, person.phone))
            if use_email and person.email:
                candidates.append((Channel.EMAIL.value, person.email.strip().lower()))
            for key in candidates:
                if key not in seen:
                    seen.add(key)
                    rows.append((key[0], key[1], petition))
    return rows


def create_for_event(event: Event, matter: Matter, *, fresh: bool = False) -> list[Notification]:
    """Queue the notices this act produces (idempotent per event, channel and recipient).

    ``fresh``: the event was written in this very transaction (the in-transaction hook), so no
    notice of it can exist yet and the rows are inserted without a savepoint each; re-runs of a
    committed event (``fresh=False``) skip the rows already queued."""
    composition = messages.compose(event, matter)
    if composition is None:
        return []
    created = []
    now = timezone.now()
    for channel, address, petition in recipients(matter, composition.petition_number):
        text = messages.render(composition.template_key, composition.params, petition.query_code)
        row = dict(matter=matter, event=event, petition=petition, channel=channel, recipient=address,
                   template_key=composition.template_key, text=text, params=composition.params,
                   status=Status.QUEUED, next_attempt_at=now)
        if fresh:
            created.append(Notification.objects.create(**row))
            continue
        try:
            with transaction.atomic():
                created.append(Notification.objects.create(**row))
        except IntegrityError:
            continue  # already queued for this act (a re-run hook)
    return created


def queue_message(*, key: str, recipient: str, template_key: str, params: dict, code: str,
                  channel: str = Channel.SMS, matter: Matter | None = None) -> Notification | None:
    """Queue a message that no matter event produces (a reception booking), in the caller's transaction:
    one outbox row per ``key`` and channel (a repeat returns the first), sent after commit like the
    events' notices and retried by the runner. None when the channel is off or the address unusable."""
    if channel == Channel.SMS and (not sms_enabled() or not is_mobile(recipient)):
        return None
    if channel == Channel.EMAIL and not email_enabled():
        return None
    text = messages.render(template_key, params, code)
    row = Notification.objects.filter(key=key, channel=channel).first()
    if row is None:
        try:
            with transaction.atomic():
                row = Notification.objects.create(
                    matter=matter, key=key[:80], channel=channel, recipient=recipient, template_key=template_key,
                    text=text, params={**params, "code": code}, status=Status.QUEUED, next_attempt_at=timezone.now())
        except IntegrityError:  # queued by a concurrent repeat
            row = Notification.objects.get(key=key, channel=channel)
        send_soon([row.pk])
    return row


def send_soon(ids) -> None:
    """Send these queued rows right after the current transaction commits, off the request
    (xinfang/core/background.py), unless queue-only mode; the runner retries what fails."""
    if ids and getattr(settings, "XINFANG_NOTIFY_SEND_IMMEDIATELY", True):
        background.after_commit("send", tuple(sorted(ids)))


@background.job("send")
def send_queued(ids) -> int:
    """The after-commit job: send the rows among ``ids`` that are still queued. Never raises."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=list(ids), status=Status.QUEUED).select_related(
            "petition").order_by("pk"):
        try:
            send_notification(notification)
            sent += 1
        except Exception:  # never let a sending problem escape; the row stays queued for the runner
            log.exception("sending notification %s failed; it stays queued", notification.pk)
    return sent


def _claim(notification: Notification) -> bool:
    """Queued → sending, by one conditional UPDATE. The copy in hand is trusted when its status and
    attempts still match the row (no re-read, the petition stays attached: issue 14); otherwise the
    row is read again and claimed from what it holds."""
    now = timezone.now()
    if notification.status == Status.QUEUED:
        claimed = Notification.objects.filter(
            pk=notification.pk, status=Status.QUEUED, attempts=notification.attempts
        ).update(status=Status.SENDING, attempts=F("attempts") + 1, updated_at=now)
        if claimed:
            notification.status, notification.attempts, notification.updated_at = (
                Status.SENDING, notification.attempts + 1, now)
            return True
    claimed = Notification.objects.filter(pk=notification.pk, status=Status.QUEUED).update(
        status=Status.SENDING, attempts=F("attempts") + 1, updated_at=now
    )
    if claimed:
        notification.refresh_from_db()
    return bool(claimed)


def send_notification(notification: Notification) -> Notification:
    """Send one queued notification now. Never raises for a sending failure."""
    if not _claim(notification):
        return notification
    message = OutgoingMessage(
        channel=notification.channel, recipient=notification.recipient, text=notification.text,
        template_key=notification.template_key, params={**notification.params, "code": notification.petition.query_code}
        if notification.petition_id else dict(notification.params),
        subject=messages.subject(notification.template_key),
    )
    now = timezone.now()
    try:
        sender = get_sender(notification.channel)
        notification.backend = sender.name
        result = sender.send(message)
    except SendError as exc:
        _failed(notification, str(exc), permanent=exc.permanent, now=now)
    except Exception as exc:  # a sender bug must not lose the row: retry later
        log.exception("notification %s: sender crashed", notification.pk)
        _failed(notification, f"{type(exc).__name__}: {exc}", permanent=False, now=now)
    else:
        notification.status = Status.SENT
        notification.sent_at = now
        notification.last_error = ""
        notification.next_attempt_at = None
        notification.provider_message_id = result.provider_message_id[:100]
        notification.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at", "provider_message_id",
                                         "backend", "updated_at"])
    return notification


def _failed(notification: Notification, error: str, *, permanent: bool, now) -> None:
    notification.last_error = error[:500]
    if permanent or notification.attempts >= _max_attempts():
        notification.status = Status.FAILED
        notification.next_attempt_at = None
        log.warning("notification %s failed permanently: %s", notification.pk, error)
    else:
        notification.status = Status.QUEUED
        notification.next_attempt_at = now + retry_delay(notification.attempts)
        log.info("notification %s failed (attempt %s), retry at %s: %s", notification.pk, notification.attempts,
                 notification.next_attempt_at, error)
    notification.save(update_fields=["status", "last_error", "next_attempt_at", "backend", "updated_at"])


def send_pending_notifications(*, now: dt.datetime | None = None, limit: int = 500) -> dict:
    """Send every queued notification that is due. Returns counts by outcome."""
    now = now or timezone.now()
    Notification.objects.filter(status=Status.SENDING, updated_at__lt=now - STALE_SENDING).update(
        status=Status.QUEUED, next_attempt_at=now
    )
    due = list(
        Notification.objects.filter(status=Status.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .select_related("petition")
        .order_by("next_attempt_at", "id")[:limit]
    )
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    for notification in due:
        result = send_notification(notification)
        if result.status == Status.SENT:
            counts["sent"] += 1
        elif result.status == Status.FAILED:
            counts["failed"] += 1
        elif result.status == Status.QUEUED and result.attempts:
            counts["retry"] += 1
        else:
            counts["skipped"] += 1
    return counts


def retry_now(*, actor, notification: Notification) -> Notification:
    """Staff: put a failed notification back in the queue (after fixing a number or the gateway)."""
    if notification.status != Status.FAILED:
        return notification
    Notification.objects.filter(pk=notification.pk, status=Status.FAILED).update(
        status=Status.QUEUED, next_attempt_at=timezone.now(), attempts=0
    )
    notification.refresh_from_db()
    return send_notification(notification)


def queue_code_recovery(phone: str, *, limit: int = 5) -> list[Notification]:
    """查询码找回 (issue 15 §15): one SMS to ``phone`` listing the numbers and codes of the
    matters on whose petitions this phone was given (newest first, at most ``limit``; anonymous
    matters have no petitioner to tell). The caller checked the throttles and answers the same
    whether or not anything was queued. Sent by the outbox (after commit, or the runner)."""
    if not sms_enabled() or not phone or not is_mobile(phone):
        return []
    petitions = list(
        Petition.objects.filter(person_links__petitioner__phone=phone, matter__is_anonymous=False)
        .select_related("matter").order_by("-received_at", "-id").distinct()[:limit]
    )
    if not petitions:
        return []
    items = "；".join(f"事项{p.matter.number} 查询码{format_query_code(p.query_code)}" for p in petitions)
    params = {"items": items, "count": len(petitions)}
    text = messages.render(TemplateKey.CODE_RECOVERY, params, "")
    return [Notification.objects.create(
        matter=petitions[0].matter, event=None, petition=None, channel=Channel.SMS.value, recipient=phone,
        template_key=TemplateKey.CODE_RECOVERY, text=text, params=params, status=Status.QUEUED,
        next_attempt_at=timezone.now(),
    )]
