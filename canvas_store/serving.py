"""What serving processes ask the store many times a second, kept light: an endpoint's key hash and version.

Several `designer serve-endpoint` processes (on one machine or many) share one
database; each re-reads this small row every fraction of a second, so a key
rotated or an endpoint redeployed by any of them reaches all of them at once.
"""
from __future__ import annotations

from sqlalchemy import select

from canvas_store.db import Database, utcnow
from canvas_store.models import Endpoint


class EndpointServing:
    _db: Database

    def endpoint_state(self, name: str) -> dict | None:
        """{"key_hash", "graph_id", "revision", "status", "updated_at"} of endpoint `name`, or None when there is none.

        `updated_at` moves whenever the record changes (what it serves, its traffic, its key or status)."""
        with self._db.read() as session:
            row = session.execute(select(Endpoint.key_hash, Endpoint.graph_id, Endpoint.revision, Endpoint.status,
                                         Endpoint.updated_at).where(Endpoint.name == name)).first()
        if row is None:
            return None
        return {"key_hash": row.key_hash, "graph_id": row.graph_id, "revision": row.revision, "status": row.status,
                "updated_at": row.updated_at}

    def import_endpoint(self, name: str, document: dict, key_hash: str, *, graph_id: str | None = None,
                        revision: int | None = None) -> dict:
        """Record an endpoint brought from elsewhere (a bundle) with the key hash it had there, so its key still works.

        Raises Conflict when the name is taken.
        """
        now = utcnow()
        endpoint = Endpoint(name=name, graph_id=graph_id, revision=revision, document=document, key_hash=key_hash,
                            status="healthy", created_at=now, updated_at=now)
        self._db.add_named(endpoint, "endpoint")
        return {"name": name, "graph_id": graph_id, "revision": revision, "status": "healthy"}
