"""Thin views, by rule: no view module writes to the database or opens a transaction.

Every write is a function in the app's ``services.py`` (run under ``@transaction.atomic``, naming
the user) that the view calls; see docs/architecture.md. This test reads the source of every
view module (``<app>/views.py`` and ``<app>/views/*.py``) and fails, with file and line, on

* a call of a method named like a write (``.save()``, ``.delete()``, ``.create()``,
  ``.update()``, ``.get_or_create()``, ``.update_or_create()``, ``.bulk_create()``,
  ``.bulk_update()``), whatever it is called on. The one exception is ``.update()`` on a name
  the same function made a dict: assigned from a dict display, ``dict(...)``, ``paginate(...)``
  (core/views.py), ``list_context(...)`` (core/lists.py) or ``get_context_data(...)``; that is
  a template context, not a queryset;
* any mention of ``transaction.atomic`` (or ``atomic`` imported from ``django.db.transaction``)
  or ``select_for_update``: locks and transactions belong in services.
"""

import ast
from pathlib import Path

from django.conf import settings

APPS = ["accounts", "partnerships", "agreements", "training", "notifications", "portal", "core"]
WRITE_METHODS = frozenset(
    {"save", "delete", "create", "update", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
)
LOCKS = frozenset({"select_for_update"})


def view_modules() -> list[Path]:
    root = Path(settings.BASE_DIR)
    found = []
    for app in APPS:
        found += [path for path in [root / app / "views.py"] if path.exists()]
        found += sorted((root / app / "views").glob("*.py"))
    return found


DICT_MAKERS = frozenset({"dict", "paginate", "list_context", "get_context_data"})


def _makes_dict(value) -> bool:
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        return name in DICT_MAKERS
    return False


def _dict_updates(tree) -> set[int]:
    """The ``.update()`` calls (by id) made on a name its function assigned a dict to."""
    allowed = set()
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        dicts = {
            target.id
            for node in ast.walk(function)
            if isinstance(node, ast.Assign) and _makes_dict(node.value)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        allowed |= {
            id(node)
            for node in ast.walk(function)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "update"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in dicts
        }
    return allowed


def offences(source: str, filename: str = "<source>") -> list[str]:
    """``filename:line: what`` for every write, lock or transaction in ``source``."""
    tree = ast.parse(source, filename)
    dict_updates = _dict_updates(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in dict_updates:
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_METHODS:
            found.append((node.lineno, f"calls .{node.func.attr}()"))
        elif isinstance(node, ast.Attribute) and node.attr in LOCKS:
            found.append((node.lineno, f"uses .{node.attr}"))
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "atomic"
            and isinstance(node.value, ast.Name)
            and node.value.id == "transaction"
        ):
            found.append((node.lineno, "opens a transaction (transaction.atomic)"))
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module == "django.db.transaction"
            and any(alias.name == "atomic" for alias in node.names)
        ):
            found.append((node.lineno, "imports atomic from django.db.transaction"))
    return [f"{filename}:{line}: {what}" for line, what in sorted(found)]


def test_the_view_modules_are_found():
    names = {f"{path.parent.name}/{path.name}" for path in view_modules()}
    assert {"views/drafting.py", "views/bookings.py", "views/organisations.py", "views/two_factor.py"} <= names
    assert {"notifications/views.py", "portal/views.py", "core/views.py"} <= names


def test_no_view_module_writes_or_opens_a_transaction():
    root = Path(settings.BASE_DIR)
    found = []
    for path in view_modules():
        found += offences(path.read_text(), str(path.relative_to(root)))
    assert not found, "Move these into the app's services.py:\n" + "\n".join(found)


# The test of the test: the checker sees a write in a view, and is quiet about a clean one.

DIRTY = """
from django.db import transaction


def engagement_delete(request, pk):
    engagement = get_engagement(request, pk)
    engagement.delete()
    return redirect(engagement.partnership)


def unit_edit(request, pk):
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=pk)
        unit.save()
    Unit.objects.filter(pk=pk).update(name="x")
    units = Unit.objects.filter(pk=pk)
    units.update(name="y")
"""

CLEAN = """
from . import services


def engagement_delete(request, pk):
    engagement = get_engagement(request, pk)
    services.delete_engagement(engagement, by=request.user)
    context = {"engagement": engagement}
    context.update(saved=True)
    pagination = paginate(request, engagement.actions.all())
    pagination.update(actions=pagination["page_obj"].object_list)
    return render(request, "partnerships/engagement_detail.html", context)
"""


def test_the_checker_reports_writes_locks_and_transactions_with_their_lines():
    assert offences(DIRTY, "partnerships/views/example.py") == [
        "partnerships/views/example.py:7: calls .delete()",
        "partnerships/views/example.py:12: opens a transaction (transaction.atomic)",
        "partnerships/views/example.py:13: uses .select_for_update",
        "partnerships/views/example.py:14: calls .save()",
        "partnerships/views/example.py:15: calls .update()",
        "partnerships/views/example.py:17: calls .update()",
    ]


def test_the_checker_sees_obj_save_inside_a_view_function():
    source = "def view(request, pk):\n    obj = get(pk)\n    obj.save()\n"
    assert offences(source, "app/views.py") == ["app/views.py:3: calls .save()"]


def test_the_checker_is_quiet_about_a_clean_view():
    assert offences(CLEAN) == []
    assert offences("from django.db.transaction import atomic\n") == [
        "<source>:1: imports atomic from django.db.transaction"
    ]
