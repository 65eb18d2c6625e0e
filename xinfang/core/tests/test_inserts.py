"""CompiledInsert: a new row written by the model's compiled statement is the row save() writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.db.models import signals
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from xinfang.core import inserts
from xinfang.documents.models import IssuedDocument
from xinfang.matters.models import Matter, Petitioner, PetitionPerson
from xinfang.notifications.models import Notification
from xinfang.testing.factories import register

STAMP = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def _columns(obj: models.Model) -> dict:
    """Every column of the row as stored, the key aside."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}


def _by_save(obj: models.Model) -> models.Model:
    models.Model.save(obj)  # Django's own way, past CompiledInsert
    return obj


def _notification(matter: Matter, recipient: str) -> Notification:
    return Notification(matter=matter, channel="sms", recipient=recipient, template_key="registered",
                        text="您的信访件已登记。", params={"编号": matter.number, "人": ["张三", "李四"], "n": 2})


def test_each_model_of_a_registration_compiles_its_statement_once(county):
    inserts._STATEMENTS.clear()
    register(county)
    compiled = {model.__name__ for (_alias, model), statement in inserts._STATEMENTS.items() if statement is not None}
    assert {"Matter", "Petition", "Petitioner", "PetitionPerson", "MatterUnit", "Event", "Deadline",
            "IssuedDocument"} <= compiled


def test_a_new_row_is_the_row_save_writes(county):
    matter = register(county).matter
    for make in (lambda r: _notification(matter, r),
                 lambda r: Petitioner(name="张三", id_number="", phone=r, address="东关村1号", created_at=STAMP)):
        with CaptureQueriesContext(connection) as ctx:
            fast = make("13800000001")
            fast.save()
        assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["INSERT"]
        assert fast.pk is not None and fast._state.adding is False and fast._state.db == "default"
        slow = _by_save(make("13800000002"))
        fast_row, slow_row = _columns(fast), _columns(slow)
        for row in (fast_row, slow_row):
            row.pop("recipient", None), row.pop("phone", None)
            for stamp in ("created_at", "updated_at"):  # now() of each save
                if stamp in row and type(fast) is Notification:
                    row.pop(stamp)
        assert fast_row == slow_row
    assert Petitioner.objects.get(phone="13800000001").created_at == STAMP  # a stamp given is kept


def test_a_document_keeps_its_own_save(county):
    """IssuedDocument.save() fills its hashes before the row is written (and binary columns go too)."""
    register(county)
    doc = IssuedDocument.objects.first()
    copy = IssuedDocument(**{f.attname: getattr(doc, f.attname) for f in doc._meta.concrete_fields
                             if not f.primary_key and f.attname not in ("seq", "event_id", "pdf_data", "docx_data")})
    copy.seq, copy.pdf_data = doc.seq + 1000, b"%PDF-1.7 test"
    copy.save()
    stored = IssuedDocument.objects.get(pk=copy.pk)
    assert bytes(stored.pdf_data) == b"%PDF-1.7 test" and stored.pdf_sha256 == copy.pdf_sha256 != ""
    assert stored.text_sha256 == doc.text_sha256 and stored.context == doc.context


def test_what_is_not_a_plain_new_row_goes_through_save(county):
    matter = register(county).matter
    # An update: save()'s UPDATE.
    matter.title = "改过的标题"
    with CaptureQueriesContext(connection) as ctx:
        matter.save(update_fields=["title"])
    assert ctx.captured_queries[0]["sql"].startswith("UPDATE")
    # A value that is an expression: compiled by Django, with the database's value read back by save().
    person = Petitioner(name="李四", phone="13900000000", created_at=Now())
    person.save()
    assert Petitioner.objects.get(pk=person.pk).created_at is not None
    # Receivers of save() signals are called (the row goes the way that sends them).
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.pk, created))

    signals.post_save.connect(receiver, sender=Notification)
    try:
        note = _notification(matter, "13900000001")
        note.save()
    finally:
        signals.post_save.disconnect(receiver, sender=Notification)
    assert seen == [(note.pk, True)]


def test_an_unsaved_parent_is_refused_as_save_refuses_it(county):
    matter = register(county).matter
    unsaved = Matter(number="XF-unsaved", year=matter.year, seq=999999)
    with pytest.raises(ValueError, match="unsaved related object"):
        _notification(unsaved, "13900000002").save()
    # A parent saved after the child was made: its key is taken at save(), as save() takes it.
    petition = matter.petitions.first()
    person = Petitioner(name="王五", phone="13900000004")
    link = PetitionPerson(petition=petition, petitioner=person, position=9)
    person.save()
    link.save()
    assert PetitionPerson.objects.get(pk=link.pk).petitioner_id == person.pk


def test_a_failed_insert_marks_its_transaction_for_rollback_as_save_does(county):
    matter = register(county).matter
    first = _notification(matter, "13900000005")
    first.key = "once"
    first.save()
    with transaction.atomic():
        again = _notification(matter, "13900000006")
        again.key = "once"  # notification_once_per_key
        with pytest.raises(IntegrityError):
            again.save()
        assert connection.needs_rollback  # the block rolls back; no query runs on in it
    assert Notification.objects.filter(key="once").count() == 1
