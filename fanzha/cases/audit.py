"""The audit log: one row for every read and write of a case or a person, every export and import, every login.

``detail`` is always passed through ``fanzha.privacy.mask_text`` so that no phone, card or ID number lands in the
log in clear.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from fanzha.db.models import AUDIT_ACTIONS, AuditLog, User
from fanzha.privacy import mask_text

log = logging.getLogger("fanzha.audit")

MAX_DETAIL_CHARS = 2000


def audit(
    session: Session,
    *,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: str = "",
    username: str | None = None,
) -> None:
    """Add an audit row to ``session`` (committed with the caller's transaction)."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    masked = mask_text(detail)[:MAX_DETAIL_CHARS]
    name = actor.username if actor is not None else username
    session.add(
        AuditLog(
            user_id=actor.id if actor is not None else None,
            username=name,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=masked,
        )
    )
    log.info("audit %s %s %s#%s %s", name or "-", action, entity, entity_id if entity_id is not None else "-", masked)
