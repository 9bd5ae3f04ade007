"""Colours the workspace uses for role groups and relations (one place, so screens agree)."""

from __future__ import annotations

from coder.domain import Relation, RoleGroup

ROLE_COLORS: dict[RoleGroup | None, str] = {
    RoleGroup.POLITICIAN: "#e15759",
    RoleGroup.CEO_LEVEL: "#f28e2b",
    RoleGroup.STAFF_SUPPORT: "#4e9bd7",
    RoleGroup.UNIT_LEADER: "#59a14f",
    RoleGroup.INTERVIEWER: "#9c9c9c",
    RoleGroup.OTHER: "#b07aa1",
    None: "#9c9c9c",
}

RELATION_NAMES: dict[Relation | None, str] = {
    Relation.POLITICIANS: "politicians (politisk ledelse)",
    Relation.CEO: "CEO level (rådmannsnivået)",
    Relation.UNITS: "units (virksomhetene)",
    None: "no relation",
}
RELATION_SHORT: dict[Relation | None, str] = {
    Relation.POLITICIANS: "pol",
    Relation.CEO: "ceo",
    Relation.UNITS: "uni",
    None: "—",
}


def role_color(group: RoleGroup | None) -> str:
    return ROLE_COLORS.get(group, ROLE_COLORS[None])


def role_name(group: RoleGroup | None) -> str:
    return group.value.replace("_", " ") if group is not None else "unknown"
