"""The CLI's live view of a run: one line per node, with a bar for nodes that report progress."""
from __future__ import annotations

import sys
import threading
import time

SYMBOLS = {"queued": "·", "running": "▶", "completed": "✓", "cached": "♻", "failed": "✗",
           "skipped": "-", "cancelled": "⊘"}
BAR_WIDTH = 24


class ProgressDisplay:
    """Redraws a table of node states on a terminal; prints one line per change elsewhere."""

    def __init__(self, order: list[str], stream=None):
        self.stream = stream or sys.stderr
        self.order = order
        self.state = {n: {"status": "queued", "fraction": None, "message": "", "seconds": None, "cached": False}
                      for n in order}
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._lock = threading.Lock()
        self._drawn = 0
        self._last_draw = 0.0
        self._width = max([len(n) for n in order] + [4])

    def __call__(self, event: dict) -> None:
        node_id = event.get("node_id")
        kind = event.get("event")
        with self._lock:
            if kind == "node.status" and node_id in self.state:
                entry = self.state[node_id]
                changed = entry["status"] != event["status"]
                entry.update(status=event["status"], cached=event.get("cached", False))
                if event.get("seconds") is not None:
                    entry["seconds"] = event["seconds"]
                if event.get("error"):
                    entry["message"] = event["error"].splitlines()[0][:120]
                if self.live:
                    self._draw(force=True)
                elif changed and event["status"] != "queued":
                    self.stream.write(self._line(node_id) + "\n")
                    self.stream.flush()
            elif kind == "node.progress" and node_id in self.state:
                self.state[node_id].update(fraction=event.get("fraction"), message=event.get("message", ""))
                if self.live:
                    self._draw()
            elif kind == "node.metrics" and node_id in self.state and not self.live:
                numbers = ", ".join(f"{k}={_fmt(v)}" for k, v in event.items()
                                    if k not in ("event", "run_id", "node_id"))
                self.stream.write(f"  {node_id}: {numbers}\n")

    def _line(self, node_id: str) -> str:
        entry = self.state[node_id]
        status = entry["status"]
        text = f"{SYMBOLS.get(status, '?')} {node_id:<{self._width}}  {status:<9}"
        if entry["seconds"] is not None and status in ("completed", "failed", "cancelled"):
            text += f" {entry['seconds']:7.2f}s"
        if status == "cached":
            text += "   (from cache)"
        if status == "running" and entry["fraction"] is not None:
            filled = int(round(entry["fraction"] * BAR_WIDTH))
            text += f" [{'█' * filled}{' ' * (BAR_WIDTH - filled)}] {entry['fraction'] * 100:3.0f}%"
        if entry["message"] and status in ("running", "failed"):
            text += f"  {entry['message']}"
        return text

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        if self._drawn:
            self.stream.write(f"\x1b[{self._drawn}F")
        for node_id in self.order:
            self.stream.write("\x1b[2K" + self._line(node_id) + "\n")
        self._drawn = len(self.order)
        self.stream.flush()


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
