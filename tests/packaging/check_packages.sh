#!/usr/bin/env bash
# Proves the release: runs tools/release.sh (arguments are passed on, e.g. --aot artifacts/aot), then checks what it
# made as an administrator's machine would meet it. Debian, as root (it installs and purges the .deb), with dpkg-dev,
# lintian, rpm, rpmlint and binutils (.ci/run installs them). One line per case (`ok  name` / `FAIL name: reason`),
# then `N passed, M failed`; exit 1 when any case failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$root"
release=artifacts/release

if ! tools/release.sh "$@"; then
  echo "FAIL release: tools/release.sh failed"
  echo "0 passed, 1 failed"
  exit 1
fi
version=$(tools/version.sh)
pkg_version=${version/-/\~}
deb=$release/saltapibridge_${pkg_version}_amd64.deb
rpm=$release/saltapibridge-${pkg_version}-1.x86_64.rpm
aot_tar=$release/saltapibridge-$version-linux-x64.tar.gz
compat_tar=$release/saltapibridge-$version-linux-x64-compat.tar.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0 failed=0
run_case() { # name function
  local reason
  if reason=$("$2" 2>&1); then
    passed=$((passed + 1)); echo "ok  $1${reason:+ ($reason)}"
  else
    failed=$((failed + 1)); echo "FAIL $1: $(echo "$reason" | tr '\n' ' ' | cut -c1-600)"
  fi
}
# Each case runs in a subshell: fail prints why and ends it; a short note on success.
fail() { echo "$*"; exit 1; }

