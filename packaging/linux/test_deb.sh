#!/usr/bin/env bash
# Installer test without pytest (`make package-test`, CI): build the .deb, check its metadata and
# files, unpack it into a temporary root (dpkg -x) and run the *installed* launcher: --version,
# two CLI commands (lazy importlib dispatch in the frozen app), and the GUI --self-test
# (offscreen), whose lines must also reach the log in the user's data folder.
#   bash packaging/linux/test_deb.sh            # build + test
#   SKIP_BUILD=1 bash packaging/linux/test_deb.sh   # test dist/y90gui_<version>_<arch>.deb as it is
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
SIZE_BUDGET_MB=${SIZE_BUDGET_MB:-300}  # the brief's limit for the installed bundle
fail() { echo "test_deb: FAIL: $*" >&2; exit 1; }
pass() { echo "test_deb: ok   $*"; }
t0=$(date +%s)

# ---- static checks of the packaging sources (fast; no build) -------------------------------------
grep -q '^Exec=y90gui %f$' packaging/linux/y90gui.desktop || fail "desktop entry: Exec must pass the file (%f)"
grep -q '^MimeType=application/x-y90gui;$' packaging/linux/y90gui.desktop || fail "desktop entry: MimeType"
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate packaging/linux/y90gui.desktop || fail "desktop-file-validate"
fi
"$PY" - <<'PYCHECK' || fail "packaging sources"
import xml.etree.ElementTree as ET
ns = "{http://www.freedesktop.org/standards/shared-mime-info}"
mt = ET.parse("packaging/linux/y90gui-mime.xml").getroot().find(f"{ns}mime-type")
assert mt.get("type") == "application/x-y90gui", mt.get("type")
assert [g.get("pattern") for g in mt.findall(f"{ns}glob")] == ["*.y90"]
from y90gui.store import schema  # the magic must match what the store writes
magic = mt.find(f"{ns}magic/{ns}match/{ns}match")
assert int(magic.get("value"), 16) == schema.APPLICATION_ID, (magic.get("value"), schema.APPLICATION_ID)
import re
iss = open("packaging/windows/y90gui.iss", encoding="utf-8").read()
assert "PrivilegesRequired=lowest" in iss and '".y90"' in iss, "Inno Setup: per-user install and .y90 association"
spec = open("packaging/y90gui.spec", encoding="utf-8").read()
assert "CFBundleDocumentTypes" in spec and '"y90"' in spec, "spec: macOS document type"
pins = dict(l.split("==") for l in open("packaging/requirements-bundle.txt") if "==" in l)
for need in ("pyside6-essentials", "pyqtgraph", "pandas", "numpy", "lifelines", "openpyxl", "pyinstaller"):
    assert need in pins, f"requirements-bundle.txt lacks {need}"
print("test_deb: ok   packaging sources (desktop entry, MIME XML + magic, Inno Setup, Info.plist, pins)")
PYCHECK
[ "${1:-}" = --static ] && exit 0

# ---- build -----------------------------------------------------------------------------------------
VERSION=$("$PY" -c "import y90gui; print(y90gui.__version__)")
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
DEB=dist/y90gui_${VERSION}_${ARCH}.deb
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$DEB" ]; then
  bash packaging/linux/build_deb.sh
fi
[ -f "$DEB" ] || fail "$DEB was not built"

# ---- metadata --------------------------------------------------------------------------------------
dpkg-deb -I "$DEB"
field() { dpkg-deb -f "$DEB" "$1"; }
[ "$(field Package)" = y90gui ] || fail "Package field"
[ "$(field Version)" = "$VERSION" ] || fail "Version field $(field Version) != $VERSION"
[ "$(field Architecture)" = "$ARCH" ] || fail "Architecture field"
[ -n "$(field Maintainer)" ] && [ -n "$(field Description)" ] || fail "Maintainer/Description"
for dep in 'libc6 (>= ' libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 \
           libxcb-icccm4 libxcb-keysyms1 libdbus-1-3; do
  field Depends | grep -qF "$dep" || fail "Depends lacks $dep"
done
pass "metadata: y90gui $VERSION $ARCH, Depends on Qt's system libraries"

# ---- unpack into a temporary root ---------------------------------------------------------------------
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/y90gui-debtest.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
dpkg -x "$DEB" "$ROOT/fs"
for f in opt/y90gui/y90gui usr/bin/y90gui usr/share/applications/y90gui.desktop \
         usr/share/mime/packages/y90gui.xml usr/share/icons/hicolor/48x48/apps/y90gui.png \
         usr/share/icons/hicolor/256x256/apps/y90gui.png usr/share/doc/y90gui/copyright; do
  [ -e "$ROOT/fs/$f" ] || fail "package lacks /$f"
