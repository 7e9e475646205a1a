#!/bin/sh
# Real-window check of issue 12: start y90gui (no file: the demo cohort) under Xvfb on a
# 1366 x 768 and a 1920 x 1080 screen and at 200 % (QT_SCALE_FACTOR=2 on 1920 x 1080), read the
# real window size with xdotool and fail unless the window lies on the screen. A screenshot of
# the screen per case goes to $XVFB_CHECK_OUT (default: a temporary folder), by Qt's grab of the
# root window. Needs Xvfb and xdotool (Debian: xvfb, xdotool). Fresh settings: a first start.
#   sh scripts/xvfb_check.sh            (PYTHON=path/to/python to choose the interpreter)
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo /work/main/.venv/bin/python )}
[ -x "$PYTHON" ] || PYTHON=python3
OUT=${XVFB_CHECK_OUT:-$(mktemp -d)}
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
unset QT_QPA_PLATFORM
status=0

check() {  # name, screen WxH, scale factor
    name=$1; screen=$2; scale=$3
    sw=${screen%x*}; sh_=${screen#*x}
    # a display number no other X server holds (other sessions may run Xvfb too)
    disp=$(( $$ % 50 + 150 ))
    while [ -e "/tmp/.X$disp-lock" ] || [ -e "/tmp/.X11-unix/X$disp" ]; do disp=$((disp + 1)); done
    Xvfb ":$disp" -screen 0 "${screen}x24" -nolisten tcp >"$OUT/xvfb_$name.log" 2>&1 &
    xpid=$!
    i=0; until DISPLAY=":$disp" xdpyinfo >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 100 ] && break; sleep 0.1; done
    home="$OUT/home_$name"; mkdir -p "$home"
    env HOME="$home" XDG_CONFIG_HOME="$home/.config" Y90GUI_SETTINGS_DIR="$home/settings" \
        Y90GUI_DATA_DIR="$home/data" QT_QPA_PLATFORM=xcb DISPLAY=":$disp" QT_SCALE_FACTOR="$scale" \
        "$PYTHON" main.py >"$OUT/app_$name.log" 2>&1 &
    apid=$!
    wid=""; i=0
    while [ -z "$wid" ] && [ $i -lt 600 ]; do
        wid=$(DISPLAY=":$disp" xdotool search --onlyvisible --name 'y90gui' 2>/dev/null | head -n 1 || true)
        i=$((i+1)); sleep 0.1
    done
    if [ -z "$wid" ]; then
        echo "$name: no y90gui window appeared (log: $OUT/app_$name.log)"; status=1
    else
        sleep 4  # the demo loads and the layout settles
        eval "$(DISPLAY=":$disp" xdotool getwindowgeometry --shell "$wid")"
        DISPLAY=":$disp" QT_QPA_PLATFORM=xcb "$PYTHON" -c "
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
app.primaryScreen().grabWindow(0).save(sys.argv[1])" "$OUT/xvfb_$name.png" || true
        if [ "$X" -ge 0 ] && [ "$Y" -ge 0 ] && [ $((X + WIDTH)) -le "$sw" ] && [ $((Y + HEIGHT)) -le "$sh_" ]; then
            echo "$name: window ${WIDTH}x${HEIGHT}+${X}+${Y} fits the ${screen} screen (scale $scale); $OUT/xvfb_$name.png"
        else
            echo "$name: window ${WIDTH}x${HEIGHT}+${X}+${Y} does NOT fit the ${screen} screen (scale $scale)"; status=1
        fi
    fi
    kill "$apid" 2>/dev/null || true; wait "$apid" 2>/dev/null || true
    kill "$xpid" 2>/dev/null || true; wait "$xpid" 2>/dev/null || true
}

check 1366x768 1366x768 1
check 1920x1080 1920x1080 1
check 200pct 1920x1080 2
exit $status
