"""Backup and restore (issue 9): the archive restores into a fresh database (SQLite here, PostgreSQL
when DATABASE_URL points at it) with every matter, event and document byte-identical, the media
files too, and the audit chains intact; a damaged archive or an occupied target is refused."""

import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from xinfang.core import audit_chain
from xinfang.core.backup import backup, restore, verify_archive
from xinfang.core.errors import InvalidInput
from xinfang.core.models import log_access
from xinfang.documents.models import IssuedDocument
from xinfang.matters.models import Attachment, Event, Matter
from xinfang.matters.services.registration import register_petition
from xinfang.testing.factories import act, petition_data

TABLES = ["matters_matter", "matters_petition", "matters_event", "matters_deadline", "matters_attachment",
          "documents_issueddocument", "core_accesslog", "core_chainhead"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def build(county):
    upload = SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf")
    matter = register_petition(actor=county.users["registrar"], data=petition_data(county), files=[upload]).matter
    act(county, "officer", matter, "forward", unit="T01")
    act(county, "handler", matter, "accept")
    second = register_petition(actor=county.users["registrar"], data=petition_data(county)).matter
    act(county, "officer", second, "forward", unit="T02")
    log_access(user=county.users["officer"], kind="reveal", object_type="matter", object_ref=matter.number)


def rows_sqlite(path, table):
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def rows_pg(settings_dict, table):
    import psycopg

    conninfo = {"dbname": settings_dict["NAME"], "host": settings_dict.get("HOST") or None,
                "port": settings_dict.get("PORT") or None, "user": settings_dict.get("USER") or None,
                "password": settings_dict.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}) as db:
        return db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def pg_admin(sql_text):
    import psycopg

    s = connection.settings_dict
    conninfo = {"dbname": "postgres", "host": s.get("HOST") or None, "port": s.get("PORT") or None,
                "user": s.get("USER") or None, "password": s.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as db:
        db.execute(sql_text)


@pytest.mark.django_db(transaction=True)
def test_restore_into_a_fresh_database_is_byte_identical(county, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    build(county)
    assert IssuedDocument.objects.exists() and Attachment.objects.exists()
    archive = backup(tmp_path / "backup.tar")
    manifest = verify_archive(archive)
    assert manifest["counts"] == {"matters": Matter.objects.count(), "events": Event.objects.count(),
                                  "documents": IssuedDocument.objects.count()}
    media_member = next(name for name in manifest["files"] if name.startswith("media/"))
    assert manifest["files"][media_member]["sha256"] == hashlib.sha256(PDF).hexdigest()

    source = connection.settings_dict
    restored_media = tmp_path / "restored-media"
    if connection.vendor == "sqlite":
        target = tmp_path / "restored.sqlite3"
        url = f"sqlite:///{target}"
        restore(archive, database_url=url, media_root=restored_media)
        restored_settings = {**source, "NAME": str(target)}
        read_source = lambda table: rows_sqlite(source["NAME"], table)  # noqa: E731
        read_restored = lambda table: rows_sqlite(target, table)  # noqa: E731
    else:
        name = f"{source['NAME']}_restored"
        pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
        pg_admin(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        restored_settings = {**source, "NAME": name}
        user = f"{source['USER']}@" if source.get("USER") else ""
        url = f"postgres://{user}{source.get('HOST') or 'localhost'}:{source.get('PORT') or 5432}/{name}"
        restore(archive, database_url=url, media_root=restored_media)
        read_source = lambda table: rows_pg(source, table)  # noqa: E731
        read_restored = lambda table: rows_pg(restored_settings, table)  # noqa: E731
    try:
        for table in TABLES:
            original = read_source(table)
            assert original or table == "core_accesslog", table
            assert read_restored(table) == original, table
        for att in Attachment.objects.all():
            assert (restored_media / att.file.name).read_bytes() == Path(att.file.path).read_bytes()
        # The audit chains verify on the restored database (the command, run against it), same heads.
        out = subprocess.run(
            [sys.executable, "manage.py", "verify_audit_chain", "--no-record"], cwd=settings.BASE_DIR,
            env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, check=True,
        ).stdout
        for chain in audit_chain.CHAINS:
            length, head = manifest["audit_heads"][chain]
            assert f"{chain}: 完整，{length} 条，链末哈希 {head}" in out
    finally:
        if connection.vendor != "sqlite":
            pg_admin(f'DROP DATABASE IF EXISTS "{restored_settings["NAME"]}"')


@pytest.mark.django_db(transaction=True)
def test_damaged_archives_and_occupied_targets_are_refused(county, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    build(county)
    archive = backup(tmp_path / "backup.tar")
    # A flipped byte in a member: the hash check refuses before anything is restored.
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as out:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data[:-1] + b"X"
            out.addfile(member, io.BytesIO(data))
    with pytest.raises(InvalidInput, match="哈希不符"):
        verify_archive(damaged)
    if connection.vendor == "sqlite":
        occupied = tmp_path / "occupied.sqlite3"
        occupied.write_bytes(b"x")
        with pytest.raises(InvalidInput, match="已存在"):
            restore(archive, database_url=f"sqlite:///{occupied}", media_root=tmp_path / "m2")
        assert occupied.read_bytes() == b"x"
        with pytest.raises(InvalidInput, match="同类数据库"):
            restore(archive, database_url="postgres://nobody@127.0.0.1:1/none", media_root=tmp_path / "m2")
    else:
        with pytest.raises(InvalidInput, match="不是空的"):
            restore(archive, media_root=tmp_path / "m2")  # the live database itself


@pytest.mark.django_db(transaction=True)
def test_commands(county, tmp_path, settings, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    build(county)
    call_command("backup", "--output", str(tmp_path))
    out = capsys.readouterr().out
    assert "备份完成" in out
    archive = next(tmp_path.glob("xinfang-backup-*.tar"))
    call_command("restore", str(archive), "--check-only")
    assert "哈希一致" in capsys.readouterr().out
    with pytest.raises(CommandError, match="找不到"):
        call_command("restore", str(tmp_path / "missing.tar"))
