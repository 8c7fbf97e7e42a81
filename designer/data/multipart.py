"""A streaming multipart/form-data reader: file parts go straight to files in large blocks, fields stay small.

Werkzeug's general parser moves a file part through many small buffers; an upload of
hundreds of megabytes spends most of its time there. This reader takes 1 MiB reads and
finds the boundary with `bytes.find`, so a file part costs little more than writing it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Callable

from werkzeug.http import parse_options_header

from designer.data.errors import DataError

BLOCK = 1 << 20
MAX_HEADER_BYTES = 16 << 10
MAX_FIELD_BYTES = 1 << 20


@dataclass
class Parts:
    fields: dict = field(default_factory=dict)
    #: (field name, file name as sent, the open file it was written to)
    files: list = field(default_factory=list)


def read_multipart(stream: IO[bytes], boundary: bytes, open_file: Callable[[], IO[bytes]], *,
                   limit: int, too_large: Callable[[], Exception]) -> Parts:
    """Parse the body on `stream`; file parts are written to files from `open_file()` (left open)."""
    reader = _Reader(stream, limit, too_large)
    delimiter = b"--" + boundary
    separator = b"\r\n" + delimiter
    parts = Parts()
    # The preamble ends at the first delimiter line.
    if not reader.skip_to(delimiter):
        raise DataError(400, "invalid-upload", "the upload is not multipart/form-data: its boundary never appears")
    while True:
        ending = reader.take(2)
        if ending == b"--":
            return parts
        if ending != b"\r\n":
            raise DataError(400, "invalid-upload", "the upload's multipart framing is broken")
        headers = reader.until(b"\r\n\r\n", MAX_HEADER_BYTES)
        if headers is None:
            raise DataError(400, "invalid-upload", "a part of the upload has no end to its headers")
        name, filename = _disposition(headers)
        if filename is not None:
            handle = open_file()
            parts.files.append((name, filename, handle))
            reader.copy_until(separator, handle.write)
        else:
            chunks: list[bytes] = []
            size = [0]

            def keep(data: bytes) -> None:
                size[0] += len(data)
                if size[0] > MAX_FIELD_BYTES:
                    raise DataError(400, "invalid-upload", f"form field '{name}' is larger than 1 MiB")
                chunks.append(bytes(data))

            reader.copy_until(separator, keep)
            parts.fields[name] = b"".join(chunks).decode("utf-8", "replace")


def _disposition(headers: bytes) -> tuple[str, str | None]:
    for line in headers.decode("utf-8", "replace").split("\r\n"):
        key, _, value = line.partition(":")
        if key.strip().lower() == "content-disposition":
            _, options = parse_options_header(value.strip())
            return options.get("name", ""), options.get("filename")
    raise DataError(400, "invalid-upload", "a part of the upload has no Content-Disposition header")


class _Reader:
    """Buffered reads with a byte budget; the buffer never holds much more than one block."""

    def __init__(self, stream, limit: int, too_large):
        self.stream, self.limit, self.too_large = stream, limit, too_large
        self.buffer = bytearray()
        self.seen = 0
        self.done = False

    def _fill(self) -> bool:
        data = self._read_block()
        if not data:
            return False
        self.buffer += data
        return True

    def take(self, count: int) -> bytes:
        while len(self.buffer) < count and self._fill():
            pass
        out = bytes(self.buffer[:count])
        del self.buffer[:count]
        return out

    def until(self, marker: bytes, most: int) -> bytes | None:
        """The bytes before `marker` (consumed with it), or None when it is not within `most` bytes."""
        while True:
            at = self.buffer.find(marker)
            if at >= 0:
                out = bytes(self.buffer[:at])
                del self.buffer[:at + len(marker)]
                return out
            if len(self.buffer) > most or not self._fill():
                return None

    def skip_to(self, marker: bytes) -> bool:
        return self.until(marker, 1 << 30) is not None

    def copy_until(self, marker: bytes, write) -> None:
        """Hand every byte before `marker` to `write`, consuming the marker.

        Large parts are written straight from each block read (no copy into the buffer): only
        the last len(marker) - 1 bytes of a block are held back, in case the marker straddles
        two blocks.
        """
        keep = len(marker) - 1
        at = self.buffer.find(marker)
        if at >= 0:
            if at:
                write(memoryview(self.buffer)[:at])
            del self.buffer[:at + len(marker)]
            return
        tail = bytes(self.buffer)
        self.buffer = bytearray()
        block = bytearray(BLOCK)  # reused: each block is written out before the next is read into it
        view = memoryview(block)
        while True:
            size = self._read_into(block)
            if not size:
                raise DataError(400, "invalid-upload", "the upload ended before its last part did "
                                "(the connection may have dropped); nothing was kept")
            seam = tail + bytes(view[:min(keep, size)])
            at = seam.find(marker)
            if at >= 0:  # the marker starts in the held-back tail
                if at:
                    write(seam[:at])
                self.buffer = bytearray(view[at + len(marker) - len(tail):size])
                return
            at = block.find(marker, 0, size)
            if at >= 0:
                if tail:
                    write(tail)
                if at:
                    write(view[:at])
                self.buffer = bytearray(view[at + len(marker):size])
                return
            if tail:
                write(tail)
            if size > keep:
                write(view[:size - keep])
                tail = bytes(view[size - keep:size])
            else:
                tail = bytes(view[:size])

    def _read_into(self, block: bytearray) -> int:
        """Fill `block` from the stream (fewer bytes only at the end of the body); returns the count."""
        if self.done:
            return 0
        view = memoryview(block)
        filled = 0
        readinto = getattr(self.stream, "readinto", None)
        while filled < len(block):
            if readinto is not None:
                got = readinto(view[filled:])
            else:
                data = self.stream.read(len(block) - filled)
                got = len(data)
                view[filled:filled + got] = data
            if not got:
                self.done = True
                break
            filled += got
        self.seen += filled
        if self.seen > self.limit:
            raise self.too_large()
        return filled

    def _read_block(self) -> bytes:
        if self.done:
            return b""
        data = self.stream.read(BLOCK)
        if not data:
            self.done = True
            return b""
        self.seen += len(data)
        if self.seen > self.limit:
            raise self.too_large()
        return data
