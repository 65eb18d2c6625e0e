"""Backup and restore (docs/security.md "备份与恢复"): one tar archive holding the database
(PostgreSQL: ``pg_dump`` custom format; SQLite: the online backup API, consistent while the system
runs), every media file (attachments, uploads) and a manifest with each member's SHA-256.

``restore`` checks every hash before it touches anything, refuses a non-empty target unless told,
and restores the database (``pg_restore`` / a file copy) and the media files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

import dj_database_url
from django.conf import settings
from django.db import connections
from django.utils import timezone

from xinfang.core.errors import InvalidInput

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _engine(db: dict) -> str:
    engine = db["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise InvalidInput(f"不支持的数据库：{engine}")


def _pg_env_args(db: dict) -> tuple[dict, list[str]]:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, args


def _run(cmd: list[str], env: dict) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{cmd[0]} 失败（{result.returncode}）：{result.stderr.strip()[:2000]}")


def _dump_database(alias: str, target: Path) -> str:
    db = connections[alias].settings_dict
    engine = _engine(db)
    if engine == "postgresql":
        env, args = _pg_env_args(db)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args, "-f", str(target),
              str(db["NAME"])], env)
    else:
        connection = connections[alias]
        connection.ensure_connection()
        out = sqlite3.connect(target)
        try:
            connection.connection.backup(out)  # the online backup API: a consistent copy while others write
        finally:
            out.close()
    return engine


def _media_files(media_root: Path):
    if not media_root.exists():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, PurePosixPath("media", *path.relative_to(media_root).parts)


def _facts(alias: str) -> dict:
    """Counts and migration state written into the manifest (and compared after a restore)."""
    from django.db.migrations.recorder import MigrationRecorder

    from xinfang.core.models import ChainHead
    from xinfang.documents.models import IssuedDocument
    from xinfang.matters.models import Event, Matter

    recorder = MigrationRecorder(connections[alias])
    migrations: dict[str, str] = {}
    for app, name in recorder.migration_qs.order_by("app", "name").values_list("app", "name"):
        migrations[app] = name
    return {
        "counts": {
            "matters": Matter.objects.using(alias).count(),
            "events": Event.objects.using(alias).count(),
            "documents": IssuedDocument.objects.using(alias).count(),
        },
        "audit_heads": {h.name: [h.length, h.last_hash] for h in ChainHead.objects.using(alias).all()},
        "migrations": migrations,
    }


def backup(output: Path | None = None, *, alias: str = "default", media_root: Path | None = None) -> Path:
    """Write one archive; returns its path."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    stamp = timezone.localtime().strftime("%Y%m%dT%H%M%S")
    if output is None or output.is_dir():
        folder = output or Path(settings.VAR_DIR) / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        output = folder / f"xinfang-backup-{stamp}.tar"
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xinfang-backup-") as tmp:
        facts = _facts(alias)
        engine = _engine(connections[alias].settings_dict)
        db_name = "database.pgdump" if engine == "postgresql" else "database.sqlite3"
        db_file = Path(tmp) / db_name
        _dump_database(alias, db_file)
        files = {db_name: {"sha256": _sha256(db_file), "size": db_file.stat().st_size}}
        partial = output.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(db_file, arcname=db_name)
            for path, arcname in _media_files(media_root):
                files[str(arcname)] = {"sha256": _sha256(path), "size": path.stat().st_size}
                tar.add(path, arcname=str(arcname))
            manifest = {
                "format": FORMAT, "created_at": timezone.now().isoformat(), "engine": engine,
                "database": db_name, "files": files, **facts,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now(dt.UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, output)
    return output


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r") as tar:
        member = tar.getmember(MANIFEST)
        fh = tar.extractfile(member)
        if fh is None:
            raise InvalidInput("备份文件缺少清单。")
        return json.loads(fh.read())


def verify_archive(archive: Path) -> dict:
    """Every member listed, every listed member present, every hash right; returns the manifest."""
    try:
        manifest = read_manifest(archive)
    except (KeyError, tarfile.TarError, json.JSONDecodeError, OSError) as exc:
        raise InvalidInput(f"备份文件无法读取：{exc}") from None
    if manifest.get("format") != FORMAT:
        raise InvalidInput(f"备份格式 {manifest.get('format')} 不受支持。")
    seen = set()
    with tarfile.open(archive, "r") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            name = member.name
            if not member.isfile() or name.startswith("/") or ".." in PurePosixPath(name).parts:
                raise InvalidInput(f"备份文件含有不安全的条目：{name}")
            expected = manifest["files"].get(name)
            if expected is None:
                raise InvalidInput(f"备份文件含有清单外的条目：{name}")
            h = hashlib.sha256()
            fh = tar.extractfile(member)
            assert fh is not None
            while block := fh.read(CHUNK):
                h.update(block)
            if h.hexdigest() != expected["sha256"]:
                raise InvalidInput(f"备份文件已损坏：{name} 的哈希不符。")
            seen.add(name)
    missing = set(manifest["files"]) - seen
    if missing:
        raise InvalidInput(f"备份文件缺少：{', '.join(sorted(missing))}")
    return manifest


def _pg_is_empty(db: dict) -> bool:
    import psycopg

    conninfo = {"dbname": db["NAME"], "host": db.get("HOST") or None, "port": db.get("PORT") or None,
                "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}) as conn:
        row = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()
        return row is not None and row[0] == 0


def restore(archive: Path, *, database_url: str | None = None, media_root: Path | None = None,
            force: bool = False) -> dict:
    """Restore ``archive`` into the database (default: the configured one) and the media folder.
    Refuses a target that already holds data unless ``force``. Returns the manifest."""
    manifest = verify_archive(archive)
    db = dj_database_url.parse(database_url) if database_url else connections["default"].settings_dict
    engine = _engine(db)
    if engine != manifest["engine"]:
        raise InvalidInput(f"备份来自 {manifest['engine']}，目标数据库是 {engine}：请用同类数据库恢复。")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="xinfang-restore-") as tmp, tarfile.open(archive, "r") as tar:
        db_member = tar.getmember(manifest["database"])
        tar.extract(db_member, tmp, filter="data")
        db_file = Path(tmp) / manifest["database"]
        if engine == "postgresql":
            if not force and not _pg_is_empty(db):
                raise InvalidInput(f"目标数据库 {db['NAME']} 不是空的；确认覆盖请加 --force。")
            env, args = _pg_env_args(db)
            extra = ["--clean", "--if-exists"] if force else []
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *extra,
                  *args, "-d", str(db["NAME"]), str(db_file)], env)
        else:
            target = Path(db["NAME"])
            if target.exists() and target.stat().st_size > 0 and not force:
                raise InvalidInput(f"目标数据库文件 {target} 已存在；确认覆盖请加 --force。")
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            staged = target.with_name(target.name + ".restoring")
            shutil.copyfile(db_file, staged)
            os.replace(staged, target)
        for member in tar.getmembers():
            if not member.name.startswith("media/"):
                continue
            relative = PurePosixPath(member.name).relative_to("media")
            destination = media_root.joinpath(*relative.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            fh = tar.extractfile(member)
            assert fh is not None
            with open(destination, "wb") as out:
                shutil.copyfileobj(fh, out, CHUNK)
            if _sha256(destination) != manifest["files"][member.name]["sha256"]:
                raise RuntimeError(f"恢复后 {destination} 的哈希不符。")
    return manifest
