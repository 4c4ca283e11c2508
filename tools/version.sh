#!/usr/bin/env bash
# The version of this checkout, the one source for the build (Directory.Build.targets), tools/release.sh and .ci/run:
# a tag vX.Y.Z[-pre] at HEAD gives X.Y.Z[-pre]; otherwise 0.0.0-dev+<short sha>; outside a git clone
# 0.0.0-dev+unknown. The environment variables BridgeVersion and BridgeCommit, when set, win (.ci/run sets them for
# its copy of the checkout, which has no .git).
#
#   tools/version.sh            prints the version
#   tools/version.sh commit     prints the commit (short sha, or "unknown")
#   tools/version.sh epoch      prints the commit's time (seconds since 1970; now outside a clone): the release's
#                               file times (SOURCE_DATE_EPOCH, which wins when set)
#   tools/version.sh export     prints `export BridgeVersion=… BridgeCommit=… SOURCE_DATE_EPOCH=…` for eval
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)

# Only this checkout's own history: a copy of it unpacked inside some other repository has no commit.
own_git=false
top=$(git -C "$root" rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$root" ]; then own_git=true; fi

commit=${BridgeCommit:-}
if [ -z "$commit" ]; then
  ! $own_git || commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || true)
  [[ "$commit" =~ ^[0-9a-f]{4,40}$ ]] || commit=unknown
fi

epoch=${SOURCE_DATE_EPOCH:-}
if [ -z "$epoch" ]; then
  ! $own_git || epoch=$(git -C "$root" log -1 --format=%ct 2>/dev/null || true)
  [[ "$epoch" =~ ^[0-9]+$ ]] || epoch=$(date +%s)
fi

version=${BridgeVersion:-}
if [ -z "$version" ]; then
  tag=""
  [ "$commit" = unknown ] || tag=$(git -C "$root" describe --tags --exact-match --match 'v[0-9]*' HEAD 2>/dev/null || true)
  if [[ "$tag" =~ ^v([0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?)$ ]]; then
    version=${BASH_REMATCH[1]}
  else
    version="0.0.0-dev+$commit"
  fi
fi

case "${1:-version}" in
  version) echo "$version" ;;
  commit) echo "$commit" ;;
  epoch) echo "$epoch" ;;
  export) printf 'export BridgeVersion=%q BridgeCommit=%q SOURCE_DATE_EPOCH=%q\n' "$version" "$commit" "$epoch" ;;
  *) echo "usage: tools/version.sh [version|commit|epoch|export]" >&2; exit 2 ;;
esac
