#!/usr/bin/env bash
# The release: everything an administrator installs, built from this checkout into artifacts/release/:
#   saltapibridge-<version>-linux-x64.tar.gz          the Native AOT executable (glibc >= the build machine's), stripped,
#                                                      with the systemd unit, an example configuration, LICENSE
#   saltapibridge-<version>-linux-x64-compat.tar.gz   a self-contained single-file JIT build for older glibc (RHEL 8,
#                                                      Ubuntu 20.04), same files
#   saltapibridge_<deb version>_amd64.deb              the AOT build as a Debian package
#   saltapibridge-<rpm version>-1.x86_64.rpm           the AOT build as an RPM
#   SHA256SUMS                                         over all of them (what the formula's source_hash takes)
# The version is tools/version.sh's: vX.Y.Z tagged at HEAD gives X.Y.Z, any other commit 0.0.0-dev+<sha>.
#
#   tools/release.sh [--aot DIR]
#     --aot DIR   use the Native AOT executable already published in DIR (e.g. artifacts/aot, which .ci/run and the
#                 tests publish) instead of publishing it again; it must report this checkout's version.
# Needs the .NET SDK, a C toolchain (Native AOT links with it), dpkg-deb, rpmbuild, binutils (Debian: dpkg-dev rpm
# binutils gcc).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$root"

die() { echo "release: error: $*" >&2; exit 1; }
step() { echo "release: $*"; }

aot_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --aot) [ $# -ge 2 ] || die "--aot needs a directory"; aot_dir=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see tools/release.sh --help)" ;;
  esac
done

missing=()
for tool in dotnet dpkg-deb rpmbuild objdump strip readelf sha256sum gzip tar; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]} (Debian: apt-get install dpkg-dev rpm binutils; the .NET 10 SDK)"

version=$(tools/version.sh)
commit=$(tools/version.sh commit)
# The package managers' spelling of a pre-release or dev version: ~ sorts before the release (0.0.0~dev < 0.0.0).
pkg_version=${version/-/\~}
rid=linux-x64
out=artifacts/release
build=$out/build
export SOURCE_DATE_EPOCH=$(tools/version.sh epoch)
# The build stamps the same version as this script computed, even in a copy without .git.
export BridgeVersion=$version BridgeCommit=$commit DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
step "version $version (commit $commit)"
rm -rf "$out"
mkdir -p "$build"

# --- The Native AOT executable ------------------------------------------------------------------------------------
if [ -z "$aot_dir" ]; then
  aot_dir=artifacts/aot
  step "publishing the Native AOT executable into $aot_dir"
  dotnet publish src/SaltApiBridge/SaltApiBridge.csproj -c Release -r "$rid" -o "$aot_dir" -nologo -clp:NoSummary >"$build/publish-aot.log" 2>&1 \
    || { cat "$build/publish-aot.log" >&2; die "dotnet publish (Native AOT) failed"; }
fi
[ -x "$aot_dir/saltapibridge" ] || die "$aot_dir/saltapibridge not found (publish it, or leave --aot out)"
said=$("$aot_dir/saltapibridge" --version) || die "$aot_dir/saltapibridge --version failed"
[ "$said" = "$version" ] || die "$aot_dir/saltapibridge is version $said, this checkout is $version: publish it again"

