"""Data drift: how far what an endpoint scores has moved from the data its model was trained on (PSI per feature).

Numbers fall into bins cut at the training data's deciles (open at both ends),
text and other values into the training data's most common categories plus
"other". The population stability index compares the share of rows in each bin:
PSI = Σ (actual − expected) · ln(actual / expected), with empty bins smoothed.
Below 0.1 is usually read as stable, 0.1–0.2 as a moderate shift, above 0.2 as drift.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

QUANTILES = tuple(i / 10 for i in range(1, 10))
MAX_CATEGORIES = 20
OTHER, MISSING = "(other)", "(missing)"
DEFAULT_THRESHOLD = 0.2
#: Share given to an empty bin so the logarithm stays finite.
EMPTY_SHARE = 1e-4


def feature_profile(series: pd.Series) -> dict:
    """The bins of one training column and how the training rows fall into them."""
    values = series.dropna()
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series) and len(values):
        edges = sorted(set(float(q) for q in np.quantile(values.to_numpy(np.float64), QUANTILES)))
        profile = {"kind": "numeric", "edges": edges}
    else:
        top = values.astype(str).value_counts().index[:MAX_CATEGORIES].tolist()
        profile = {"kind": "categorical", "categories": top}
    profile["expected"] = bin_counts(profile, series)
    return profile


def training_profile(frame: pd.DataFrame, features: Iterable[str]) -> dict:
    """{feature: profile} for the columns of `frame` an endpoint receives."""
    return {str(f): feature_profile(frame[f]) for f in features if f in frame.columns}


def bin_labels(profile: Mapping) -> list[str]:
    if profile["kind"] == "numeric":
        edges = profile["edges"]
        labels = [f"< {edges[0]:.4g}"] + [f"{a:.4g} – {b:.4g}" for a, b in zip(edges, edges[1:])] + \
            [f"≥ {edges[-1]:.4g}"]
        return labels + [MISSING]
    return list(profile["categories"]) + [OTHER, MISSING]


def bin_counts(profile: Mapping, series: pd.Series) -> dict[str, int]:
    """How many values of `series` fall into each bin of `profile` ({label: count}, empty bins left out)."""
    labels = bin_labels(profile)
    missing = series.isna().to_numpy()
    counts: dict[str, int] = {}
    if missing.any():
        counts[MISSING] = int(missing.sum())
    present = series[~missing]
    if not len(present):
        return counts
    if profile["kind"] == "numeric":
        numbers = pd.to_numeric(present, errors="coerce").to_numpy(np.float64)
        unreadable = np.isnan(numbers)
        if unreadable.any():
            counts[MISSING] = counts.get(MISSING, 0) + int(unreadable.sum())
        index = np.searchsorted(np.asarray(profile["edges"]), numbers[~unreadable], side="right")
        for position, n in zip(*np.unique(index, return_counts=True)):
            counts[labels[int(position)]] = int(n)
        return counts
    known = {c: c for c in profile["categories"]}
    for value, n in present.astype(str).value_counts().items():
        label = known.get(value, OTHER)
        counts[label] = counts.get(label, 0) + int(n)
    return counts


def psi(expected: Mapping[str, float], actual: Mapping[str, float], labels: Iterable[str]) -> float | None:
    """The population stability index of `actual` against `expected` (None when either has no rows)."""
    labels = list(labels)
    total_e, total_a = sum(expected.get(b, 0) for b in labels), sum(actual.get(b, 0) for b in labels)
    if not total_e or not total_a:
        return None
    value = 0.0
    for label in labels:
        e = max(expected.get(label, 0) / total_e, EMPTY_SHARE)
        a = max(actual.get(label, 0) / total_a, EMPTY_SHARE)
        value += (a - e) * math.log(a / e)
    return value


def drift_report(profile: Mapping[str, Mapping], scored: Mapping[str, Mapping], *,
                 threshold: float = DEFAULT_THRESHOLD) -> dict:
    """Per-feature PSI with both histograms, and whether any feature passes `threshold`."""
    features = []
    for name, feature in profile.items():
        labels = bin_labels(feature)
        actual = scored.get(name) or {}
        value = psi(feature["expected"], actual, labels)
        features.append({"feature": name, "kind": feature["kind"], "psi": value,
                         "drifting": value is not None and value > threshold,
                         "bins": labels, "expected": [feature["expected"].get(b, 0) for b in labels],
                         "actual": [actual.get(b, 0) for b in labels], "scored_rows": sum(actual.values())})
    features.sort(key=lambda f: -(f["psi"] or 0.0))
    return {"threshold": threshold, "drifting": any(f["drifting"] for f in features), "features": features,
            "scored_rows": max((f["scored_rows"] for f in features), default=0)}


# ---------------------------------------------------------------- where the training data is

def training_digest_for(designer, document: dict) -> str | None:
    """The digest of the rows the served model learned from, or None when the graph does not say."""
    metadata = (document or {}).get("metadata") or {}
    digest = next(iter((metadata.get("training_data") or {}).values()), None)
    return digest or _trained_on(designer, (metadata.get("inference") or {}).get("source_run_id"))


def _trained_on(designer, run_id: str | None) -> str | None:
    """The digest of the table fed to the first training node of run `run_id` (graphs made before training_data)."""
    import components
    from canvas_store.repository import NotFound

    if not run_id:
        return None
    try:
        run = designer.store.get_run(run_id)
    except NotFound:
        return None
    catalogue = components.catalogue()
    for node in (run.get("document") or {}).get("nodes") or []:
        spec = catalogue.get(node.get("component"))
        if spec is None or not any(p.type.name == "UntrainedModel" for p in spec.inputs.values()):
            continue
        for edge in run["document"].get("edges") or []:
            if edge["target"] == node["id"] and spec.inputs.get(edge["target_port"]) is not None \
                    and spec.inputs[edge["target_port"]].type.name == "DataFrame":
                output = ((run["nodes"].get(edge["source"]) or {}).get("outputs") or {}).get(edge["source_port"])
                if output:
                    return output.get("digest")
    return None


def endpoint_features(document: dict) -> list[str]:
    """The columns the endpoint's first web-service-input takes (its schema)."""
    import json

    for node in (document or {}).get("nodes") or []:
        if node.get("component") == "web-service-input":
            try:
                return [c["name"] for c in json.loads((node.get("params") or {}).get("schema") or "{}")["columns"]]
            except (ValueError, KeyError, TypeError):
                return []
    return []


class TrainingProfiles:
    """Each endpoint's training profile, computed once from its training data and kept in the store."""

    def __init__(self, designer):
        self.designer = designer
        self._cache: dict[str, tuple[str, dict]] = {}

    def __call__(self, name: str) -> dict | None:
        store = self.designer.store
        document = store.get_endpoint(name)["document"]
        digest = training_digest_for(self.designer, document)
        if digest is None:
            return None
        cached = self._cache.get(name)
        if cached is not None and cached[0] == digest:
            return cached[1]
        saved = store.endpoint_monitoring(name).get("training_profile") or {}
        if saved.get("digest") == digest:
            profile = saved["features"]
        else:
            try:
                frame = self.designer.artifacts.get(digest)
            except Exception:  # the training data was garbage-collected: nothing to compare with
                return None
            features = endpoint_features(document) or [str(c) for c in frame.columns]
            profile = training_profile(frame, features)
            store.set_endpoint_monitoring(name, training_profile={"digest": digest, "features": profile})
        self._cache[name] = (digest, profile)
        return profile
