#!/usr/bin/env bash
# Create or update a Python venv from a hash-locked requirements file (`make venv`, `make tools`, ci/Dockerfile).
#
#   ci/install-venv.sh VENV LOCK [--project]
#
# - Every package comes from LOCK with `pip install --require-hashes`: a file that differs from the one
#   locked (or a package the lock does not name) stops the install.
# - The venv records the digest of LOCK (VENV/.lock-digest): an unchanged lock installs nothing, so a
#   venv baked into the runner image is reused by every job.
# - PLATFORM_PREBUILT_VENV (for .venv) / PLATFORM_PREBUILT_TOOLS (for .venv-tools), set by the runner image:
#   when VENV does not exist yet, it becomes a symlink to the prebuilt venv instead of a new venv.
# - --project installs this repository itself, editable, without dependencies and without build isolation
#   (the build backend, setuptools, is in the lock as well, so nothing unhashed is downloaded).
# pip prints one line per package; nothing here runs with --quiet.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${1:?usage: ci/install-venv.sh VENV LOCK [--project]}
lock=${2:?usage: ci/install-venv.sh VENV LOCK [--project]}
project=${3:-}
python=${PYTHON:-python3}
started=$SECONDS

say() { printf 'venv %s: %s\n' "$venv" "$*"; }

# One `Collecting`/`Installing` line per package, and pip's bar when the output is a terminal.
pip_install() { "$venv/bin/pip" install --no-input --disable-pip-version-check --require-hashes -r "$1"; }

# uv installs the same hash-locked files as pip, much faster (measured here: 5 s instead of 95 s for
# requirements-lock.txt); it is itself installed from the hash-locked ci/uv-lock.txt into build/uv.
# PLATFORM_INSTALLER=pip skips it; any uv failure falls back to pip.
uv_binary() {
  local home=build/uv
  if [ ! -x "$home/bin/uv" ]; then
    "$python" -m venv "$home" >/dev/null \
      && "$home/bin/pip" install --quiet --no-input --disable-pip-version-check --require-hashes -r ci/uv-lock.txt \
      || { say "could not install uv from ci/uv-lock.txt; using pip"; return 1; }
  fi
  echo "$home/bin/uv"
}

# pip is told about a private CA bundle through PIP_CERT; uv reads SSL_CERT_FILE.
with_ca_bundle() {
  if [ -z "${SSL_CERT_FILE:-}" ] && [ -n "${PIP_CERT:-}" ]; then
    SSL_CERT_FILE=$PIP_CERT UV_PYTHON_DOWNLOADS=never "$@"
  else
    UV_PYTHON_DOWNLOADS=never "$@"
  fi
}

[ -f "$lock" ] || { echo "error: $lock is missing: run \`make lock\`" >&2; exit 1; }
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else
  f"error: Python >= 3.11 is required, {sys.executable} is {sys.version.split()[0]} (set PYTHON=...)")'

case "$venv" in
  .venv) prebuilt=${PLATFORM_PREBUILT_VENV:-} ;;
  .venv-tools) prebuilt=${PLATFORM_PREBUILT_TOOLS:-} ;;
  *) prebuilt="" ;;
esac
if [ ! -e "$venv" ] && [ -n "$prebuilt" ] && [ -x "$prebuilt/bin/python" ]; then
  say "using the runner image's prebuilt venv $prebuilt"
  ln -s "$prebuilt" "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  say "creating it with $("$python" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
  "$python" -m venv "$venv"
fi

digest=$( { cat "$lock"; "$venv/bin/python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -c1-16)
if [ "$(cat "$venv/.lock-digest" 2>/dev/null)" = "$digest" ]; then
  say "dependencies match $lock (digest $digest)"
else
  count=$(grep -cE '^[A-Za-z0-9]' "$lock")
  if [ "${PLATFORM_INSTALLER:-uv}" = uv ] && uv=$(uv_binary); then
    say "installing $count locked packages from $lock with uv (hashes checked)"
    # One `+ package==version` line per package, and uv's progress bars on a terminal.
    if ! with_ca_bundle "$uv" pip install --python "$venv/bin/python" --require-hashes -r "$lock"; then
      say "uv could not install $lock; installing it with pip instead"
      pip_install "$lock"
    fi
  else
    say "installing $count locked packages from $lock with pip (hashes checked)"
    pip_install "$lock"
  fi
  printf '%s\n' "$digest" > "$venv/.lock-digest"
fi
# The venv caches bytecode even where PYTHONDONTWRITEBYTECODE is set (as in this machine's image).
# uv installs no .pyc files, so with the variable set every process compiled its imports again:
# `platformctl --help` took 2.3 CPU-s instead of 0.9 and `checkov --version` 6 instead of 2.5, paid
# by every CLI call, test subprocess and scan. A startup line in the venv (a .pth file, which only
# this venv's interpreter reads) lets Python write the bytecode of what is imported, when it is
# first imported: compiling all ~10,000 installed files up front cost 40 CPU-s and 20 s of a fresh
# clone's make test, most of it for modules no command imports. The caches are build output
# (.venv/, and __pycache__/ in the checkout, which git ignores), checked against each source's
# mtime and size, so an edited file never runs stale; a read-only venv simply is not written to.
enable_bytecode_cache() {
  local site
  site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  printf '%s\n' "import sys; sys.dont_write_bytecode = False" > "$site/platform-bytecode-cache.pth" \
    || say "could not write $site/platform-bytecode-cache.pth: every process compiles its imports"
}
enable_bytecode_cache

if [ "$project" = "--project" ]; then
  installed=$("$venv/bin/python" -c 'import os, platformctl; print(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.realpath(platformctl.__file__)))))' 2>/dev/null || true)
  if [ "$installed" = "$(pwd -P)" ]; then
    say "platformctl is installed from this checkout"
  elif [ -n "$installed" ] && [ -L "$venv" ]; then
    # A venv shared through a symlink (a git worktree, the runner image's) that another checkout already
    # uses: repointing it would switch that checkout's code under its feet.
    say "note: the shared venv runs platformctl from $installed; left as it is"
  else
    say "installing platformctl from this checkout (editable)"
    "$venv/bin/pip" install --no-input --disable-pip-version-check --no-deps --no-build-isolation -e .
  fi
  [ -x "$venv/bin/platformctl" ] || { echo "error: platformctl did not install into $venv" >&2; exit 1; }
fi
say "ready in $((SECONDS - started)) s"
