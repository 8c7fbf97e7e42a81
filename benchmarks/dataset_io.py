"""Bringing data in: upload throughput against `cp`, and registering an image folder against hashing it.

1. Upload: one file of --upload-mb (default 500 MB) is sent as multipart/form-data over HTTP to
   `POST /api/datastores/workspace/files` of a `designer serve` in its own process, against a
   plain `cp` of the same file on the same disk. Goal: upload ≥ 0.5× the speed of cp. Beside
   them, a bare Python socket receiver writing the same bytes to a file shows the ceiling any
   HTTP upload has on this machine (cp copies inside the kernel; a socket moves bytes twice).
2. Register: a folder of --images-mb (default 1024 MB) of images in class folders is registered
   as a dataset version (every byte copied into the content-addressed store and hashed), against
   reading and SHA-256 hashing its bytes once. Goal: registering takes < 2× the hashing. A
   `cp -r` of the folder is shown too: a version keeps its own copy (so editing a source file
   in place cannot change it), and no copy can be cheaper than the disk's writes.

Rounds alternate the two sides so page-cache warmth and disk state favour neither; the median
of --rounds is printed. The image files are random bytes behind a PNG signature (registration
reads no pixels, so decodable pixels would only make the set-up slower).

    python benchmarks/dataset_io.py                       # the issue's sizes
    python benchmarks/dataset_io.py --upload-mb 50 --images-mb 100 --rounds 2   # a quick run
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHUNK = 1 << 20
PNG = b"\x89PNG\r\n\x1a\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_file(path: Path, megabytes: int) -> None:
    block = os.urandom(CHUNK)
    with open(path, "wb") as fh:
        for n in range(megabytes):
            fh.write(block[n % 7:] + block[:n % 7])  # distinct blocks, cheap to make


def make_images(root: Path, megabytes: int, image_kb: int = 256) -> int:
    count = max(2, megabytes * 1024 // image_kb)
    payload = os.urandom(image_kb * 1024)
    for n in range(count):
        folder = root / f"class_{n % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        rotate = n % len(payload)
        (folder / f"{n:06d}.png").write_bytes(PNG + payload[rotate:] + payload[:rotate])
    return count


# ---------------------------------------------------------------- upload vs cp

def start_server(home: Path, port: int) -> subprocess.Popen:
    designer = Path(sys.executable).with_name("designer")
    process = subprocess.Popen([str(designer), "serve", "--port", str(port), "--home", str(home), "--no-examples"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("designer serve did not start")


def upload(port: int, source: Path, name: str) -> float:
    boundary = "designer-benchmark-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + source.stat().st_size + len(tail)
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.putrequest("POST", "/api/datastores/workspace/files")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(length))
    connection.endheaders()
    connection.send(head)
    with open(source, "rb") as fh:  # as a browser would: the client is not what is measured
        connection.sock.sendfile(fh)
    connection.send(tail)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 201:
        raise RuntimeError(f"upload failed: {response.status} {body[:300]!r}")
    return elapsed


def bare_socket(source: Path) -> float:
    """The ceiling on this machine: a bare Python socket receiver writing what it gets to a file."""
    import threading

    total = source.stat().st_size
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    target = source.with_name("bare.bin")

    def receive():
        connection, _ = listener.accept()
        block = bytearray(CHUNK)
        view = memoryview(block)
        got = 0
        with open(target, "wb", buffering=0) as out:
            while got < total:
                size = connection.recv_into(block)
                if not size:
                    break
                out.write(view[:size])
                got += size
        connection.sendall(b"ok")
        connection.close()

    thread = threading.Thread(target=receive)
    thread.start()
    started = time.perf_counter()
    with socket.create_connection(listener.getsockname()) as client, open(source, "rb") as fh:
        client.sendfile(fh)
        client.recv(2)
    thread.join()
    elapsed = time.perf_counter() - started
    listener.close()
    target.unlink()
    return elapsed


def copy_with_cp(source: Path, target: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["cp", str(source), str(target)], check=True)
    return time.perf_counter() - started


def bench_upload(work: Path, megabytes: int, rounds: int) -> tuple[float, float, float]:
    source = work / "big.bin"
    make_file(source, megabytes)
    home = work / "home"
    port = free_port()
    server = start_server(home, port)
    uploads, copies, sockets = [], [], []
    try:
        for n in range(rounds):
            order = (("upload", "cp", "socket") if n % 2 == 0 else ("socket", "cp", "upload"))
            for side in order:
                if side == "socket":
                    sockets.append(bare_socket(source))
                elif side == "upload":
                    uploads.append(upload(port, source, f"big-{n}.bin"))
                    (home / "datastore" / f"big-{n}.bin").unlink()
                else:
                    target = work / f"copy-{n}.bin"
                    copies.append(copy_with_cp(source, target))
                    target.unlink()
    finally:
        server.terminate()
        server.wait(10)
    return statistics.median(uploads), statistics.median(copies), statistics.median(sockets)


# ---------------------------------------------------------------- register vs hash

def hash_once(folder: Path) -> float:
    started = time.perf_counter()
    hasher = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(CHUNK), b""):
                hasher.update(block)
    return time.perf_counter() - started


def copy_folder(folder: Path, target: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["cp", "-r", str(folder), str(target)], check=True)
    elapsed = time.perf_counter() - started
    shutil.rmtree(target)
    return elapsed


def bench_register(work: Path, megabytes: int, rounds: int) -> tuple[float, float, float, int]:
    from designer.data.catalogue import DataCatalogue
    from designer.home import Home
    from designer.service import Designer

    home = Home.resolve(work / "register-home")
    count = make_images(home.datastore / "images", megabytes)
    designer = Designer(home)
    catalogue = DataCatalogue(designer)
    registers, hashes, copies = [], [], []
    try:
        for n in range(rounds):
            order = (("register", "hash", "cp") if n % 2 == 0 else ("cp", "hash", "register"))
            for side in order:
                if side == "cp":
                    copies.append(copy_folder(home.datastore / "images", work / "images-copy"))
                elif side == "register":
                    shutil.rmtree(designer.artifacts.objects, ignore_errors=True)  # a first registration each round
                    designer.artifacts.objects.mkdir()
                    designer.artifacts._made.clear()
                    started = time.perf_counter()
                    catalogue.register("images", path="images")
                    registers.append(time.perf_counter() - started)
                else:
                    hashes.append(hash_once(home.datastore / "images"))
    finally:
        designer.close()
    return statistics.median(registers), statistics.median(hashes), statistics.median(copies), count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upload-mb", type=int, default=500)
    parser.add_argument("--images-mb", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", default=None, help="work folder (default: a temporary folder on /tmp's disk)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        work = Path(tmp)
        up, cp, bare = bench_upload(work, args.upload_mb, args.rounds)
        print(f"upload {args.upload_mb} MB:      {args.upload_mb / up:7.1f} MB/s  ({up:.2f} s, median of {args.rounds})")
        print(f"cp     {args.upload_mb} MB:      {args.upload_mb / cp:7.1f} MB/s  ({cp:.2f} s)")
        print(f"bare socket receiver: {args.upload_mb / bare:7.1f} MB/s  ({bare:.2f} s; the loopback ceiling here)")
        print(f"  upload throughput / cp = {cp / up:.2f}x   (goal >= 0.5x); upload / bare socket = {bare / up:.2f}x")
        shutil.rmtree(work / "home", ignore_errors=True)
        (work / "big.bin").unlink()
        register, hashing, copying, count = bench_register(work, args.images_mb, args.rounds)
        print(f"register {args.images_mb} MB ({count} images): {register:.2f} s")
        print(f"sha256 of the same bytes once:        {hashing:.2f} s")
        print(f"cp -r of the same folder:             {copying:.2f} s  (the cost of any copy on this disk)")
        print(f"  register / hash = {register / hashing:.2f}x   (goal < 2x); register / cp -r = {register / copying:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
