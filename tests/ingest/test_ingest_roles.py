"""Role-label -> RoleGroup mapping (roles.py is the only place that knows it)."""

from __future__ import annotations

import pytest

from coder.domain import RoleGroup
from coder.ingest.roles import infer_role, is_party, parse_role_value

P, C, S, U, IV, OT = (
    RoleGroup.POLITICIAN,
    RoleGroup.CEO_LEVEL,
    RoleGroup.STAFF_SUPPORT,
    RoleGroup.UNIT_LEADER,
    RoleGroup.INTERVIEWER,
    RoleGroup.OTHER,
)

TABLE = [
    ("Ordfører", P), ("ordføreren", P), ("Varaordfører", P), ("Gruppeleder H", P),
    ("Formannskapsmedlem", P), ("Kommunestyremedlem", P), ("Bystyrerepresentant", P),
    ("Politiker", P), ("Statsråd", P),
    ("Rådmann", C), ("rådmannen", C), ("Assisterende rådmann", C), ("Kommunalsjef", C),
    ("Kommunalsjef oppvekst", C), ("KOMMUNALSJEF HELSE", C), ("Kommunedirektør", C),
    ("Kommunaldirektør", C), ("Ledergruppen", C), ("Kommuneleder", C), ("Leder tjenestetorget", S), ("Utviklingssjef", S),
    ("Økonomisjef", S), ("Personalsjef", S), ("Organisasjonssjef", S), ("IKT-sjef", S),
    ("IKT sjef", S), ("Informasjonssjef", S), ("Plansjef", S), ("Controller", S),
    ("Rådgiver", S), ("Stabsleder", S), ("Personalrådgiver", S), ("Lønnsleder", S),
    ("Arkivleder", S), ("Servicetorget", S), ("Rådgiver i rådmannens stab", S),
    ("Virksomhetsleder", U), ("Virksomhetsleder skole", U), ("Enhetsleder", U),
    ("Enhetsleder hjemmetjenesten", U), ("Resultatenhetsleder", U), ("Rektor", U),
    ("Styrer", U), ("Avdelingsleder", U), ("Sykehjemsleder", U), ("Barnehagestyrer", U),
    ("Tjenesteleder", U), ("enhetslederne", U),
    ("Opposisjonsleder", P), ("Leder av hovedutvalg for oppvekst", P),
    ("Sektorleder skole", U), ("Leder for hjemmetjenesten", U), ("Leder sykehjemmet", U),
    ("Intervjuer", IV), ("Intervjuer 2", IV), ("I", IV), ("Q", IV), ("I2", IV),
    ("Moderator", IV), ("Forsker", IV),
    ("Ordførar", P), ("Rådgjevar", S), ("Einingsleiar pleie", U), ("Verksemdsleiar", U),
    ("Intervjuar", IV),
    ("Kari Nordmann", OT), ("A", OT), ("Deltaker 3", OT), ("", OT),
]  # fmt: skip


@pytest.mark.parametrize(("label", "group"), TABLE)
def test_role_table(label: str, group: RoleGroup) -> None:
    assert infer_role(label)[0] is group


def test_parties() -> None:
    for party in ("Ap", "A", "H", "FrP", "Frp", "Sp", "SV", "KrF", "V", "R", "MDG", "PF"):
        assert is_party(party)
        assert infer_role(party, allow_party=True)[0] is P
    assert is_party("Arbeiderpartiet")
    assert not is_party("ordfører")


def test_header_role_values() -> None:
    assert parse_role_value("ceo_level") == (C, None)
    assert parse_role_value("Unit_Leader") == (U, None)
    assert parse_role_value("Kommunalsjef helse") == (C, "Kommunalsjef helse")
    assert parse_role_value("Ap") == (P, "Ap")
    assert parse_role_value("other") == (OT, None)
    assert parse_role_value("astronaut") is None
