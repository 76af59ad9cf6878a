"""The workspace's lists page by keyset, never count all their rows, and so cost the same at any size.

Django's admin pages a list with ``OFFSET`` and counts every matching row for its paginator: both
read more rows the larger the table, and a deep page of a large queue reads all the rows before it.
Here a page is the ``list_per_page`` rows after (or before) a row of the list, found through the
index that serves the list's ordering:

- ``?after=<id>``: the rows after that row (the next page), ``?before=<id>``: the rows before it
  (the previous page), ``?last=1``: the last page; without them, the first page;
- the cursor is a row's id, never its values (a name or an e-mail would be personal data in a URL):
  the row's sort values are read back from the id, one query;
- one row more than a page is read, to know whether a next page exists; the number of rows is an
  exact count only when the whole list fits on the page, and otherwise the database planner's estimate
  (PostgreSQL), shown as "about N"; SQLite shows no total.

Every list ordering ends with the primary key (so that the order is total) in the direction of the
first field, so that one index read forwards or backwards serves it.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, ChangeList
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

AFTER, BEFORE, LAST = "after", "before", "last"
CURSOR_VARS = (AFTER, BEFORE, LAST, PAGE_VAR)


def keyset_condition(fields: list[tuple[str, bool]], values: list[Any], *, forward: bool) -> Q:
    """Rows strictly after (``forward``) or before the row with ``values`` in the ordering ``fields``.

    ``fields`` are (name, descending) pairs. The condition is ``f1 > v1 OR (f1 = v1 AND f2 > v2) …``,
    with ``f1 >= v1`` added so that the index on ``f1`` bounds the scan.
    """
    alternatives = Q()
    equal: dict[str, Any] = {}
    for (name, descending), value in zip(fields, values, strict=True):
        operator = "lt" if descending == forward else "gt"
        alternatives |= Q(**equal, **{f"{name}__{operator}": value})
        equal[name] = value
    first, descending = fields[0]
    bound = "lte" if descending == forward else "gte"
    return Q(**{f"{first}__{bound}": values[0]}) & alternatives


def parse_ordering(ordering: list[Any]) -> list[tuple[str, bool]] | None:
    """(name, descending) pairs for an ordering of plain field names; None for expressions or random order."""
    fields = []
    for item in ordering:
        if not isinstance(item, str) or item == "?":
            return None
        fields.append((item.lstrip("-"), item.startswith("-")))
    return fields


def estimated_rows(queryset: QuerySet) -> int | None:
    """The planner's estimate of the rows of ``queryset`` (PostgreSQL), or None where there is none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an empty search): nothing to ask
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class KeysetChangeList(ChangeList):
    """A ``ChangeList`` that pages by keyset and shows an exact count only when it costs nothing."""

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.cursor = {name: request.GET.get(name, "") for name in (AFTER, BEFORE, LAST)}
        if any(name in request.GET for name in CURSOR_VARS):
            # The cursor is not a filter: Django's change list must not read it as a lookup.
            query = request.GET.copy()
            for name in CURSOR_VARS:
                query.pop(name, None)
            request.GET = query  # type: ignore[assignment]
        super().__init__(request, *args, **kwargs)

    def get_ordering(self, request: HttpRequest, queryset: QuerySet) -> list[Any]:
        """The chosen column (or the desk's ordering), then the primary key in the first field's direction."""
        ordering = list(super().get_ordering(request, queryset))
        fields = parse_ordering(ordering)
        if not fields:
            return ordering
        first_descending = fields[0][1]
        kept = [f"{'-' if descending else ''}{name}" for name, descending in fields if name not in ("pk", "id")]
        if ORDER_VAR in self.params and kept:
            kept = kept[:1]  # a column chosen by the clerk, then the primary key: one index serves it
        return [*kept, "-pk" if first_descending else "pk"]

    def get_results(self, request: HttpRequest) -> None:
        per_page = self.list_per_page
        ordering = self.queryset.query.order_by
        fields = parse_ordering(list(ordering))
        rows: list[Any]
        self.has_previous = self.has_next = False
        self.cursor_row = None
        if fields is None:
            rows = list(self.queryset[: per_page + 1])
            self.has_next = len(rows) > per_page
            rows = rows[:per_page]
        else:
            reverse = bool(self.cursor[BEFORE] or self.cursor[LAST])
            queryset = self.queryset
            values = self._cursor_values(fields)
            if values is not None:
                queryset = queryset.filter(keyset_condition(fields, values, forward=not reverse))
            if reverse:
                queryset = queryset.reverse()
            rows = list(queryset[: per_page + 1])
            more = len(rows) > per_page
            rows = rows[:per_page]
            if reverse:
                rows.reverse()
                self.has_previous, self.has_next = more, not self.cursor[LAST]
            else:
                self.has_previous, self.has_next = values is not None, more
        self.result_list = rows
        self.first_page = not self.has_previous
        exact = self.first_page and not self.has_next
        # Asked on every page (planning only, no rows read), so that a page's queries do not depend on its rows.
        estimate = estimated_rows(self.queryset)
        self.result_count = len(rows) if exact else max(estimate or 0, len(rows))
        self.count_is_exact = exact
        self.count_label = self._count_label(exact, estimate, len(rows))
        self.show_full_result_count = False
        self.full_result_count = None
        self.show_admin_actions = True
        self.can_show_all = False
        self.multi_page = self.has_previous or self.has_next
        self.paginator = None

    def _cursor_values(self, fields: list[tuple[str, bool]]) -> list[Any] | None:
        """The sort values of the row named by ``after``/``before`` (None on the first or last page)."""
        cursor = self.cursor[AFTER] or self.cursor[BEFORE]
        if not cursor.isdigit():
            return None
        names = [name for name, _descending in fields]
        row = self.root_queryset.order_by().filter(pk=int(cursor)).values(*names).first()
        if row is None or any(row[name] is None for name in names):
            return None
        return [row[name] for name in names]

    def _count_label(self, exact: bool, estimate: int | None, shown: int) -> str:
        if exact:
            return ngettext("%(count)s result", "%(count)s results", shown) % {"count": shown}
        if estimate is not None and estimate > shown:
            return ngettext("about %(count)s result", "about %(count)s results", estimate) % {"count": estimate}
        return _("more than %(count)s results") % {"count": shown}

    def page_link(self, name: str, row: Any = None) -> str:
        """The link to the first, previous, next or last page (filters, search and sort kept)."""
        remove = [AFTER, BEFORE, LAST, PAGE_VAR]
        if name == "first":
            return self.get_query_string(remove=remove)
        if name == "last":
            return self.get_query_string({LAST: "1"}, remove=remove)
        return self.get_query_string({name: row.pk}, remove=remove)

    @property
    def page_links(self) -> list[tuple[str, str]]:
        """(label, link) of the pages reachable from this one, for the template."""
        links = []
        if self.has_previous and self.result_list:
            links += [(_("First page"), self.page_link("first"))]
            links += [(_("Previous page"), self.page_link(BEFORE, self.result_list[0]))]
        if self.has_next and self.result_list:
            links += [(_("Next page"), self.page_link(AFTER, self.result_list[-1]))]
            links += [(_("Last page"), self.page_link("last"))]
        return links


class IndexedList:
    """A ``ModelAdmin`` mixin: the list pages by keyset (``KeysetChangeList``), with its own pagination bar."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(self, "change_list_template", None) is None:
            # The admin's list page with this pagination bar (a desk's own template extends it).
            vars(self)["change_list_template"] = "admin/workspace/change_list.html"

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return KeysetChangeList