done
[ -x "$ROOT/fs/usr/bin/y90gui" ] && [ -x "$ROOT/fs/opt/y90gui/y90gui" ] || fail "launcher not executable"
if find "$ROOT/fs" -xtype l | grep -q .; then fail "dangling symlinks: $(find "$ROOT/fs" -xtype l | head -3)"; fi
if find "$ROOT/fs/opt" -path '*/tests/*' -name '*.py*' | grep -q .; then fail "test suites in the bundle"; fi
SIZE_MB=$(( $(du -sk "$ROOT/fs/opt/y90gui" | cut -f1) / 1024 ))
[ "$SIZE_MB" -le "$SIZE_BUDGET_MB" ] || fail "installed bundle is $SIZE_MB MB (budget $SIZE_BUDGET_MB MB)"
pass "files: launcher, desktop entry, MIME type, icons; bundle $SIZE_MB MB (budget $SIZE_BUDGET_MB MB)"

# the MIME database built from our XML maps *.y90 (and the SQLite header + application id) to us
if command -v update-mime-database >/dev/null 2>&1; then
  mkdir -p "$ROOT/mime/packages"
  cp /usr/share/mime/packages/freedesktop.org.xml "$ROOT/mime/packages/" 2>/dev/null || true
  cp "$ROOT/fs/usr/share/mime/packages/y90gui.xml" "$ROOT/mime/packages/"
  update-mime-database "$ROOT/mime" >/dev/null 2>&1 || fail "update-mime-database rejects y90gui.xml"
  grep -q 'application/x-y90gui:\*\.y90' "$ROOT/mime/globs2" || fail "*.y90 is not in the MIME globs"
  grep -q 'application/x-y90gui application/vnd.sqlite3' "$ROOT/mime/subclasses" \
    || fail "application/x-y90gui is not a sub-class of application/vnd.sqlite3"
  pass "MIME database: *.y90 -> application/x-y90gui (sub-class of SQLite)"
fi

# ---- run the installed launcher ------------------------------------------------------------------------
HOME_DIR="$ROOT/home"
mkdir -p "$HOME_DIR"
run() {  # a clean user: no venv on PATH, data/config in the temporary home, no screen
  env -i PATH=/usr/bin:/bin HOME="$HOME_DIR" XDG_DATA_HOME="$HOME_DIR/.local/share" \
      XDG_CONFIG_HOME="$HOME_DIR/.config" QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 \
      timeout "${RUN_TIMEOUT:-300}" "$ROOT/fs/usr/bin/y90gui" "$@"
}
out=$(run --version) || fail "--version exited $?"
[ "$out" = "y90gui $VERSION" ] || fail "--version printed '$out'"
pass "installed launcher: $out"

run demo --db "$ROOT/cli-demo.y90" >/dev/null || fail "'y90gui demo' in the bundle"
run info --db "$ROOT/cli-demo.y90" --json >"$ROOT/info.json" || fail "'y90gui info' in the bundle"
grep -q '"patients"' "$ROOT/info.json" || fail "'y90gui info --json' printed no patient count"
pass "CLI in the bundle: demo + info ($(tr -d '\n ' < "$ROOT/info.json" | cut -c1-80)...)"

echo "test_deb: installed launcher --self-test:"
set +e
run --self-test 2>"$ROOT/selftest.err" | tee "$ROOT/selftest.out"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" != 0 ]; then
  grep -v 'propagateSizeHints' "$ROOT/selftest.err" | tail -30 >&2
  fail "--self-test exited $rc"
fi
grep -q '^self-test PASSED' "$ROOT/selftest.out" || fail "--self-test did not print PASSED"
LOG="$HOME_DIR/.local/share/y90gui/y90gui.log"
grep -q 'self-test PASSED' "$LOG" 2>/dev/null || fail "the self-test lines are not in the user's log ($LOG)"
pass "--self-test passed; its lines are in $(basename "$LOG") in the user's data folder"

# on a real X server (Xvfb) too, when available: the xcb platform plugin with the system's xcb libraries
if command -v xvfb-run >/dev/null 2>&1; then
  set +e
  xvfb-run -a -s "-screen 0 1600x1000x24" sh -c 'env -i PATH=/usr/bin:/bin HOME="$0" LANG=C.UTF-8 \
      DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" QT_QPA_PLATFORM=xcb timeout 300 "$1" --self-test' \
      "$HOME_DIR" "$ROOT/fs/usr/bin/y90gui" >"$ROOT/xcb.out" 2>"$ROOT/xcb.err"
  rc=$?
  set -e
  if [ "$rc" != 0 ] || ! grep -q '^self-test PASSED' "$ROOT/xcb.out"; then
    cat "$ROOT/xcb.out"; grep -v propagateSizeHints "$ROOT/xcb.err" | tail -20 >&2
    fail "--self-test on X11 (Xvfb, xcb plugin) exited $rc"
  fi
  pass "--self-test on X11 too (Xvfb, Qt xcb plugin): $(tail -1 "$ROOT/xcb.out")"
else
  echo "test_deb: skip X11 run (no xvfb-run; apt-get install xvfb xauth to include it)"
fi
echo "test_deb: PASSED in $(( $(date +%s) - t0 )) s"