artifacts_and_checksums() {
  local f
  for f in "$deb" "$rpm" "$aot_tar" "$compat_tar" "$release/SHA256SUMS"; do
    [ -s "$f" ] || fail "missing $f"
  done
  [ "$(wc -l <"$release/SHA256SUMS")" -eq 4 ] || fail "SHA256SUMS has $(wc -l <"$release/SHA256SUMS") lines, not 4"
  (cd "$release" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not verify"
}

tarball_contents() {
  local tar name want got
  for tar in "$aot_tar" "$compat_tar"; do
    name=$(basename "$tar" .tar.gz)
    want="$name/ $name/CHANGELOG.md $name/LICENSE $name/appsettings.example.json $name/saltapibridge $name/saltapibridge.1 $name/saltapibridge.service"
    got=$(tar -tzf "$tar" | sort | tr '\n' ' ' | sed 's/ $//')
    [ "$got" = "$want" ] || fail "$name holds: $got"
    tar -C "$work" -xzf "$tar"
    grep -qx "ExecStart=/opt/saltapibridge/saltapibridge run --config /etc/saltapibridge/appsettings.json" "$work/$name/saltapibridge.service" \
      || fail "$name's unit does not run /opt/saltapibridge/saltapibridge"
  done
  local aot=$work/$(basename "$aot_tar" .tar.gz)/saltapibridge
  ! readelf -S "$aot" | grep -qE '\.symtab|\.debug_|\.comment' || fail "the AOT executable is not stripped"
  grep -qx "MemoryDenyWriteExecute=yes" "$work/$(basename "$aot_tar" .tar.gz)/saltapibridge.service" || fail "the AOT unit lost MemoryDenyWriteExecute=yes"
  grep -qx "MemoryDenyWriteExecute=no" "$work/$(basename "$compat_tar" .tar.gz)/saltapibridge.service" || fail "the compat unit denies W+X memory to a JIT"
  echo "AOT $(du -k "$aot_tar" | cut -f1) KiB, compat $(du -k "$compat_tar" | cut -f1) KiB"
}

lintian_clean() {
  local out
  out=$(lintian --pedantic "$deb" 2>&1 | grep -v 'running with root privileges')
  ! echo "$out" | grep -qE '^(E|W):' || fail "$out"
  echo "no error or warning; overrides: packaging/deb/lintian-overrides"
}

rpmlint_clean() {
  local out
  out=$(rpmlint -c packaging/rpm/rpmlint.toml "$rpm" 2>&1)
  echo "$out" | grep -q ' 0 errors, 0 warnings' || fail "$out"
  echo "0 errors, 0 warnings; filters: packaging/rpm/rpmlint.toml"
}

rpm_files_and_scripts() {
  local files want scripts
  files=$(rpm -qlp "$rpm" 2>/dev/null | sort | tr '\n' ' ')
  want="/etc/saltapibridge /etc/saltapibridge/appsettings.example.json /usr/bin/saltapibridge /usr/lib/systemd/system/saltapibridge.service /usr/lib/sysusers.d/saltapibridge.conf /usr/lib/tmpfiles.d/saltapibridge.conf /usr/share/doc/saltapibridge/CHANGELOG.md /usr/share/licenses/saltapibridge/LICENSE /usr/share/man/man1/saltapibridge.1.gz "
  [ "$files" = "$want" ] || fail "rpm -qlp: $files"
  [ "$(rpm -qp --configfiles "$rpm" 2>/dev/null)" = "/etc/saltapibridge/appsettings.example.json" ] || fail "the example configuration is not %config"
  scripts=$(rpm -qp --scripts "$rpm" 2>/dev/null)
  for needle in "useradd -r -g saltapibridge" "systemctl --no-reload preset saltapibridge.service" \
                "disable --now saltapibridge.service" "try-restart saltapibridge.service" "systemd-tmpfiles --create saltapibridge.conf"; do
    echo "$scripts" | grep -qF -- "$needle" || fail "rpm scripts lack: $needle"
  done
  ! echo "$scripts" | grep -qE 'rm -rf|/var/lib/saltapibridge' || fail "rpm scripts touch the records"
  rpm -qp --requires "$rpm" 2>/dev/null | grep -q 'openssl-libs' || fail "no libssl requirement"
}

# As the service user, with AWS credentials and IMDS out of reach and AWS endpoints on a closed loopback port: the
# check must fail cleanly, never reach out.
as_service_user() {
  runuser -u saltapibridge -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/nonexistent \
    AWS_EC2_METADATA_DISABLED=true SALTAPIBRIDGE_Queue__ServiceUrl=http://127.0.0.1:9 \
    SALTAPIBRIDGE_AutoScaling__ServiceUrl=http://127.0.0.1:9 "$@"
}

deb_install_check_remove_purge() {
  local code out
  dpkg -s saltapibridge >/dev/null 2>&1 && dpkg -P saltapibridge >/dev/null
  dpkg -i "$deb" >"$work/dpkg-i.log" 2>&1 || fail "dpkg -i: $(cat "$work/dpkg-i.log")"
  getent passwd saltapibridge | awk -F: '{exit !($3 < 1000 && $6 == "/nonexistent" && $7 ~ /nologin$/)}' \
    || fail "saltapibridge is not a system user without shell and home: $(getent passwd saltapibridge)"
  [ "$(stat -c '%U %a' /var/lib/saltapibridge)" = "saltapibridge 700" ] || fail "/var/lib/saltapibridge is $(stat -c '%U %a' /var/lib/saltapibridge)"
  [ -L /etc/systemd/system/multi-user.target.wants/saltapibridge.service ] || fail "the unit is not enabled"
  grep -qx "ConditionPathExists=/etc/saltapibridge/appsettings.json" /lib/systemd/system/saltapibridge.service || fail "the unit starts without a configuration"
  [ "$(as_service_user saltapibridge --version)" = "$version" ] || fail "saltapibridge --version as saltapibridge: $(as_service_user saltapibridge --version 2>&1)"

  # The example as shipped: only what the admin must fill in is missing (the password file).
  out=$(as_service_user saltapibridge check --config /etc/saltapibridge/appsettings.example.json 2>&1); code=$?
  [ "$code" -eq 1 ] || fail "check of the example exited $code (want 1): $out"
  [ "$(echo "$out" | grep -c '^✗ ')" -eq 1 ] && echo "$out" | grep -q "^✗ configuration: SaltApi:PasswordFile '/etc/saltapibridge/salt-api.password' does not exist" \
    || fail "the example configuration has other problems than the password file: $out"
  # Filled in as the README says (example copied, password file 0400): every check answers, none can pass here.
  cp /etc/saltapibridge/appsettings.example.json /etc/saltapibridge/appsettings.json
  printf 'not-the-password' | install -m 0400 -o saltapibridge -g saltapibridge /dev/stdin /etc/saltapibridge/salt-api.password
  out=$(as_service_user saltapibridge check --config /etc/saltapibridge/appsettings.json 2>&1); code=$?
  [ "$code" -eq 1 ] || fail "check exited $code (want 1): $out"
  echo "$out" | grep -q '^✓ configuration' || fail "the filled-in configuration is not valid: $out"
  [ "$(echo "$out" | grep -c '^✗ ')" -ge 3 ] || fail "check printed fewer than 3 ✗ lines (queue, salt-api, AWS credentials): $out"
  ! echo "$out" | grep -qE '^\s+at |Exception:|Unhandled' || fail "check printed a stack trace: $out"
  # One line per problem: every line is a ✓/✗ result or the fix under one.
  ! echo "$out" | grep -vE '^(✓|✗) |^    fix: ' | grep -q . || fail "check printed other lines: $out"
  echo "$out" >"$work/check.txt"

  # What remove keeps and purge takes: the configuration (conffile and the admin's), the records, the user.
  install -o saltapibridge -g saltapibridge -d /var/lib/saltapibridge/records
  echo '{}' >/var/lib/saltapibridge/records/i-0123456789abcdef0.json
  dpkg -r saltapibridge >"$work/dpkg-r.log" 2>&1 || fail "dpkg -r: $(cat "$work/dpkg-r.log")"
  [ ! -e /usr/bin/saltapibridge ] && [ ! -e /lib/systemd/system/saltapibridge.service ] || fail "dpkg -r left the executable or the unit"
  [ -f /etc/saltapibridge/appsettings.example.json ] && [ -f /etc/saltapibridge/appsettings.json ] || fail "dpkg -r removed the configuration"
  [ -f /var/lib/saltapibridge/records/i-0123456789abcdef0.json ] || fail "dpkg -r removed the records"
  dpkg -s saltapibridge 2>/dev/null | grep -qx 'Status: deinstall ok config-files' || fail "after dpkg -r: $(dpkg -s saltapibridge 2>&1 | grep Status)"
  dpkg -P saltapibridge >"$work/dpkg-p.log" 2>&1 || fail "dpkg -P: $(cat "$work/dpkg-p.log")"
  [ ! -e /etc/saltapibridge ] || fail "dpkg -P left /etc/saltapibridge: $(ls -A /etc/saltapibridge)"
  [ ! -e /var/lib/saltapibridge ] || fail "dpkg -P left /var/lib/saltapibridge"
  [ ! -e /etc/systemd/system/multi-user.target.wants/saltapibridge.service ] || fail "dpkg -P left the unit enabled"
  ! dpkg -s saltapibridge >/dev/null 2>&1 || fail "dpkg -P: still known to dpkg"
  echo "check as saltapibridge: exit 1, $(grep -c '^✗' "$work/check.txt") ✗ lines, no trace"
}

compat_glibc_and_explain() {
  local exe floor out
  exe=$work/$(basename "$compat_tar" .tar.gz)/saltapibridge
  [ -x "$exe" ] || tar -C "$work" -xzf "$compat_tar"
  floor=$(objdump -T "$exe" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)
  [ "$(printf '%s\n2.28\n' "$floor" | sort -V | tail -n1)" = "2.28" ] || fail "the compat build needs glibc $floor (> 2.28)"
  out=$("$exe" explain --sample launching 2>&1) || fail "explain --sample launching: $out"
  echo "$out" | grep -q '"kind": "Launching"' || fail "explain printed: $out"
  [ "$("$exe" --version)" = "$version" ] || fail "the compat build says $("$exe" --version)"
  echo "glibc >= $floor"
}

aot_memory_settings() {
  # What the memory figure rests on (docs/bench/README.md): a position-dependent executable with its type data mapped
  # from the file, not rebuilt in private memory at each start (no .hydrated section), and the young generation's
  # 1 MB budget compiled in.
  local exe=$work/$(basename "$aot_tar" .tar.gz)/saltapibridge
  [ -x "$exe" ] || tar -C "$work" -xzf "$aot_tar"
  readelf -h "$exe" | grep -qE 'Type:[[:space:]]+EXEC' || fail "the AOT executable is $(readelf -h "$exe" | grep 'Type:' | tr -s ' '), not position-dependent"
  ! readelf -S -W "$exe" | grep -q '\.hydrated' || fail "the AOT executable has a .hydrated section: its type data are rebuilt at each start (IlcDehydrate)"
  grep -qaP 'GCGen0MaxBudget\x000x100000' "$exe" || fail "the AOT executable does not carry GCGen0MaxBudget=0x100000"
  echo "position-dependent, no rehydrated data, GCGen0MaxBudget 1 MB"
}

one_queue_name() {
  # Every queue name the docs, the examples and the formula give (QueueName values, --queue-name, queue URLs).
  local names
  names=$(grep -rhoE '"QueueName": *"[^"]+"|--queue-name [A-Za-z0-9_-]+|sqs\.[^/ ]+/[0-9$A-Z{}]+/[A-Za-z0-9_-]+' \
            README.md docs packaging salt 2>/dev/null | sed -E 's/.*[" /]([A-Za-z0-9_-]+)"?$/\1/' | sort -u)
  names=$(echo "$names" | grep -v -- '-dlq$')
  [ "$names" = "saltapibridge-lifecycle" ] || fail "queue names: $(echo "$names" | tr '\n' ' ')"
}

run_case release_artifacts_and_checksums artifacts_and_checksums
run_case tarballs_hold_the_executable_unit_example_license tarball_contents
run_case lintian_reports_no_error_or_warning lintian_clean
run_case rpmlint_reports_no_error_or_warning rpmlint_clean
run_case rpm_file_list_and_scripts rpm_files_and_scripts
run_case deb_installs_answers_as_its_user_removes_and_purges deb_install_check_remove_purge
run_case compat_build_needs_glibc_2_28_at_most_and_runs compat_glibc_and_explain
run_case aot_executable_is_position_dependent_with_a_small_young_generation aot_memory_settings
run_case one_queue_name_in_every_doc one_queue_name
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
