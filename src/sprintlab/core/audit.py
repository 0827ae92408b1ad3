from django.db import models

from sprintlab.core.models import AuditEntry


def record_audit(*, actor, action: str, target: models.Model, **data) -> AuditEntry:
    """Record ``action`` on ``target``; call it inside the service's transaction."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data,
    )
