"""What pipeline is in use: name, path, version, components and its recorded scores."""

from __future__ import annotations

from typing import Any

from coder.nlp.loader import load, loaded_source


def pipeline_info() -> dict[str, Any]:
    """A JSON-friendly description of the pipeline `load()` picks (loading it if needed)."""
    nlp = load()
    src = loaded_source()
    meta = nlp.meta
    path = src.path if src and src.path else None
    if path is None and src is not None:
        import spacy.util

        try:
            path = spacy.util.get_package_path(src.name)
        except Exception:  # noqa: BLE001 - informational only
            path = None
    return {
        "name": f"{meta.get('lang', '')}_{meta.get('name', '')}",
        "source": src.kind if src else None,
        "path": str(path) if path else None,
        "version": meta.get("version"),
        "spacy_version": meta.get("spacy_version"),
        "components": list(nlp.component_names),
        "enabled": list(nlp.pipe_names),
        "scores": meta.get("performance", {}),
        "license": meta.get("license"),
    }
