"""axe-core, from the npm registry at a pinned version, checked against the registry's own integrity hash.

`scripts/setup --test` fetches it once into .venv/ (`python -m tests.browser.axe`); the browser tests inject it
with `page.evaluate`, which the pages' Content-Security-Policy does not apply to, and fail on any serious
or critical violation.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.14.1"
# `npm view axe-core@4.14.1 dist.integrity`: the registry's SHA-512 of the tarball.
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
HOME = Path(__file__).resolve().parents[2] / ".venv" / f"axe-core-{VERSION}"
SCRIPT = HOME / "axe.min.js"
IMPACTS_THAT_FAIL = {"serious", "critical"}


def fetch() -> Path:
    if SCRIPT.exists():
        return SCRIPT
    with urllib.request.urlopen(TARBALL, timeout=60) as response:
        tarball = response.read()
    algorithm, expected = INTEGRITY.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
    if actual != expected:
        raise SystemExit(f"axe-core {VERSION}: the tarball's {algorithm} is {actual}, the registry says {expected}")
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        HOME.mkdir(parents=True, exist_ok=True)
        partial = SCRIPT.with_suffix(".part")
        partial.write_bytes(member.read())
        partial.replace(SCRIPT)
    return SCRIPT


def violations(page) -> list[dict]:
    """The page's serious and critical violations (WCAG 2.1 A and AA rules and axe's best practices)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(fetch().read_text())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in IMPACTS_THAT_FAIL]


def assert_accessible(page, where: str = "") -> None:
    found = violations(page)
    assert not found, f"axe-core {VERSION} on {where or page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in found
    )


if __name__ == "__main__":
    print(fetch())
    sys.exit(0)
