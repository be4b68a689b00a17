"""Who am I: the signed-in user and their municipalities."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency

from app.api.v1.responses import ProblemOperation, problems
from app.api.v1.schemas import MeOut, MunicipalityOut
from app.auth.principal import Actor


@get(
    "/me",
    summary="The signed-in user",
    tags=["session"],
    responses=problems(401),
    operation_class=ProblemOperation,
)
async def me(actor: NamedDependency[Actor]) -> MeOut:
    return MeOut(
        id=actor.user_id,
        username=actor.username,
        full_name=actor.full_name,
        municipality_id=actor.tenant_id,
        permissions=sorted(p.value for p in actor.permissions),
        municipalities=[
            MunicipalityOut(id=m.tenant_id, name=m.name, roles=list(m.roles)) for m in actor.memberships
        ],
    )
