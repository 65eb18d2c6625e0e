"""The peer of the registration benchmark (issue 14): django-helpdesk's ticket creation through its
REST API (``POST /api/tickets/``, DRF token authentication), served like xinfang by gunicorn with
the same sync workers, ``--preload`` and keep-alive, on a PostgreSQL database of its own.

django-helpdesk is never a dependency of the product: it is installed by pip into a separate venv
``var/bench/helpdesk-venv`` (``--helpdesk-version``, default 2.6.1, the version issue 14 names) and
a minimal Django project is written at run time under ``var/bench/helpdesk-project`` (nothing of
it is committed; ``var/`` is ignored). Same persistent connections (``CONN_MAX_AGE`` 60 with health
checks) and server-side binding (prepared statements) as xinfang, no e-mail sent (the dummy backend: xinfang's SMS goes to its logging sender), DEBUG off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / "var" / "bench" / "helpdesk-venv"
PROJECT = ROOT / "var" / "bench" / "helpdesk-project"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_bench"

SETTINGS = '''
import os
from urllib.parse import urlparse

_db = urlparse(os.environ["HELPDESK_BENCH_DATABASE_URL"])
SECRET_KEY = "benchmark-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles", "django.contrib.sites", "django.contrib.humanize",
    "rest_framework", "rest_framework.authtoken", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "hdbench.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                 "django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages"]}}]
WSGI_APPLICATION = "hdbench.wsgi.application"
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": _db.path.lstrip("/"),
                         "USER": _db.username or "postgres", "PASSWORD": _db.password or "",
                         "HOST": _db.hostname or "127.0.0.1", "PORT": _db.port or 5432,
                         "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True,
                         # xinfang's own database option (settings.py): the same for both
                         "OPTIONS": {"server_side_binding": os.environ.get("XINFANG_DB_SERVER_SIDE_BINDING", "1") == "1",
                                     "prepare_threshold": 5 if os.environ.get("XINFANG_DB_SERVER_SIDE_BINDING", "1") == "1" else None}}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
SITE_ID = 1
STATIC_URL = "/static/"
MEDIA_ROOT = os.path.join(os.path.dirname(__file__), "media")
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGIN_URL = "/login/"
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_API_ENABLED = True
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"]}
'''

URLS = '''
from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
'''

WSGI = '''
import os
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdbench.settings")
application = get_wsgi_application()
'''

# Run inside the helpdesk venv: migrate, a staff user with a token, one queue, and the statements
# of one ticket creation through the API (counted in-process, like xinfang's).
SETUP = '''
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdbench.settings")
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from django.contrib.auth import get_user_model
from helpdesk.models import Queue
import helpdesk

call_command("migrate", verbosity=0)
User = get_user_model()
user, _ = User.objects.get_or_create(username="bench_staff", defaults={"is_staff": True, "is_superuser": True})
token = Token.objects.get_or_create(user=user)[0].key
queue, _ = Queue.objects.get_or_create(slug="bench", defaults={"title": "Benchmark", "allow_public_submission": True})
body = json.loads(sys.argv[1])
body["queue"] = queue.pk
client = APIClient()
client.credentials(HTTP_AUTHORIZATION="Token " + token)
client.post("/api/tickets/", body, format="json")
with CaptureQueriesContext(connection) as ctx:
    r = client.post("/api/tickets/", body, format="json")
assert r.status_code == 201, r.content
sql = [q["sql"] for q in ctx.captured_queries]
print(json.dumps({"token": token, "queue": queue.pk, "version": getattr(helpdesk, "__version__", ""),
                  "statements": {"statements": len(sql),
                                 "writes": sum(s.split()[0] in ("INSERT", "UPDATE", "DELETE") for s in sql)}}))
'''


def ticket(ref: dict, n: int) -> dict:
    """A ticket of the same size as xinfang's benchmark petition (title, three-sentence body, e-mail)."""
    return {"queue": ref.get("queue"), "title": f"小区物业违规收费问题第{n}号",
            "description": "反映某小区物业公司违规收取停车费，要求退还多收的费用。" * 3,
            "submitter_email": f"bench{n}@example.com", "priority": 3}


def ensure_venv(version: str, say=print) -> str:
    """The separate venv with django-helpdesk (installed on first use; never the product's venv)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        say(f"创建 django-helpdesk 专用虚拟环境 {VENV} …")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('django-helpdesk'))"],
                           capture_output=True, text=True)
    installed = probe.stdout.strip()
    if probe.returncode != 0 or (version and installed != version):
        say(f"安装 django-helpdesk=={version} …")
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"django-helpdesk=={version}", "gunicorn",
                        "psycopg[binary]"], check=True)
        installed = subprocess.run([str(python), "-c", "import importlib.metadata as m; "
                                    "print(m.version('django-helpdesk'))"], capture_output=True, text=True,
                                   check=True).stdout.strip()
    return installed


def write_project() -> Path:
    pkg = PROJECT / "hdbench"
    pkg.mkdir(parents=True, exist_ok=True)
    for name, text in (("__init__.py", ""), ("settings.py", SETTINGS), ("urls.py", URLS), ("wsgi.py", WSGI)):
        (pkg / name).write_text(text.lstrip(), encoding="utf-8")
    (PROJECT / "setup_bench.py").write_text(SETUP.lstrip(), encoding="utf-8")
    return PROJECT


def env(url: str) -> dict:
    return {**os.environ, "HELPDESK_BENCH_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "hdbench.settings",
            "PYTHONPATH": str(PROJECT)}


def prepare(url: str, version: str, say=print) -> dict:
    """Install (once), write the project, migrate, and return the token, queue and statements."""
    from urllib.parse import urlparse

    from . import __main__ as bench_main

    if "bench" not in urlparse(url).path:
        sys.exit("拒绝运行：helpdesk 的基准数据库名称必须包含“bench”。")
    installed = ensure_venv(version, say)
    write_project()
    bench_main.ensure_postgres_database(url)
    out = subprocess.run([str(VENV / "bin" / "python"), "setup_bench.py", json.dumps(ticket({}, 10**9))],
                         cwd=PROJECT, env=env(url), capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"django-helpdesk 准备失败：\n{out.stderr[-3000:]}")
    ref = json.loads(out.stdout.strip().splitlines()[-1])
    ref["version"] = installed
    return ref


def server_command(workers: int, port: int) -> list[str]:
    return [str(VENV / "bin" / "gunicorn"), "hdbench.wsgi:application", "--workers", str(workers),
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--keep-alive", "30", "--preload"]
