#!/usr/bin/env bash
# `make ci-local`: run the merge-request pipeline's jobs of .gitlab-ci.yml (OFFLINE plans) with
# gitlab-ci-local in the shell, after checking the job graph (apply manual, drift scheduled: neither
# is run), and count how often each environment was planned. Installs what is missing first:
# gitlab-ci-local from package-lock.json (npm ci) and Debian's rsync, which gitlab-ci-local uses to
# copy files. CI_LOCAL_EMULATOR_PORT=<port> moves the jobs' emulator off the pipeline's 5055.
#
#   scripts/ci-local.sh                 install, check the graph, run the jobs
#   scripts/ci-local.sh JOB...          ... run only these jobs
#   scripts/ci-local.sh --check-only    install, check the graph, run nothing
#   scripts/ci-local.sh --install-only  install and stop
#
# Never run from inside a CI job: the unit tests run a job through gitlab-ci-local (and skip inside a
# job); running this script from a job would recurse.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
GCL="$ROOT/node_modules/.bin/gitlab-ci-local"
GCL_VERSION=$(sed -n 's/.*"gitlab-ci-local": *"\([^"]*\)".*/\1/p' package.json | head -n1)

say() { printf 'ci-local: %s\n' "$*" >&2; }
die() { printf 'ci-local: error: %s\n' "$*" >&2; exit 1; }

if [ -n "${CI_JOB_ID:-}" ]; then
  die "CI_JOB_ID is set: this already runs inside a CI job; running the pipeline from here would recurse"
fi

install_rsync() {
  command -v rsync >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || die "rsync is missing and apt-get is not available: install rsync"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "rsync is missing: run 'apt-get install -y rsync' as root"
    sudo="sudo"
  fi
  say "installing rsync (Debian package; gitlab-ci-local copies files with it)"
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq rsync >/dev/null; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq rsync >/dev/null
  fi
  command -v rsync >/dev/null 2>&1 || die "rsync is still missing after apt-get install"
}

gcl_ok() {
  [ -x "$GCL" ] && [ "$("$GCL" --version 2>/dev/null)" = "$GCL_VERSION" ]
}

# npm ci compiles the re2 native module (minutes on 2 cores). A finished node_modules is kept in the
# user's cache, keyed by the lock file and the Node ABI, and copied back into a fresh clone.
install_gitlab_ci_local() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
    || die "node and npm are required (Node.js >= 18; Debian: apt-get install -y nodejs npm)"
  local stamp key cache
  key=$( { cat package-lock.json; node -p 'process.versions.modules + process.arch'; } | sha256sum | cut -c1-16)
  stamp="node_modules/.ci-local-$key"
  if gcl_ok && [ -f "$stamp" ]; then
    return 0
  fi
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/platform-ci-local/$key"
  if [ -x "$cache/node_modules/.bin/gitlab-ci-local" ]; then
    say "restoring gitlab-ci-local $GCL_VERSION from $cache"
    rm -rf node_modules
    cp -a "$cache/node_modules" node_modules
  fi
  if ! gcl_ok; then
    say "installing gitlab-ci-local $GCL_VERSION (npm ci; builds the re2 native module, takes a few minutes)"
    npm ci --no-audit --no-fund --loglevel=error
    gcl_ok || die "gitlab-ci-local $GCL_VERSION did not install (node_modules/.bin/gitlab-ci-local --version)"
  fi
  if [ ! -x "$cache/node_modules/.bin/gitlab-ci-local" ]; then
    mkdir -p "$cache" && rm -rf "$cache/node_modules.tmp" \
      && cp -a node_modules "$cache/node_modules.tmp" && mv "$cache/node_modules.tmp" "$cache/node_modules" \
      || say "could not keep a copy of node_modules in $cache (continuing)"
  fi
  rm -f node_modules/.ci-local-*
  touch "$stamp"
}

mode=run
case "${1:-}" in
  --install-only) mode=install; shift ;;
  --check-only) mode=check; shift ;;
esac

install_rsync
install_gitlab_ci_local
if [ "$mode" = install ]; then
  say "gitlab-ci-local $("$GCL" --version) and rsync are installed"
  exit 0
fi

# The jobs call make targets that create the venv; the graph check itself needs it first.
make --no-print-directory venv
if [ "$mode" = check ]; then
  exec .venv/bin/python -m platformctl.ci.local --check-only
fi
exec .venv/bin/python -m platformctl.ci.local "$@"
