"""Writing a pypdf writer's objects compactly: object streams and a cross-reference stream (PDF 1.5).

pypdf writes every object on its own, uncompressed. Inputs made by modern producers keep their
dictionaries in compressed object streams, so a plain rewrite grows them by about a fifth before
anything is added; packing the non-stream objects again brings the output back to the inputs' size.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from itertools import islice

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

# Objects per object stream: large enough to compress well, small enough that a reader that needs
# one object does not inflate megabytes to get it.
OBJECTS_PER_STREAM = 200
HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


class _Serializer:
    """pypdf's serialisation of direct objects (same syntax, less whitespace), with escaped names remembered: a
    bundle repeats a few hundred names hundreds of thousands of times, and escaping each one
    character by character was most of the writing time."""

    def __init__(self) -> None:
        self.names: dict[str, bytes] = {}
        self.sink = io.BytesIO()

    def dump(self, obj: PdfObject) -> bytes:
        parts: list[bytes] = []
        self._write(obj, parts)
        return b"".join(parts)

    def _write(self, obj: PdfObject, out: list[bytes]) -> None:
        if isinstance(obj, NameObject):
            name = self.names.get(obj)
            if name is None:
                name = self.names[obj] = obj.renumber()
            out.append(name)
        elif isinstance(obj, IndirectObject):
            out.append(b"%d %d R" % (obj.idnum, obj.generation))
        elif isinstance(obj, NumberObject):
            out.append(b"%d" % obj)
        elif isinstance(obj, DictionaryObject) and not isinstance(obj, StreamObject):
            out.append(b"<<")
            for key, value in obj.items():
                if len(key) > 2 and key[1] == "%" and key[-1] == "%":
                    continue  # pypdf's internal markers, never written
                self._write(key, out)
                out.append(b" ")
                self._write(value, out)
                out.append(b"\n")
            out.append(b">>")
        elif isinstance(obj, ArrayObject):
            out.append(b"[")
            for item in obj:
                out.append(b" ")
                self._write(item, out)
            out.append(b" ]")
        elif isinstance(obj, FloatObject):
            out.append(obj.myrepr().encode())
        elif isinstance(obj, BooleanObject):
            out.append(b"true" if obj.value else b"false")
        elif isinstance(obj, NullObject):
            out.append(b"null")
        else:  # strings and anything rarer keep pypdf's own writer
            self.sink.seek(0)
            self.sink.truncate()
            obj.write_to_stream(self.sink)
            out.append(self.sink.getvalue())


def _batched(items: list[tuple[int, bytes]], size: int) -> Iterator[list[tuple[int, bytes]]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _stream_obj(idnum: int, meta: bytes, data: bytes) -> bytes:
    return b"%d 0 obj\n<< %s /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (idnum, meta, len(data), data)


def write_compact(writer: PdfWriter, file_id: bytes) -> bytes:
    """The whole file, with ``file_id`` (16 bytes) as both halves of /ID."""
    writer._resolve_links()  # what pypdf's own write does first: fix links between copied pages
    out = io.BytesIO()
    out.write(HEADER)
    entries: dict[int, tuple[int, int, int]] = {}  # idnum -> (type, field 2, field 3) of its xref row
    packed: list[tuple[int, bytes]] = []
    serializer = _Serializer()
    for idnum, obj in enumerate(writer._objects, start=1):
        if obj is None:
            entries[idnum] = (0, 0, 0)
        elif isinstance(obj, StreamObject):
            entries[idnum] = (1, out.tell(), 0)
            out.write(b"%d 0 obj\n" % idnum)
            obj.write_to_stream(out)
            out.write(b"\nendobj\n")
        else:
            packed.append((idnum, serializer.dump(obj)))

    next_id = len(writer._objects) + 1
    for chunk in _batched(packed, OBJECTS_PER_STREAM):
        stream_id = next_id
        next_id += 1
        pairs, offset = [], 0
        for index, (idnum, body) in enumerate(chunk):
            pairs.append(b"%d %d" % (idnum, offset))
            offset += len(body) + 1
            entries[idnum] = (2, stream_id, index)
        head = b" ".join(pairs) + b"\n"
        data = zlib.compress(head + b"\n".join(body for _, body in chunk) + b"\n", 6)
        meta = b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(chunk), len(head))
        entries[stream_id] = (1, out.tell(), 0)
        out.write(_stream_obj(stream_id, meta, data))

    xref_id = next_id
    entries[xref_id] = (1, out.tell(), 0)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]  # object 0, head of the free list
    rows.extend(
        bytes([kind]) + field2.to_bytes(4, "big") + field3.to_bytes(2, "big")
        for kind, field2, field3 in (entries[i] for i in range(1, xref_id + 1))
    )
    root = writer._root_object.indirect_reference
    info = writer._info.indirect_reference if writer._info is not None else None
    assert root is not None
    id_hex = file_id.hex().encode()
    meta = b"/Type /XRef /Size %d /W [1 4 2] /Root %d 0 R%s /ID [<%s> <%s>] /Filter /FlateDecode" % (
        xref_id + 1,
        root.idnum,
        b" /Info %d 0 R" % info.idnum if info is not None else b"",
        id_hex,
        id_hex,
    )
    xref_at = out.tell()
    out.write(_stream_obj(xref_id, meta, zlib.compress(b"".join(rows), 6)))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()
