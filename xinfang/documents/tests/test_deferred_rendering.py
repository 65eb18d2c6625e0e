"""Documents are rendered after commit: nothing is lost if the process dies in between.

The crash test is real: a separate Python process registers a petition against this test's
database and is killed (``os._exit``) right after the commit, before anything could render the
registration receipt. The document row is there (number, text, text hash) with its files
pending; ``manage.py render_documents`` (also run by ``run_deadlines``) finishes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from xinfang.core import audit_chain, background
from xinfang.documents import rendering
from xinfang.documents.models import IssuedDocument
from xinfang.matters.models import Matter
from xinfang.matters.services.numbering import format_query_code
from xinfang.testing.factories import petition_data, register

from .helpers import flat, pdf_text

ROOT = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent("""
    import json, os, sys
    import django
    django.setup()
    from django.conf import settings
    from django.db import transaction
    from xinfang.matters.services.registration import register_petition
    from xinfang.org.models import User

    settings.XINFANG_AFTER_COMMIT = "thread"  # the production default
    data = json.loads(sys.argv[1])
    with transaction.atomic():
        # Registered first, so it runs first after COMMIT: the process dies before the
        # registration's own after-commit callback can hand the receipt to a renderer.
        transaction.on_commit(lambda: os._exit(17))
        register_petition(actor=User.objects.get(username="registrar"), data=data)
    os._exit(0)  # not reached
""")


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    auth = f"{user}:{s['PASSWORD']}" if s.get("PASSWORD") else user
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_process_killed_between_commit_and_rendering_loses_no_document(county, tmp_path):
    data = petition_data(county, title="进程在提交后被终止的登记")
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "xinfang.settings",
           "XINFANG_AXES_ENABLED": "0", "XINFANG_MEDIA_ROOT": str(tmp_path)}
    child = subprocess.run([sys.executable, "-c", CHILD, json.dumps(data)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 17, child.stderr[-2000:]  # killed right after the commit

    matter = Matter.objects.get(title="进程在提交后被终止的登记")  # the act committed
    receipt = IssuedDocument.objects.get(matter=matter, doc_type="registration_receipt")
    assert receipt.rendered_at is None and receipt.pdf_sha256 == ""  # died before rendering
    assert matter.number in receipt.rendered_text and receipt.verify()  # content fixed at commit
    assert rendering.pending_ids() == [receipt.pk]
    event = matter.events.get()  # its seal in the audit chain was after-commit work too
    assert event.chain_seq is None and audit_chain.verify("event").ok and audit_chain.verify("event").waiting == 1

    call_command("render_documents", verbosity=0)  # what run_deadlines / Celery beat also do
    assert audit_chain.seal_vouched("event") == 1  # what run_deadlines / Celery beat also do
    event.refresh_from_db()
    report = audit_chain.verify("event")
    assert event.chain_seq is not None and report.ok and report.waiting == 0

    done = IssuedDocument.objects.defer(None).get(pk=receipt.pk)
    assert done.rendered_at is not None and done.verify()
    assert bytes(done.pdf_data).startswith(b"%PDF") and bytes(done.docx_data).startswith(b"PK")
    assert len(done.pdf_sha256) == 64 and done.doc_number == receipt.doc_number
    petition = matter.petitions.get()
    assert flat(format_query_code(petition.query_code)) in pdf_text(done) and flat(matter.number) in pdf_text(done)
    assert rendering.pending_ids() == []


@pytest.mark.django_db(transaction=True)
def test_the_in_process_runner_renders_after_commit(county, settings):
    settings.XINFANG_AFTER_COMMIT = "thread"
    matter = register(county).matter
    background.wait_idle()
    receipt = IssuedDocument.objects.defer(None).get(matter=matter, doc_type="registration_receipt")
    assert receipt.rendered_at is not None and receipt.verify() and bytes(receipt.pdf_data).startswith(b"%PDF")
    assert matter.events.get().chain_seq is not None  # sealed by the same runner


@pytest.mark.django_db(transaction=True)
def test_the_celery_path_renders_through_the_task(county, settings):
    from xinfang.celery import app

    settings.XINFANG_AFTER_COMMIT = "celery"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        matter = register(county).matter
    finally:
        app.conf.task_always_eager = eager
    receipt = IssuedDocument.objects.get(matter=matter, doc_type="registration_receipt")
    assert receipt.rendered_at is not None and receipt.verify()


@pytest.mark.django_db(transaction=True)
def test_the_pending_mode_leaves_the_document_for_the_catch_up(county, settings):
    settings.XINFANG_AFTER_COMMIT = "pending"
    matter = register(county).matter  # committed
    receipt = IssuedDocument.objects.get(matter=matter, doc_type="registration_receipt")
    assert receipt.rendered_at is None and rendering.pending_ids() == [receipt.pk]
    assert rendering.render_pending() == {"rendered": 1, "failed": 0}


def test_nothing_is_rendered_inside_the_act(county):
    """In a transaction that never commits (this test), the receipt exists but has no files."""
    matter = register(county).matter
    receipt = IssuedDocument.objects.get(matter=matter, doc_type="registration_receipt")
    assert receipt.rendered_at is None and receipt.render_ms == 0
    assert rendering.render_pending() == {"rendered": 1, "failed": 0}


def test_run_deadlines_finishes_pending_renders(county):
    register(county)
    assert len(rendering.pending_ids()) == 1
    call_command("run_deadlines", verbosity=0)
    assert rendering.pending_ids() == []
