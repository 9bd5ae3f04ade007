"""Mutation strategies for fuzzing importers with damaged versions of valid files.

Byte-level mutations (flip, insert, delete, duplicate, truncate) apply to any file; zip formats
(.docx, .odt, .qdpx) are also mutated inside: one XML member is damaged and the archive rebuilt.
"""

from __future__ import annotations

import io
import os
import zipfile
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, func, select

settings.register_profile(
    "reliability",
    max_examples=int(os.environ.get("CODER_FUZZ_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=not os.environ.get("CODER_FUZZ_RANDOM"),
)
FUZZ = settings.get_profile("reliability")

# Fragments that matter to the parsers: markup, separators, encodings' troublemakers.
PIECES = [
    b"<", b">", b"</", b"/>", b"&", b"&amp;", b"&#0;", b"<![CDATA[", b"]]>", b'"', b"=",
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"\xe2\x80\xa8", b"\r\n", b"\n\n", b":",
    b"---\n", b"-->", b"WEBVTT", b"00:00:01.000 --> 00:00:00.500", b"<v ", b"**", b"#",
    b"participants:", b"role: ", b"{", b"}", b"\t", b" " * 40, b"\xc3\xa6\xc3\xb8\xc3\xa5",
]  # fmt: skip

OP = st.tuples(
    st.sampled_from(["flip", "insert", "piece", "delete", "duplicate", "truncate"]),
    st.integers(min_value=0, max_value=2**31),
    st.integers(min_value=0, max_value=2**31),
    st.binary(min_size=1, max_size=6),
)
OPS = st.lists(OP, min_size=1, max_size=5)


def apply_ops(data: bytes, ops: list[tuple[str, int, int, bytes]]) -> bytes:
    buf = bytearray(data)
    for kind, a, b, blob in ops:
        n = len(buf)
        pos = a % (n + 1)
        if kind == "flip" and n:
            buf[pos % n] ^= 1 << (b % 8)
        elif kind == "insert":
            buf[pos:pos] = blob
        elif kind == "piece":
            buf[pos:pos] = PIECES[b % len(PIECES)]
        elif kind == "delete" and n:
            del buf[pos : pos + 1 + b % 64]
        elif kind == "duplicate" and n:
            buf[pos:pos] = buf[pos : pos + 1 + b % 256]
        elif kind == "truncate":
            del buf[pos:]
    return bytes(buf)


def xml_members(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [n for n in zf.namelist() if n.endswith(".xml") or n.endswith(".qde")]


def mutate_member(data: bytes, member: str, ops: list[tuple[str, int, int, bytes]]) -> bytes:
    """The archive rebuilt with one member damaged (other members copied as they were)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info)
            if info.filename == member:
                body = apply_ops(body, ops)
            dst.writestr(info, body)
    return out.getvalue()


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, *, zipped: bool = False) -> bytes:
    """A damaged version of `seed`: bytes mutated, or (zip formats) one inner XML member."""
    ops = draw(OPS)
    if zipped and draw(st.booleans()):
        members = xml_members(seed)
        member = members[draw(st.integers(0, len(members) - 1))]
        return mutate_member(seed, member, ops)
    return apply_ops(seed, ops)


_META: dict[int, MetaData] = {}


def row_counts(engine: Any) -> dict[str, int]:
    """Rows in every table: what a failed import must leave unchanged."""
    meta = _META.get(id(engine))
    if meta is None:
        meta = _META[id(engine)] = MetaData()
        meta.reflect(engine)
    with engine.connect() as conn:
        return {
            name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for name, t in meta.tables.items()
        }
