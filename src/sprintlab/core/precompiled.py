"""ORM queries compiled to SQL once, for the few hot paths where compiling costs more than running.

Building and compiling a queryset costs 0.4–0.8 ms of CPU (joins, select_related, lookups),
several times what PostgreSQL spends answering a primary-key or unique-key read. A
``PrecompiledQuery`` builds its queryset once per database with placeholder values, keeps the
SQL, and later runs only swap the parameters and turn rows into model instances exactly as the
ORM does (``from_db``, converters, ``select_related`` objects). The queryset stays the single
source of truth for the columns, so a model change needs no edit here.

Only for plain reads with exact-match parameters (``field=value``): the placeholder values must
reach the SQL parameters unchanged.

This uses Django's SQL compiler, which is not a public API (``get_compiler``, ``as_sql``,
``execute_sql``, ``results_iter``, ``select``/``klass_info``/``annotation_col_map`` and
``get_related_populators``), so pyproject.toml pins Django's minor version. Before raising the pin:
compare ``ModelIterable.__iter__`` in ``django/db/models/query.py`` with ``_instances`` below, check
that ``SQLCompiler.as_sql`` still returns ``(sql, params)`` with the placeholders unchanged, and run
``tests/core/test_precompiled.py`` on SQLite and PostgreSQL: it compares every precompiled read with
its plain queryset, and fails when a new one has no comparison. If it cannot be kept, each read
goes back to its plain queryset (about 2–3 ms more per registration, docs/decisions/0002).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators


class PrecompiledQuery:
    """``PrecompiledQuery(lambda key: Model.objects.filter(key=key)[:1], key="…")`` then ``.first(key=value)``.

    ``placeholders`` maps each argument of ``build`` to a sample value of the right type that no
    real call uses (a string with a NUL byte, a negative id): its position in the compiled
    parameters is where the real value goes.
    """

    def __init__(self, build: Callable[..., QuerySet], **placeholders: Any) -> None:
        self.build = build
        self.placeholders = placeholders
        self._compiled: dict[tuple[str, str], tuple] = {}
        self.model = None

    def _compile(self, using: str):
        connection = connections[using]
        key = (using, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            queryset = self.build(**self.placeholders)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            slots = {}
            for name, placeholder in self.placeholders.items():
                positions = [i for i, value in enumerate(params) if value == placeholder]
                if not positions:
                    raise ValueError(f"The placeholder for {name!r} does not reach the SQL parameters unchanged.")
                slots[name] = positions
            compiled = (compiler, sql, tuple(params), slots, queryset.model)
            self._compiled[key] = compiled
        return compiled

    def _compiler(self, values: dict[str, Any]):
        using = router.db_for_read(self._model())
        template, sql, params, slots, _model = self._compile(using)
        params = list(params)
        for name, positions in slots.items():
            for position in positions:
                params[position] = values[name]
        # A shallow copy per run: the shared compiler's column lists are only read, never changed.
        compiler = copy.copy(template)
        compiler.connection = connections[using]
        compiler.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        return compiler, using

    def all(self, **values: Any) -> list:
        """Model instances, for a queryset of model instances."""
        compiler, using = self._compiler(values)
        return list(_instances(compiler, using))

    def rows(self, **values: Any) -> list[tuple]:
        """Plain tuples, for a ``values_list()`` queryset."""
        compiler, _using = self._compiler(values)
        return [tuple(row) for row in compiler.results_iter(compiler.execute_sql())]

    def first(self, **values: Any):
        rows = self.all(**values)
        return rows[0] if rows else None

    def _model(self):
        if self.model is None:
            self.model = self.build(**self.placeholders).model
        return self.model


def _instances(compiler, db: str):
    """Rows to model instances, as ``django.db.models.query.ModelIterable`` does."""
    results = compiler.execute_sql()
    select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
    model_cls = klass_info["model"]
    select_fields = klass_info["select_fields"]
    model_fields_start, model_fields_end = select_fields[0], select_fields[-1] + 1
    init_list = [f[0].target.attname for f in select[model_fields_start:model_fields_end]]
    related_populators = get_related_populators(klass_info, select, db)
    for row in compiler.results_iter(results):
        obj = model_cls.from_db(db, init_list, row[model_fields_start:model_fields_end])
        for populator in related_populators:
            populator.populate(row, obj)
        if annotation_col_map:
            for attr_name, col_pos in annotation_col_map.items():
                setattr(obj, attr_name, row[col_pos])
        yield obj
