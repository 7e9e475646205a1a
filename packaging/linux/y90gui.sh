#!/bin/sh
# y90gui launcher (installed as /usr/bin/y90gui): the frozen app lives in /opt/y90gui.
# Resolved relative to this script, so an unpacked package (dpkg -x ROOT) runs its own copy.
here=$(dirname "$(readlink -f "$0")")
exec "$here/../../opt/y90gui/y90gui" "$@"
