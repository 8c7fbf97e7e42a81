"""Where execute-python-script's code runs: a bubblewrap sandbox when the machine has one, else rlimits.

Either way the script gets its own session and process group, a scrubbed
environment, a private working folder, no inherited file handles, and
memory / process / CPU-time limits; it is killed as a whole tree. With
bubblewrap it also gets a read-only system with only the Python install and
its own folder visible (so no database, no datastore, no home), no network and
its own PID namespace. When the server runs as root the script runs as a
throwaway user id, so the process limit bites and killing that uid kills every
process the script started, even a double-forked one.

The server sets the limits with environment variables (read at each run):
DESIGNER_SCRIPT_MAX_SECONDS, DESIGNER_SCRIPT_MEMORY_MB, DESIGNER_SCRIPT_MAX_PROCESSES
and DESIGNER_SCRIPT_SANDBOX (auto | bubblewrap | rlimits). The entry scripts of deployed models
(designer.serving.entry_script) run in this sandbox too, with DESIGNER_ENDPOINT_MEMORY_MB.
"""
from __future__ import annotations

import functools
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

#: Where the script's folder appears inside the bubblewrap sandbox.
SANDBOX_DIR = "/sandbox"
BUBBLEWRAP, RLIMITS = "bubblewrap", "rlimits"
#: Throwaway user ids for scripts when the server is root (well above any real account).
UID_BASE, UID_SPAN = 1_500_000, 400_000
#: Seconds the host has to kill its descendants when asked to stop, before its group is killed.
STOP_GRACE = 2.0


@dataclass(frozen=True)
class ScriptLimits:
    max_seconds: int = 3600
    memory_bytes: int = 2048 << 20
    processes: int = 64
    file_bytes: int = 2 << 30
    open_files: int = 256

    @classmethod
    def from_environment(cls, memory_setting: str = "DESIGNER_SCRIPT_MEMORY_MB",
                         memory_mb: int = 2048) -> "ScriptLimits":
        """The server's limits; a caller whose scripts need more address space names its own memory setting."""
        def number(name: str, default: int, scale: int = 1) -> int:
            try:
                return max(1, int(os.environ.get(name, ""))) * scale
            except ValueError:
                return default
        base = cls()
        return cls(max_seconds=number("DESIGNER_SCRIPT_MAX_SECONDS", base.max_seconds),
                   memory_bytes=number(memory_setting, memory_mb << 20, 1 << 20),
                   processes=number("DESIGNER_SCRIPT_MAX_PROCESSES", base.processes))

    def describe(self) -> str:
        return (f"{self.memory_bytes >> 20} MiB memory, {self.processes} processes, "
                f"at most {self.max_seconds} s")


@dataclass(frozen=True)
class Isolation:
    level: str  # BUBBLEWRAP or RLIMITS
    reason: str = ""  # why bubblewrap is not used, when it is not

    def describe(self) -> str:
        if self.level == BUBBLEWRAP:
            return ("bubblewrap (read-only system, only its own folder visible, no network, own PID namespace)")
        return f"rlimits only ({self.reason})" if self.reason else "rlimits only"


@functools.lru_cache(maxsize=None)
def _probe(bwrap: str | None) -> Isolation:
    if bwrap is None:
        return Isolation(RLIMITS, "bubblewrap is not installed: apt-get install bubblewrap")
    try:
        probe = subprocess.run([bwrap, *_bwrap_mounts(), *_namespaces(), "--die-with-parent",
                                sys.executable, "-I", "-c", "pass"],
                               capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Isolation(RLIMITS, f"bubblewrap cannot run here: {exc}")
    if probe.returncode != 0:
        return Isolation(RLIMITS, f"bubblewrap cannot run here: {probe.stderr.strip()[:300]}")
    return Isolation(BUBBLEWRAP)


def detect_isolation() -> Isolation:
    """What this machine gives scripts (checked once per process by running bubblewrap for real)."""
    wanted = os.environ.get("DESIGNER_SCRIPT_SANDBOX", "auto")
    if wanted == RLIMITS:
        return Isolation(RLIMITS, "DESIGNER_SCRIPT_SANDBOX=rlimits")
    return _probe(shutil.which("bwrap"))


def _python_roots() -> list[tuple[str, str]]:
    """(source, place) of the folders the interpreter and its packages live in: all a script may see
    besides its own folder. A virtualenv reached through a link is shown at both its paths."""
    places = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.dirname(sys.executable)),
              os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))}
    pairs = set()
    for place in places:
        for shown in {os.path.abspath(place), os.path.realpath(place)}:
            if shown not in ("/", "/usr") and not shown.startswith("/usr/"):
                pairs.add((os.path.realpath(place), shown))
    return sorted(pairs, key=lambda pair: pair[1])


