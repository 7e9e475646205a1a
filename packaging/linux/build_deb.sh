#!/usr/bin/env bash
# Build dist/y90gui_<version>_amd64.deb: the PyInstaller bundle under /opt/y90gui, the launcher
# /usr/bin/y90gui, a desktop entry, icons and the .y90 MIME type. Needs .venv (make test/run)
# and dpkg-deb. `make package` runs this; SKIP_BUNDLE=1 reuses build/pyi-dist/y90gui.
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=packaging/linux
PY=${PY:-.venv/bin/python}
command -v dpkg-deb >/dev/null || { echo "build_deb: dpkg-deb not found (Debian/Ubuntu: apt-get install dpkg)" >&2; exit 1; }
[ -x "$PY" ] || { echo "build_deb: $PY not found; run 'make test' or 'make run' first (they create .venv)" >&2; exit 1; }

VERSION=$("$PY" -c "import y90gui; print(y90gui.__version__)")
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
MAINTAINER=${DEB_MAINTAINER:-"y90gui developers <maintainers@y90gui.invalid>"}
# The bundle carries libraries built against this host's glibc: require at least that version.
GLIBC=$(getconf GNU_LIBC_VERSION 2>/dev/null | grep -oE "[0-9]+\.[0-9]+" || true); GLIBC=${GLIBC:-2.36}

[ "${SKIP_BUNDLE:-0}" = 1 ] && [ -x build/pyi-dist/y90gui/y90gui ] || bash packaging/build_bundle.sh

t0=$(date +%s)
STAGE=build/deb/y90gui_${VERSION}_${ARCH}
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
         "$STAGE/usr/share/mime/packages" "$STAGE/usr/share/icons" "$STAGE/usr/share/doc/y90gui"
cp -a build/pyi-dist/y90gui "$STAGE/opt/y90gui"
install -m 0755 "$HERE/y90gui.sh" "$STAGE/usr/bin/y90gui"
install -m 0644 "$HERE/y90gui.desktop" "$STAGE/usr/share/applications/y90gui.desktop"
install -m 0644 "$HERE/y90gui-mime.xml" "$STAGE/usr/share/mime/packages/y90gui.xml"
cp -r build/icons/hicolor "$STAGE/usr/share/icons/hicolor"
install -m 0755 "$HERE/postinst" "$HERE/postrm" "$STAGE/DEBIAN/"
cat > "$STAGE/usr/share/doc/y90gui/copyright" <<COPYRIGHT
y90gui $VERSION - MIT licence (see the project's pyproject.toml).

/opt/y90gui is a PyInstaller bundle (its bootloader: GPL-2.0 with the bootloader exception) of
Python $("$PY" -c 'import sys; print(sys.version.split()[0])') (PSF licence) and Qt $("$PY" -c 'import PySide6; print(PySide6.__version__)') through PySide6 (LGPL-3.0: Qt and PySide6 are
separate shared libraries under /opt/y90gui/_internal/PySide6, stripped of debug symbols, which a
user may replace), with ICU (Unicode licence; its data library reduced to selected locales), and
the Python packages it was built from (pinned; a few are build-time only), each under its own
licence as published on PyPI:
$(grep -v '^#' packaging/requirements-bundle.txt | grep -v '^pyinstaller' | tr '\n' ' ')
COPYRIGHT
find "$STAGE" -type d -exec chmod 0755 {} +

SIZE_KB=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
# the Debian packages of the system libraries the bundle loads (like dpkg-shlibdeps)
DEPENDS=$("$PY" "$HERE/deb_depends.py" "$STAGE/opt/y90gui" "$GLIBC")
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: y90gui
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $SIZE_KB
Section: science
Priority: optional
Depends: $DEPENDS
Recommends: shared-mime-info, desktop-file-utils, hicolor-icon-theme
Description: review and analyse Y-90 radioembolization case series
 y90gui is a desktop application for clinical researchers who collect a case
 series of Y-90 radioembolization (RE) of neuroendocrine liver metastases after
 PRRT. Centres' Excel workbooks are validated cell by cell and imported into
 one SQLite file (.y90), reviewed patient by patient, and the study report
 (RECIST 1.1 response, CTCAE v4.03 toxicities, Kaplan-Meier overall survival)
 is computed and exported as a workbook.
 .
 Python, Qt and the scientific libraries are bundled under /opt/y90gui; only
 common system libraries come from the Depends. It needs no network and no
 Python installation on the workstation.
CONTROL

mkdir -p dist
DEB=dist/y90gui_${VERSION}_${ARCH}.deb
# zstd -12: 25 s on 2 cores for ~85 MB; xz -6 is 10% smaller but takes 5 minutes. Every dpkg that
# can satisfy libc6 >= 2.36 (Debian 12+, Ubuntu 22.10+) reads zstd; DEB_COMPRESSION=xz for older tools.
case "${DEB_COMPRESSION:-zstd}" in
  xz) COMPRESS=(-Zxz -z6) ;;
  *)  COMPRESS=(-Zzstd -z12) ;;
esac
dpkg-deb --root-owner-group "${COMPRESS[@]}" --build "$STAGE" "$DEB" >/dev/null
echo "== deb: $DEB ($(du -h "$DEB" | cut -f1) download, $((SIZE_KB / 1024)) MB installed, $(( $(date +%s) - t0 )) s)"
