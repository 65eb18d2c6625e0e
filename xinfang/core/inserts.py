"""New rows written with a statement compiled once per model (issue 14).

``save()`` of a new row walks Django's whole save machinery and compiles the model's ``INSERT``
again every time: about 0.1 ms of CPU a row on top of the statement itself, and a registration
writes nine rows (docs/benchmarks.md, session 12). Models that inherit ``CompiledInsert`` write a
new row with the statement Django compiled for their first new row in this process; each value
is prepared by its field exactly as ``save()`` prepares it (``pre_save``, ``get_db_prep_save``), so
the row written is the same.

It falls back to ``save()``'s own way wherever that would do more than insert the row, or where
the compiled statement might not fit: an update (the row has a key, ``update_fields``,
``force_update``), a proxy, a model with parents (multi-table) or ``order_with_respect_to``, receivers of
``pre_save``/``post_save``, a value that is an expression (``F()``, ``db_default``), a field whose
placeholder for the value is not the plain ``%s``, columns the database fills in besides the key, or
a database that cannot return the new key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, models, router, transaction
from django.db.models import signals
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler


@dataclass(frozen=True)
class _Statement:
    fields: list  # the columns, in the statement's order
    sql: str
    compiler: SQLInsertCompiler  # what a field's own placeholder is asked with
    own_placeholder: list  # (position, field) of the fields that choose their placeholder by value (BinaryField)


# (database alias, model) → its statement; None where the model's rows go through save()
_STATEMENTS: dict[tuple[str, type], _Statement | None] = {}


def _eligible(obj: models.Model, using: str) -> bool:
    meta = obj._meta
    model = type(obj)
    return (
        obj._state.adding and obj.pk is None and meta.auto_field is not None and not meta.parents and not meta.proxy
        and not meta.order_with_respect_to
        and list(meta.db_returning_fields) == [meta.pk]
        and not signals.pre_save.has_listeners(model) and not signals.post_save.has_listeners(model)
    )


def _columns(meta) -> list:
    """The columns a new row's ``INSERT`` writes: every local one but the generated ones and the key."""
    return [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]


def _compile(obj: models.Model, fields: list, using: str) -> _Statement | None:
    meta = obj._meta
    if not connections[using].features.can_return_columns_from_insert:
        return None
    query = InsertQuery(type(obj))
    query.insert_values(fields, [obj], raw=True)  # the values pre_save gave; only the SQL is kept
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    query.objs = []  # the statement is kept, not the row it was compiled from (a document's bytes)
    if len(params) != len(fields) or f"VALUES ({', '.join(['%s'] * len(fields))})" not in sql:
        return None  # not one plain placeholder per column
    return _Statement(fields, sql, compiler, [(i, f) for i, f in enumerate(fields) if hasattr(f, "get_placeholder")])


def insert(obj: models.Model, using: str) -> bool:
    """Insert ``obj`` as a new row with the model's compiled statement; False (nothing done) where
    ``save()`` must do it (see the module docstring)."""
    key = (using, type(obj))
    if not _eligible(obj, using) or _STATEMENTS.get(key, True) is None:  # (None: the model always saves)
        return False
    obj._prepare_related_fields_for_save(operation_name="save")  # as save(): unsaved parents refuse
    fields = _columns(obj._meta)
    values = [f.pre_save(obj, True) for f in fields]  # in the statement's column order
    if any(hasattr(v, "resolve_expression") for v in values):
        return False
    if key not in _STATEMENTS:
        _STATEMENTS[key] = _compile(obj, fields, using)
    statement = _STATEMENTS[key]
    connection = connections[using]
    if statement is None or any(f.get_placeholder(values[i], statement.compiler, connection) != "%s"
                                for i, f in statement.own_placeholder):
        return False
    # As save_base: a failed insert inside atomic() marks the transaction for rollback (a caller
    # that catches the IntegrityError must not go on in an aborted transaction).
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(statement.sql, [f.get_db_prep_save(v, connection) for f, v in zip(statement.fields, values, strict=True)])
        setattr(obj, obj._meta.pk.attname, cursor.fetchone()[0])
    obj._state.adding = False
    obj._state.db = using
    return True


class CompiledInsert(models.Model):
    """A model whose new rows are written by ``insert`` (``save()`` and ``objects.create()``)."""

    class Meta:
        abstract = True

    def save(self, *args, force_insert=False, force_update=False, using=None, update_fields=None):
        if args or force_update or update_fields is not None or not insert(
                self, using or router.db_for_write(type(self), instance=self)):
            super().save(*args, force_insert=force_insert, force_update=force_update, using=using,
                         update_fields=update_fields)