def _bwrap_mounts(shown: tuple[str, ...] = ()) -> list[str]:
    # A private /dev/shm anyone may write to, as on a normal system (joblib's and multiprocessing's semaphores).
    args = ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/dev/shm",
            "--tmpfs", "/tmp"]
    for name in ("bin", "lib", "lib32", "lib64", "sbin"):
        path = f"/{name}"
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for name in ("/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives"):
        if os.path.exists(name):
            args += ["--ro-bind", name, name]
    made = {"/", "/usr", "/tmp", "/etc"}
    roots = _python_roots()
    for folder in shown:  # a folder already inside the Python install is shown with it
        if not any(Path(folder).is_relative_to(place) for _, place in roots):
            roots.append((os.path.realpath(folder), folder))
    for source, place in roots:
        # Folders on the way are made traversable (bwrap would copy /root's 0700), nothing in them shown.
        for parent in reversed(Path(place).parents):
            if str(parent) not in made:
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", source, place]
    return args


def _namespaces() -> list[str]:
    # As root no user namespace: the script then drops to a real throwaway uid, which RLIMIT_NPROC
    # counts (root, and root mapped into a namespace, would be exempt).
    shared = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    return shared if os.geteuid() == 0 else ["--unshare-user", *shared]


def inside_path(work: Path, isolation: Isolation) -> str:
    """Where the script sees its folder `work`."""
    return SANDBOX_DIR if isolation.level == BUBBLEWRAP else str(work)


def _hand_over(work: Path, uid: int | None, read_only: tuple[str, ...]) -> None:
    """Give the throwaway uid its folder, all but what it may only read (sticky: it cannot swap those)."""
    os.chmod(work, 0o1700)
    kept = {work / name for name in read_only}
    for path in kept:
        for part in [path, *path.rglob("*")] if path.is_dir() else [path]:
            # Readable by all, and the server's: a throwaway uid can neither change them nor add files.
            os.chmod(part, 0o755 if part.is_dir() else 0o444)
    if uid is not None:
        for path in [work, *work.iterdir()]:
            if path not in kept:
                os.chown(path, uid, uid)


