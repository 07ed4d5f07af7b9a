"""Who acts: the :func:`authenticate` dependency and an endpoint's ``Caller``. The example
trusts the ``X-Staff-Id`` header; a host replaces :func:`authenticate` with its own check."""

from typing import Annotated, Optional

from fastapi import Depends, Header

import medsched as m


def authenticate(
    x_staff_id: Optional[str] = Header(
        None, description="The staff member acting (the example trusts it as sent)."
    ),
) -> Optional[m.Actor]:
    """Who is calling, as medsched's actor: a staff member, or ``None`` for a patient acting
    for themselves (the body's ``patient_id``). The example trusts the ``X-Staff-Id`` header;
    a host puts its own check in its place::

        def verified(authorization: str = Header()) -> m.Actor:
            return m.Actor.staff(my_sessions.staff_id(authorization))  # or raise 401

        app.dependency_overrides[authenticate] = verified
    """
    return m.Actor.staff(x_staff_id) if x_staff_id else None


Caller = Annotated[Optional[m.Actor], Depends(authenticate)]
"""An endpoint's acting caller, as :func:`authenticate` (or the host's override) finds it."""
