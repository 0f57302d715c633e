#!/bin/sh
# mirix-app launcher: the frozen app lives in /opt/mirix-app (found relative to this script, so an
# unpacked package in a scratch root runs too); user data stays in ~/.local/share/mirix-app.
here=$(dirname "$(readlink -f "$0")")
exec "$here/../../opt/mirix-app/mirix-app" "$@"
