"""The external renderers the portal calls: Redoc (npm `@redocly/cli`, pinned in package-lock.json) and
Graphviz `dot` (Debian). Both run offline; a missing tool is a ToolMissingError that says how to install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from platformctl.errors import PlatformError, ToolMissingError

# Redocly's update notice and telemetry would reach out to the network; the portal builds offline.
REDOC_TEMPLATE = Path(__file__).with_name("redoc-template.hbs")
# Redoc 3 shows Redocly's attribution logo from its CDN even with the bundle inlined; the portal
# shows a blank image instead, so the page has nothing to fetch (the template's CSP is the backstop).
CDN_IMAGES = ("https://cdn.redoc.ly/redoc/logo-mini-full.svg", "https://cdn.redoc.ly/redoc/logo-mini.svg")
BLANK_IMAGE = "data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22/%3E"
_REDOCLY_ENV = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1"}


def redocly(root: Path) -> Path:
    path = root / "node_modules" / ".bin" / "redocly"
    if not path.exists():
        raise ToolMissingError(
            "node_modules/.bin/redocly is missing: run `npm ci` (package-lock.json pins @redocly/cli), or `make portal`"
        )
    return path


def dot() -> str:
    found = shutil.which("dot")
    if found is None:
        raise ToolMissingError("Graphviz `dot` is not on PATH: apt-get install -y graphviz")
    return found


def render_svg(dot_source: str) -> str:
    result = subprocess.run([dot(), "-Tsvg"], input=dot_source, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PlatformError(f"dot failed to render the topology: {result.stderr.strip()}")
    return result.stdout


def build_reference(root: Path, spec: Path, output: Path, title: str) -> None:
    """One self-contained HTML file (Redoc's scripts inlined, no CDN) for the rendered spec."""
    command = [
        str(redocly(root)),
        "build-docs",
        str(spec),
        "--output",
        str(output),
        "--title",
        title,
        # Without --inlineBundle the page loads Redoc from Redocly's CDN at view time; the template's
        # Content-Security-Policy blocks whatever else the bundle would fetch.
        "--inlineBundle",
        "--template",
        str(REDOC_TEMPLATE),
    ]
    result = subprocess.run(
        command, cwd=root, env={**os.environ, **_REDOCLY_ENV}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or not output.is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise PlatformError(f"redocly build-docs failed for {spec.name}: " + " / ".join(detail))
    html = output.read_text(encoding="utf-8")
    for url in CDN_IMAGES:
        html = html.replace(url, BLANK_IMAGE)
    output.write_text(html, encoding="utf-8")
