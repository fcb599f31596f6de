"""What else happens when a person is deactivated, registered by the apps that hold their
commitments (training releases their places), so that accounts and people import none of them.

``people.services.deactivate`` calls ``run`` in its transaction, after the account is marked
inactive: each hook sees an inactive person and must leave their history as it is.
"""

from collections.abc import Callable

_hooks: list[Callable] = []


def register(hook: Callable) -> None:
    """``hook(person, *, by)``, called once for each deactivation."""
    if hook not in _hooks:
        _hooks.append(hook)


def run(person, *, by) -> None:
    for hook in _hooks:
        hook(person, by=by)
