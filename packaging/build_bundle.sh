#!/usr/bin/env bash
# Build the PyInstaller one-folder bundle (Linux and macOS) into build/pyi-dist/y90gui[.app].
#   bash packaging/build_bundle.sh
# Needs only the project venv that `make test` / `make run` create (.venv); installs the
# `package` extra into it, constrained to the exact versions in packaging/requirements-bundle.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
[ -x "$PY" ] || { echo "build_bundle: $PY not found; run 'make test' or 'make run' first (they create .venv)" >&2; exit 1; }

t0=$(date +%s)
if ! "$PY" packaging/pin_requirements.py --check; then
  echo "== bundle: installing .[package] (pinned by packaging/requirements-bundle.txt)"
  "$PY" -m pip install --quiet --disable-pip-version-check -e ".[package]" -c packaging/requirements-bundle.txt
fi

echo "== bundle: icons"
"$PY" packaging/icons.py build/icons

echo "== bundle: pyinstaller (one folder, windowed)"
rm -rf build/pyi-dist/y90gui build/pyi-dist/y90gui.app
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath build/pyi-dist --workpath build/pyi-work packaging/y90gui.spec

BUNDLE=build/pyi-dist/y90gui
if [ "$(uname -s)" = Linux ]; then
  echo "== bundle: ICU data trimmed to the locales a clinic uses"
  "$PY" packaging/linux/trim_icu.py "$BUNDLE"
  # numpy.libs and scipy.libs carry byte-identical copies of libgfortran/libquadmath: link, not copy
  "$PY" packaging/linux/dedupe_libs.py "$BUNDLE"
  # PyInstaller's strip=True breaks numpy/scipy's OpenBLAS (auditwheel/patchelf-edited files in
  # *.libs); strip everything else the way Debian's dh_strip strips shared libraries (keeps the
  # dynamic symbols). The executable carries the Python archive after its ELF image: never strip it.
  echo "== bundle: strip --strip-unneeded (outside *.libs)"
  find "$BUNDLE/_internal" -path '*.libs' -prune -o -type f \( -name '*.so' -o -name '*.so.*' \) -print0 \
    | xargs -0 -r strip --strip-unneeded --remove-section=.comment --remove-section=.note 2>/dev/null || true
fi
echo "== bundle: $(du -sh "$BUNDLE" | cut -f1) in $BUNDLE ($(( $(date +%s) - t0 )) s)"