def _clean_environment(home: str) -> dict:
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TMPDIR": "/tmp" if home == SANDBOX_DIR else home,
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1",
            # One thread per math library: predictable memory under RLIMIT_AS.
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class SandboxedProcess:
    """The script's process: start it in `work` under `limits`, then `stop()` kills it and all it started.

    Both hosts are started this one way. `read_only` names files or folders in `work` the script may read
    but not change (bubblewrap binds them read-only over themselves; without it they stay the server's and
    lose their write bits); `shown` are folders outside `work` (the project's packages) shown read-only at
    their own path. `environment` is added to the scrubbed one, `host_args` follow the folder on the host's
    command line. `cpu_seconds` caps CPU time over the whole life of the process (None: no cap, for a
    long-lived host whose every request has a wall-clock limit instead). A `lasting` process is started
    from a thread that lives as long as the server: bubblewrap's --die-with-parent follows the thread that
    started it, and a request's thread ends with its request.
    """

    def __init__(self, work: Path, host_file: str, limits: ScriptLimits, isolation: Isolation, *,
                 read_only: tuple[str, ...] = (), shown: tuple[str, ...] = (), environment: dict | None = None,
                 host_args: tuple[str, ...] = (), stdin=subprocess.DEVNULL, cpu_seconds: int | None = -1,
                 lasting: bool = False):
        self.work, self.limits, self.isolation = Path(work), limits, isolation
        self.cpu_seconds = limits.max_seconds + 5 if cpu_seconds == -1 else cpu_seconds
        throwaway = os.geteuid() == 0 and (isolation.level == BUBBLEWRAP or others_can_run_python())
        self.uid = UID_BASE + secrets.randbelow(UID_SPAN) if throwaway else None
        _hand_over(self.work, self.uid, read_only)
        inside = inside_path(self.work, isolation)
        env = {**_clean_environment(inside), **(environment or {})}
        host = [sys.executable, "-I", f"{inside}/{host_file}"]
        if isolation.level == BUBBLEWRAP:
            command = [shutil.which("bwrap"), *_bwrap_mounts(shown), "--bind", str(self.work), SANDBOX_DIR]
            for name in read_only:
                command += ["--ro-bind", str(self.work / name), f"{SANDBOX_DIR}/{name}"]
            command += ["--chdir", SANDBOX_DIR, *_namespaces(), "--die-with-parent", "--new-session",
                        "--hostname", "sandbox", "--clearenv"]
            for key, value in env.items():
                command += ["--setenv", key, value]
            # The host drops to the throwaway uid before running any user code.
            command += ["--", *host, *(["--uid", str(self.uid)] if self.uid is not None else []), inside]
            env = {}
        else:
            command = [*host, inside]
        start = functools.partial(
            subprocess.Popen, [*command, *host_args], cwd=self.work, env=env, stdin=stdin,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
            close_fds=True, start_new_session=True, preexec_fn=self._limit)
        self.process = _lasting_thread().submit(start).result() if lasting else start()

    def _limit(self) -> None:  # runs in the child between fork and exec
        limits = self.limits
        for kind, value in ((resource.RLIMIT_AS, limits.memory_bytes), (resource.RLIMIT_NPROC, limits.processes),
                            (resource.RLIMIT_CPU, self.cpu_seconds or resource.RLIM_INFINITY),
                            (resource.RLIMIT_FSIZE, limits.file_bytes),
                            (resource.RLIMIT_NOFILE, limits.open_files), (resource.RLIMIT_CORE, 0)):
            try:
                resource.setrlimit(kind, (value, value))
            except (ValueError, OSError):
                pass
        if self.uid is not None and self.isolation.level != BUBBLEWRAP:
            os.setgroups([])
            os.setgid(self.uid)
            os.setuid(self.uid)

    @property
    def runs_as(self) -> str:
        return f"throwaway uid {self.uid}" if self.uid is not None else "the server's user"

    def poll(self):
        return self.process.poll()

    @property
    def returncode(self):
        return self.process.returncode

    def stop(self) -> None:
        """Kill the script and everything it started: its PID namespace (bubblewrap) or its whole uid (root),
        and otherwise what the host, a child subreaper, still holds when asked to stop, then its group."""
        if self.process.poll() is None and self.isolation.level != BUBBLEWRAP and self.uid is None:
            try:
                self.process.terminate()  # the host kills its descendants on SIGTERM
                self.process.wait(timeout=STOP_GRACE)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.uid is not None:
            _kill_uid(self.uid)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_starter: ThreadPoolExecutor | None = None
_starter_lock = threading.Lock()


def _lasting_thread() -> ThreadPoolExecutor:
    """This process's one starter thread, made when first needed."""
    global _starter
    with _starter_lock:
        if _starter is None:
            _starter = ThreadPoolExecutor(1, thread_name_prefix="sandbox-starter")
        return _starter


def _forget_starter() -> None:
    """In a forked worker: threads do not survive a fork (nor may a lock another thread held), so start afresh."""
    global _starter, _starter_lock
    _starter, _starter_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_starter)


def others_can_run_python() -> bool:
    """Whether a user other than the owner may run this Python (every folder on the way is o+x): a
    pyenv under root's 0700 home is not, and then the rlimits fallback cannot switch to a throwaway uid."""
    for place in {os.path.realpath(sys.executable), os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}:
        path = Path(place)
        for folder in [*path.parents, path] if path.is_dir() else path.parents:
            try:
                if not folder.stat().st_mode & 0o001:
                    return False
            except OSError:
                return False
    return True


def _kill_uid(uid: int) -> None:
    """Kill every process of `uid`: a child takes that uid and signals -1 (all it may signal, itself excepted)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child only signals and exits
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            for _ in range(3):  # a fork racing the first sweep is caught by the next
                os.kill(-1, signal.SIGKILL)
                time.sleep(0.01)
        except OSError:
            pass
        os._exit(0)
    os.waitpid(pid, 0)


def kill_process_group(process) -> None:
    """Stop a child started in its own session and everything it started (its whole process group)."""
    if process.poll() is not None:
        return
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass
    process.wait()
