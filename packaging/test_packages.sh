#!/usr/bin/env bash
# Packaging smoke test: build the bundle, the .deb and the tarball; install the .deb; run
# `rnn-studio --self-check` from the installed files and from the unpacked tarball with the
# network cut (unshare -n); measure sizes, build times and start-up to the first painted window.
#   packaging/test_packages.sh            (needs root or sudo for dpkg -i; removes the package after)
#   KEEP_INSTALLED=1 packaging/test_packages.sh     leave rnn-studio installed
#   SKIP_BUILD=1 packaging/test_packages.sh         reuse the packages in packaging/out/
# Exit status 1 if any check fails or a target is missed (.deb < 90 MB, start-up < 1 s).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source packaging/common.sh

ARCH="$(dpkg --print-architecture)"
DEB="$OUT/rnn-studio_${VERSION}_${ARCH}.deb"
TARBALL="$OUT/rnn-studio-$VERSION-linux-$(uname -m).tar.gz"
DEB_LIMIT_MB=90
STARTUP_LIMIT_S=1.0
RUNS=5
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# Headless and hermetic: offscreen Qt, user files in a temporary folder.
export QT_QPA_PLATFORM=offscreen RNN_STUDIO_HOME="$WORK/home"
failures=()

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; failures+=("$*"); }
offline() {  # run a command in a new network namespace: no interface but loopback
    if [ "$(id -u)" -eq 0 ]; then unshare --net -- "$@"; else unshare --map-root-user --net -- "$@"; fi
}
mb() { du -sm "$1" | cut -f1; }
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
# Medians of: seconds from process start to the first painted main window (the app's own
# clock), CPU seconds used by then, and the wall time of the whole run (start, paint, quit).
measure_startup() {
    local paint=() cpu=() wall=() run start end line
    for run in $(seq "$RUNS"); do
        start=$(date +%s%N)
        line=$(offline "$@" --measure-startup 2>/dev/null)
        end=$(date +%s%N)
        paint+=("$(sed -n 's/.* after \([0-9.]*\) s .*/\1/p' <<<"$line")")
        cpu+=("$(sed -n 's/.*(CPU \([0-9.]*\) s)$/\1/p' <<<"$line")")
        wall+=("$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')")
    done
    echo "  first paint (s): ${paint[*]}; CPU (s): ${cpu[*]}; whole run (s): ${wall[*]}" >&2
    echo "$(median "${paint[@]}") $(median "${cpu[@]}") $(median "${wall[@]}")"
}

if [ -z "${SKIP_BUILD:-}" ]; then
    step "1/8 PyInstaller bundle"
    SECONDS=0; packaging/build_bundle.sh; bundle_seconds=$SECONDS
    step "2/8 Debian package"
    SECONDS=0; packaging/build_deb.sh; deb_seconds=$SECONDS
    step "3/8 portable tarball"
    SECONDS=0; packaging/build_tarball.sh; tarball_seconds=$SECONDS
else
    bundle_seconds="(reused)"; deb_seconds="(reused)"; tarball_seconds="(reused)"
fi

step "4/8 system libraries the bundle loads vs. the .deb's Depends"
python3 packaging/check_system_libraries.py "$BUNDLE" "$DEB_DEPENDS" || fail "Depends do not cover the bundle"

step "5/8 install the .deb"
opt_before="$(ls -ld /opt 2>/dev/null || true)"  # the .deb must leave /opt alone
dpkg-deb -c "$DEB" | awk '{print $6}' | grep -qx './opt/' && fail "the .deb lists /opt"
$SUDO dpkg -i "$DEB" || fail "dpkg -i $DEB"
[ -L /usr/bin/rnn-studio ] || fail "/usr/bin/rnn-studio missing"
for size in $ICON_SIZES; do
    [ -f "/usr/share/icons/hicolor/${size}x${size}/apps/rnn-studio.png" ] || fail "icon ${size}x${size} missing"
done
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate /usr/share/applications/rnn-studio.desktop && echo "desktop file: valid" \
        || fail "desktop-file-validate"
fi
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "/usr/share/metainfo/$METAINFO_ID.metainfo.xml" || fail "appstreamcli validate"
fi

step "6/8 installed: --version and --self-check with the network cut"
# /proc/net/dev lists the interfaces of the caller's network namespace (sysfs would not).
interfaces=$(offline awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | tr '\n' ' ')
echo "network interfaces inside unshare: $interfaces"
[ "$interfaces" = "lo " ] || fail "the network is not cut: interfaces $interfaces"
offline /usr/bin/rnn-studio --version || fail "installed --version"
offline /usr/bin/rnn-studio --self-check || fail "installed --self-check"
read -r installed_paint installed_cpu installed_wall < <(measure_startup /usr/bin/rnn-studio)

step "7/8 tarball: unpack, --self-check with the network cut"
tar -C "$WORK" -xzf "$TARBALL"
PORTABLE="$WORK/rnn-studio-$VERSION/rnn-studio"
offline "$PORTABLE" --self-check || fail "tarball --self-check"
read -r portable_paint portable_cpu portable_wall < <(measure_startup "$PORTABLE")

step "8/8 remove the .deb"
if [ -z "${KEEP_INSTALLED:-}" ]; then
    $SUDO dpkg -r rnn-studio >/dev/null || fail "dpkg -r rnn-studio"
    [ ! -e "/$DEB_BUNDLE_DIR" ] || fail "/$DEB_BUNDLE_DIR left behind after dpkg -r"
    [ "$opt_before" = "$(ls -ld /opt 2>/dev/null || true)" ] || fail "dpkg -r changed /opt"
fi

deb_mb=$(mb "$DEB")
step "summary"
printf '%-34s %s\n' \
    "bundle size (installed)" "$(mb "$BUNDLE") MB" \
    ".deb size" "$deb_mb MB (target < $DEB_LIMIT_MB MB)" \
    "tarball size" "$(mb "$TARBALL") MB" \
    "build time bundle / deb / tarball" "$bundle_seconds / $deb_seconds / $tarball_seconds s" \
    "start-up to first paint, .deb" "$installed_paint s median of $RUNS (CPU $installed_cpu s, whole run $installed_wall s)" \
    "start-up to first paint, tarball" "$portable_paint s median of $RUNS (CPU $portable_cpu s, whole run $portable_wall s)" \
    "load average at the end" "$(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
[ "$deb_mb" -lt "$DEB_LIMIT_MB" ] || fail ".deb is $deb_mb MB, target < $DEB_LIMIT_MB MB"
for seconds in "$installed_paint" "$portable_paint"; do
    awk -v s="$seconds" -v limit="$STARTUP_LIMIT_S" 'BEGIN { exit !(s != "" && s < limit) }' \
        || fail "start-up ${seconds:-?} s, target < $STARTUP_LIMIT_S s"
done
if [ "${#failures[@]}" -gt 0 ]; then
    printf '\n%d failure(s):\n' "${#failures[@]}"; printf '  %s\n' "${failures[@]}"
    exit 1
fi
echo; echo "all packaging checks passed"
