"""The JavaScript/CSS bundle built by ``web/frontend`` into ``web/static/build/``.

The build writes ``manifest.json`` with each file's SHA-256; pages link the files with
``?v=<hash>`` so a new build is never served from a stale browser cache. No manifest
means the bundle was not built, and the page says how to build it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

BUNDLE_FILES = ("viewer.js", "viewer.css", "picker.js", "picker.css")
BUILD_DIR = Path(__file__).resolve().parent.parent / "static" / "build"
BUILD_COMMAND = "cd web/frontend && npm ci && npm run build"


@dataclass(frozen=True)
class Bundle:
    """Versions (content hashes) of the built files, keyed by file name."""

    versions: dict[str, str]

    def version(self, name: str) -> str:
        """Short content hash of one bundle file."""
        return self.versions[name]


_cache: dict[Path, tuple[float, Bundle | None]] = {}


def load_bundle(build_dir: Path = BUILD_DIR) -> Bundle | None:
    """The built bundle, or None when it is missing or incomplete.

    Re-read only when the manifest's modification time changes (a rebuild).
    """
    manifest = build_dir / "manifest.json"
    try:
        mtime = manifest.stat().st_mtime
    except OSError:
        return None
    cached = _cache.get(manifest)
    if cached and cached[0] == mtime:
        return cached[1]
    bundle = _read_manifest(manifest, build_dir)
    _cache[manifest] = (mtime, bundle)
    return bundle


def _read_manifest(manifest: Path, build_dir: Path) -> Bundle | None:
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        versions = {name: str(files[name]["sha256"])[:12] for name in BUNDLE_FILES}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all((build_dir / name).is_file() for name in BUNDLE_FILES):
        return None
    return Bundle(versions)
