#!/usr/bin/env bash
# Cold start to first painted window: installed .deb vs source tree, in one run.
#   bash packaging/linux/measure_start.sh [RUNS]     (builds the .deb first unless SKIP_BUILD=1)
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
VERSION=$("$PY" -c "import y90gui; print(y90gui.__version__)")
DEB=dist/y90gui_${VERSION}_$(dpkg --print-architecture 2>/dev/null || echo amd64).deb
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$DEB" ]; then bash packaging/linux/build_deb.sh; fi
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/y90gui-start.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
dpkg -x "$DEB" "$ROOT"
"$PY" packaging/measure_start.py --installed "$ROOT/usr/bin/y90gui" --runs "${1:-5}"
