"""Predicates every app shares. Apps build their own rules on these, so none imports another app's permissions for them."""

import rules


@rules.predicate
def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated)
