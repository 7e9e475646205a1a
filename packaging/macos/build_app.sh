#!/usr/bin/env bash
# Build y90gui.app and a drag-to-Applications disk image on macOS (run on a Mac; untested here).
#   bash packaging/macos/build_app.sh
# Needs Python 3.11+ from python.org or Homebrew (universal2 or the Mac's own architecture).
# The same packaging/y90gui.spec makes a BUNDLE on darwin, with the .y90 document type
# (CFBundleDocumentTypes + an exported UTI) in Info.plist, so Finder opens .y90 files with it.
# Optional signing/notarisation: set Y90GUI_CODESIGN_IDENTITY="Developer ID Application: ..."
# and NOTARY_PROFILE (a `xcrun notarytool store-credentials` profile name).
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
PY=.venv/bin/python
"$PY" -m pip install --quiet --upgrade pip

bash packaging/build_bundle.sh          # pins, icons (y90gui.icns), PyInstaller -> build/pyi-dist/y90gui.app

APP=build/pyi-dist/y90gui.app
VERSION=$("$PY" -c "import y90gui; print(y90gui.__version__)")
/usr/libexec/PlistBuddy -c "Print :CFBundleDocumentTypes:0:CFBundleTypeExtensions:0" "$APP/Contents/Info.plist" \
  | grep -qx y90 || { echo "Info.plist lacks the .y90 document type" >&2; exit 1; }

echo "== self-test of the app bundle"
QT_QPA_PLATFORM=offscreen Y90GUI_DATA_DIR="$(mktemp -d)" "$APP/Contents/MacOS/y90gui" --self-test

if [ -n "${Y90GUI_CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$Y90GUI_CODESIGN_IDENTITY" "$APP"
fi

mkdir -p dist build/dmg
rm -rf build/dmg/*
cp -R "$APP" build/dmg/
ln -s /Applications build/dmg/Applications
DMG=dist/y90gui-${VERSION}-macos-$(uname -m).dmg
rm -f "$DMG"
hdiutil create -volname "y90gui $VERSION" -srcfolder build/dmg -ov -format UDZO "$DMG"
if [ -n "${NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
fi
echo "== $DMG ($(du -h "$DMG" | cut -f1))"
