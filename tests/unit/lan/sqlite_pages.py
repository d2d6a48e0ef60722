"""Read an SQLite file's raw pages, as someone holding the event file could: free pages and
the cells of a WITHOUT ROWID table's b-tree with their byte offsets on their page.

Only what the secrecy tests need (https://www.sqlite.org/fileformat2.html): index b-tree
pages (a WITHOUT ROWID table is one), records without overflow, the freelist.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

INTERIOR_INDEX, LEAF_INDEX = 2, 10


def page_size(data: bytes) -> int:
    size = struct.unpack(">H", data[16:18])[0]
    return 65536 if size == 1 else size


def page(data: bytes, number: int) -> bytes:
    size = page_size(data)
    return data[(number - 1) * size:number * size]


def freelist(data: bytes) -> tuple[list[int], list[int]]:
    """(trunk pages, leaf pages) of the freelist."""
    trunk = struct.unpack(">I", data[32:36])[0]
    trunks: list[int] = []
    leaves: list[int] = []
    while trunk:
        trunks.append(trunk)
        body = page(data, trunk)
        following, count = struct.unpack(">II", body[:8])
        leaves += [struct.unpack(">I", body[8 + 4 * i:12 + 4 * i])[0] for i in range(count)]
        trunk = following
    return trunks, leaves


def varint(buf: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = buf[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + i + 1
    raise AssertionError("unreachable")


def record(payload: bytes) -> list[Any]:
    """The values of a record (integers, text, None)."""
    header_size, at = varint(payload, 0)
    types = []
    while at < header_size:
        serial, at = varint(payload, at)
        types.append(serial)
    values: list[Any] = []
    at = header_size
    widths = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}
    for serial in types:
        if serial == 0:
            values.append(None)
        elif serial in widths:
            width = widths[serial]
            values.append(int.from_bytes(payload[at:at + width], "big", signed=True))
            at += width
        elif serial in (8, 9):
            values.append(serial - 8)
        elif serial >= 12:
            length = (serial - 12) // 2
            raw = payload[at:at + length]
            values.append(raw.decode() if serial % 2 else raw)
            at += length
        else:
            raise AssertionError(f"serial type {serial} not handled")
    return values


@dataclass(frozen=True)
class Cell:
    page: int
    offset: int
    """Where the cell starts on its page: SQLite fills a page from its end towards its start,
    so on a page that was never rebuilt, a lower offset means a later insert."""
    values: list[Any]


def index_leaf_cells(data: bytes, root: int) -> list[list[Cell]]:
    """The cells of each leaf page of the index b-tree at ``root``, in key order."""
    size = page_size(data)
    usable = size - data[20]
    max_local = (usable - 12) * 64 // 255 - 23
    leaves: list[list[Cell]] = []

    def walk(number: int) -> None:
        body = page(data, number)
        head = 100 if number == 1 else 0
        kind = body[head]
        count = struct.unpack(">H", body[head + 3:head + 5])[0]
        header = 12 if kind == INTERIOR_INDEX else 8
        pointers = [struct.unpack(">H", body[head + header + 2 * i:head + header + 2 + 2 * i])[0]
                    for i in range(count)]
        if kind == INTERIOR_INDEX:
            for offset in pointers:
                walk(struct.unpack(">I", body[offset:offset + 4])[0])
            walk(struct.unpack(">I", body[head + 8:head + 12])[0])
            return
        assert kind == LEAF_INDEX, f"page {number} is not an index b-tree page ({kind})"
        cells = []
        for offset in pointers:
            size_, at = varint(body, offset)
            assert size_ <= max_local, "overflow pages are not read here"
            cells.append(Cell(number, offset, record(body[at:at + size_])))
        leaves.append(cells)

    walk(root)
    return leaves
