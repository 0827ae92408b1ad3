"""Who may do what with accounts. Ask ``user.has_perm("accounts.<action>", obj)``."""

import rules

from sprintlab.core.permissions import is_signed_in, is_staff


@rules.predicate
def owns_token(user, token) -> bool:
    return bool(user and user.is_authenticated and token is not None and token.user_id == user.pk)


rules.add_perm("accounts.manage_own_tokens", is_signed_in)
rules.add_perm("accounts.revoke_token", owns_token | is_staff)
rules.add_perm("accounts.edit_own_profile", is_signed_in)
# The organisation-level organiser role (may create sprints) is granted by staff only.
rules.add_perm("accounts.grant_organiser_role", is_staff)
