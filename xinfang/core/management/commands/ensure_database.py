"""Create the configured PostgreSQL database when it does not exist yet.

``./run setup`` calls this before ``migrate`` so that ``DATABASE_URL=postgres://…/xinfang ./run setup``
works on a server where only the PostgreSQL role exists. SQLite needs nothing: the file is created
on first connection.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "如果 PostgreSQL 数据库尚不存在，则创建它（SQLite 无需此步）"
    requires_system_checks: list[str] = []

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        if "postgresql" not in db["ENGINE"]:
            return
        import psycopg
        from psycopg import sql

        params = {
            "dbname": "postgres",
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
        }
        name = db["NAME"]
        try:
            with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name)))
                    self.stdout.write(f"已创建数据库 {name}")
        except psycopg.Error as exc:
            raise CommandError(f"无法连接 PostgreSQL 或创建数据库 {name}：{exc}") from exc
