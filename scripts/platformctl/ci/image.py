"""The runner image's tag: the digest of what goes into the image (ci/Dockerfile and the lock files).

.gitlab-ci.yml names the image `$CI_REGISTRY_IMAGE/runner:$RUNNER_IMAGE_TAG`; GitLab cannot hash files
when it creates a pipeline, so the tag is committed and checked here (`make ci-image-check`, part of the
lint job): a change to any input without a new tag fails, and the build-image job, which recomputes
the same digest with `cat ... | sha256sum`, refuses to push under a tag that does not match.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from platformctl.errors import PlatformError
from platformctl.fsutil import write_atomic
from platformctl.paths import ROOT

# In this order, concatenated: the build-image job computes the same bytes with `cat`.
IMAGE_INPUTS = ("ci/Dockerfile", "ci/install-venv.sh", "ci/uv-lock.txt", "requirements-lock.txt",
                "requirements-tools-lock.txt")
PIPELINE = ROOT / ".gitlab-ci.yml"
_TAG_LINE = re.compile(r'^(?P<indent>\s*)RUNNER_IMAGE_TAG:\s*"?(?P<tag>[0-9a-f]*)"?\s*$', re.M)


def image_digest(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for name in IMAGE_INPUTS:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:16]


def pipeline_tag(text: str) -> str:
    found = _TAG_LINE.findall(text)
    if len(found) != 1:
        raise PlatformError(f".gitlab-ci.yml must set RUNNER_IMAGE_TAG exactly once (found {len(found)})")
    return found[0][1]


def update_pipeline(path: Path = PIPELINE, root: Path = ROOT) -> tuple[str, bool]:
    """(tag, changed): write the current digest into RUNNER_IMAGE_TAG."""
    text = path.read_text(encoding="utf-8")
    tag = image_digest(root)
    if pipeline_tag(text) == tag:
        return tag, False
    write_atomic(path, _TAG_LINE.sub(lambda m: f'{m["indent"]}RUNNER_IMAGE_TAG: "{tag}"', text, count=1))
    return tag, True