# The oldest glibc an executable runs on: the highest GLIBC_ version among the symbols it imports.
glibc_floor() { objdump -T "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1; }

mkdir -p "$build/aot" "$build/compat"
# Symbols stripped (the SDK already splits them into saltapibridge.dbg, which is not shipped).
strip --strip-unneeded --remove-section=.comment -o "$build/aot/saltapibridge" "$aot_dir/saltapibridge"
aot_glibc=$(glibc_floor "$build/aot/saltapibridge")
step "Native AOT executable: $(du -h "$build/aot/saltapibridge" | cut -f1), needs glibc >= $aot_glibc"

# --- The compat build: self-contained single file, JIT ---------------------------------------------------------------
# Its own artifacts path (artifacts/compat), so it shares no obj/ with the AOT build and each stays incremental.
# Trimmed (the daemon is trim-safe: IsAotCompatible) and compressed; Microsoft builds its host and runtime against
# an old glibc.
step "publishing the compat build (self-contained single file, JIT)"
dotnet publish src/SaltApiBridge/SaltApiBridge.csproj -c Release -r "$rid" --artifacts-path artifacts/compat -o "$build/compat-publish" \
    -p:PublishAot=false -p:SelfContained=true -p:PublishSingleFile=true -p:PublishTrimmed=true \
    -p:EnableCompressionInSingleFile=true -p:DebugType=none -p:PublishDocumentationFile=false -nologo -clp:NoSummary \
    >"$build/publish-compat.log" 2>&1 || { cat "$build/publish-compat.log" >&2; die "dotnet publish (compat) failed"; }
[ "$(ls "$build/compat-publish")" = "saltapibridge" ] || die "the compat publish left more than one file: $(ls "$build/compat-publish" | tr '\n' ' ')"
cp "$build/compat-publish/saltapibridge" "$build/compat/saltapibridge"
said=$("$build/compat/saltapibridge" --version) || die "the compat build's --version failed"
[ "$said" = "$version" ] || die "the compat build is version $said, not $version"
compat_glibc=$(glibc_floor "$build/compat/saltapibridge")
step "compat executable: $(du -h "$build/compat/saltapibridge" | cut -f1), needs glibc >= $compat_glibc"

# --- Tarballs -----------------------------------------------------------------------------------------------------
# Deterministic: sorted names, root-owned, the commit's time, no gzip timestamp.
tarball() { # dir name
  tar -C "$1" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf - "$2" | gzip -9n >"$out/$2.tar.gz"
}
# The tarballs install into /opt/saltapibridge (as the Salt formula does); the JIT build cannot live with
# MemoryDenyWriteExecute (a JIT writes the code it runs).
tar_unit() { # jit?
  sed -e 's#/usr/bin/saltapibridge#/opt/saltapibridge/saltapibridge#' -e 's#^ReadOnlyPaths=/usr/bin #ReadOnlyPaths=/opt/saltapibridge #' \
      -e 's#^\# SaltApiBridge as packaged.*#\# SaltApiBridge from the release tarball, installed in /opt/saltapibridge.#' packaging/saltapibridge.service |
    if [ "$1" = jit ]; then
      sed -e 's#^MemoryDenyWriteExecute=yes#MemoryDenyWriteExecute=no#' \
          -e 's#^\# The Native AOT executable has no JIT.*#\# The -compat build JITs: it writes code, then runs it, so W+X memory stays allowed.#'
    else cat; fi
}
for flavour in aot compat; do
  name=saltapibridge-$version-$rid
  [ "$flavour" = aot ] || name=$name-compat
  dir=$build/tar-$flavour/$name
  mkdir -p "$dir"
  install -m 0755 "$build/$flavour/saltapibridge" "$dir/saltapibridge"
  tar_unit "$([ "$flavour" = compat ] && echo jit || echo aot)" >"$dir/saltapibridge.service"
  install -m 0644 packaging/appsettings.example.json LICENSE CHANGELOG.md packaging/saltapibridge.1 "$dir/"
  tarball "$build/tar-$flavour" "$name"
done
grep -q '^MemoryDenyWriteExecute=no' "$build/tar-compat/saltapibridge-$version-$rid-compat/saltapibridge.service" \
  || die "the compat unit still denies W+X memory (packaging/saltapibridge.service changed its wording?)"

# --- .deb ---------------------------------------------------------------------------------------------------------
step "building the .deb"
deb=$build/deb
install -D -m 0755 "$build/aot/saltapibridge" "$deb/usr/bin/saltapibridge"
install -D -m 0644 packaging/saltapibridge.service "$deb/lib/systemd/system/saltapibridge.service"
install -D -m 0644 packaging/appsettings.example.json "$deb/etc/saltapibridge/appsettings.example.json"
install -d -m 0755 "$deb/usr/share/man/man1" "$deb/usr/share/doc/saltapibridge" "$deb/usr/share/lintian/overrides"
gzip -9n <packaging/saltapibridge.1 >"$deb/usr/share/man/man1/saltapibridge.1.gz"
gzip -9n <CHANGELOG.md >"$deb/usr/share/doc/saltapibridge/changelog.gz"
install -m 0644 packaging/deb/copyright "$deb/usr/share/doc/saltapibridge/copyright"
install -m 0644 packaging/deb/lintian-overrides "$deb/usr/share/lintian/overrides/saltapibridge"
maintainer=$(sed -n 's/^Maintainer: //p' packaging/deb/control.in)
{
  echo "saltapibridge ($pkg_version) unstable; urgency=medium"
  echo
  echo "  * Release $version (commit $commit); see changelog.gz."
  echo
  echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$deb/usr/share/doc/saltapibridge/changelog.Debian.gz"
install -d -m 0755 "$deb/DEBIAN"
install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$deb/DEBIAN/"
install -m 0644 packaging/deb/conffiles "$deb/DEBIAN/conffiles"
sed -e "s/@DEB_VERSION@/$pkg_version/" -e "s/@LIBC_DEPENDS@/libc6 (>= $aot_glibc)/" \
    -e "s/@INSTALLED_SIZE@/$(du -sk --exclude=DEBIAN "$deb" | cut -f1)/" packaging/deb/control.in >"$deb/DEBIAN/control"
(cd "$deb" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) >"$deb/DEBIAN/md5sums"
chmod 0644 "$deb/DEBIAN/md5sums"
find "$deb" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$deb" "$out/saltapibridge_${pkg_version}_amd64.deb" >/dev/null

# --- .rpm ---------------------------------------------------------------------------------------------------------
step "building the .rpm"
stage=$build/rpm-stage
mkdir -p "$stage" "$build/rpm/BUILD" "$build/rpm/RPMS" "$build/rpm/BUILDROOT"
cp "$build/aot/saltapibridge" packaging/saltapibridge.service packaging/saltapibridge.sysusers packaging/saltapibridge.tmpfiles \
   packaging/appsettings.example.json packaging/saltapibridge.1 LICENSE CHANGELOG.md "$stage/"
packager=$(sed -n 's/^Packager: *//p' packaging/rpm/saltapibridge.spec)
{
  cat packaging/rpm/saltapibridge.spec
  echo "* $(LC_ALL=C date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %d %Y') $packager - $pkg_version-1"
  echo "- Release $version (commit $commit); see CHANGELOG.md."
} >"$build/saltapibridge.spec"
rpmbuild -bb --quiet --target x86_64 \
    --define "_topdir $root/$build/rpm" --define "bridge_version $pkg_version" --define "bridge_stage $root/$stage" \
    --define "_buildhost release.saltapibridge" --define "use_source_date_epoch_as_buildtime 1" \
    --define "_binary_payload w9.xzdio" "$build/saltapibridge.spec" >"$build/rpmbuild.log" 2>&1 \
  || { cat "$build/rpmbuild.log" >&2; die "rpmbuild failed"; }
find "$build/rpm/RPMS" -name '*.rpm' -exec mv {} "$out/" \;

# --- Checksums ----------------------------------------------------------------------------------------------------
(cd "$out" && find . -maxdepth 1 -type f \( -name '*.tar.gz' -o -name '*.deb' -o -name '*.rpm' \) -printf '%P\n' | sort | xargs sha256sum) >"$out/SHA256SUMS"
printf 'aot_glibc=%s\ncompat_glibc=%s\nversion=%s\n' "$aot_glibc" "$compat_glibc" "$version" >"$build/facts"
step "done: $out"
(cd "$out" && ls -l --time-style=+ -- *.tar.gz *.deb *.rpm SHA256SUMS | awk '{printf "  %10s  %s\n", $5, $NF}')
