#!/usr/bin/env bash
# Smoke test of the installed desktop app:
#   build (or reuse) dist/mirix-app_*.deb, install it into a scratch root with dpkg, run the installed
#   launcher (--version, import-chat, search, ask, mcp) on a temporary data dir, open the GUI offscreen until
#   its window is visible, quit cleanly, then uninstall, check nothing is left but the user's data,
#   reinstall and read that data again. Prints the cold-start time to a visible window.
#   ./packaging/smoke_test.sh            reuse the .deb when it is newer than the sources
#   ./packaging/smoke_test.sh --rebuild  always run packaging/build.sh first
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

rebuild=0
[ "${1:-}" = "--rebuild" ] && rebuild=1
VERSION=$(.venv/bin/python -c 'import mirix_app; print(mirix_app.__version__)')
DEB="$ROOT/dist/mirix-app_${VERSION}_$(dpkg --print-architecture).deb"
if ((rebuild)) || [ ! -f "$DEB" ] || [ -n "$(find mirix_app agents stores ui packaging assets -newer "$DEB" -type f \
  ! -name '*.pyc' ! -name '*.md' ! -name smoke_test.sh -print -quit)" ]; then
  ./packaging/build.sh
fi

S=$(mktemp -d "${TMPDIR:-/tmp}/mirix-smoke.XXXXXX")
GUI_PID=""
cleanup() {
  [ -n "$GUI_PID" ] && kill "$GUI_PID" 2>/dev/null || true
  rm -rf "$S"
}
trap cleanup EXIT
fail() { echo "SMOKE FAIL: $*" >&2; exit 1; }
step() { echo "==> $*"; }

# A scratch dpkg database and root: the package's files land in $S/root, nothing outside it changes.
DPKG=(dpkg --root="$S/root" --force-script-chrootless --force-depends --force-not-root --log=/dev/null)
mkdir -p "$S/root/var/lib/dpkg/info" "$S/root/var/lib/dpkg/updates" "$S/root/var/lib/dpkg/triggers"
touch "$S/root/var/lib/dpkg/status" "$S/root/var/lib/dpkg/available"
install_pkg() {
  if ! "${DPKG[@]}" -i "$DEB" >"$S/dpkg.log" 2>&1; then
    cat "$S/dpkg.log" >&2
    fail "dpkg -i into the scratch root failed"
  fi
}

step "install $(basename "$DEB") into $S/root"
install_pkg
APP="$S/root/usr/bin/mirix-app"
[ -x "$APP" ] || fail "no launcher at /usr/bin/mirix-app"
[ -f "$S/root/usr/share/applications/mirix-app.desktop" ] || fail "no .desktop entry"
[ -f "$S/root/usr/share/icons/hicolor/scalable/apps/mirix-app.svg" ] || fail "no icon"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$S/root/usr/share/applications/mirix-app.desktop" || fail "invalid .desktop entry"
fi
INSTALLED_KB=$(du -sk "$S/root/opt/mirix-app" | cut -f1)

export HOME="$S/home" XDG_RUNTIME_DIR="$S/run" XDG_CONFIG_HOME="$S/home/.config"
mkdir -p "$HOME" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
export MIRIX_DATA_DIR="$S/home/.local/share/mirix-app" MIRIX_PASSPHRASE="smoke test passphrase"
export QT_QPA_PLATFORM=offscreen
unset MIRIX_EMBEDDER  # the real MiniLM model: it must be in the bundle

step "mirix-app --version"
out=$("$APP" --version) || fail "--version exited $?"
[ "$out" = "mirix-app $VERSION" ] || fail "--version printed '$out'"
echo "    $out"

step "mirix-app import-chat"
cat >"$S/chat.jsonl" <<'JSONL'
{"id": "m1", "time": "2025-03-01T10:00:00", "speaker": "Ana", "text": "My sister Lucia moved to Lisbon and works as a marine biologist."}
{"id": "m2", "time": "2025-03-01T10:01:00", "speaker": "Ana", "text": "We adopted a grey cat called Pixel last spring."}
{"id": "m3", "time": "2025-03-02T09:30:00", "speaker": "Ana", "text": "The dentist appointment is on Friday at 4 pm."}
JSONL
"$APP" import-chat "$S/chat.jsonl" >"$S/import.out" 2>"$S/import.err" || { cat "$S/import.err" >&2; fail "import-chat"; }
grep -q "imported 3 new" "$S/import.out" || fail "import-chat printed: $(cat "$S/import.out")"
cat "$S/import.out" | sed 's/^/    /'

step "mirix-app search (semantic: the MiniLM model from the bundle)"
"$APP" search "what pet do we have" --json >"$S/search.json" 2>"$S/search.err" || { cat "$S/search.err" >&2; fail "search"; }
.venv/bin/python - "$S/search.json" <<'PY' || fail "search did not rank the cat message first"
import json, sys
hits = json.load(open(sys.argv[1]))["hits"]
assert hits and "Pixel" in hits[0]["text"], hits[:2]
print("    top hit:", hits[0]["text"])
PY

step "mirix-app ask --offline"
"$APP" ask --offline --no-remember "Where does Lucia live?" >"$S/ask.out" 2>"$S/ask.err" || { cat "$S/ask.err" >&2; fail "ask"; }
grep -q "Lisbon" "$S/ask.out" || fail "ask did not cite the Lisbon message: $(cat "$S/ask.out")"
head -3 "$S/ask.out" | sed 's/^/    /'

step "mirix-app mcp (the MCP SDK's stdio client against the bundled server)"
.venv/bin/python - "$APP" >"$S/mcp.out" 2>"$S/mcp.err" <<'PY' || { cat "$S/mcp.err" >&2; fail "mcp"; }
import os, sys
import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client

async def main():
    params = StdioServerParameters(command=sys.argv[1], args=["mcp"], env=dict(os.environ))
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        names = sorted(t.name for t in (await session.list_tools()).tools)
        assert names == ["ask_memory", "get_memory", "recent_activity", "search_memory"], names
        found = await session.call_tool("search_memory", {"query": "what pet do we have", "k": 3})
        assert not found.is_error, found.content
        top = found.structured_content["hits"][0]
        assert top["source_ids"] == ["m2"], top
        print("    top hit over MCP:", top["text"])

anyio.run(main)
PY
cat "$S/mcp.out"

step "GUI offscreen: visible window, then a clean quit"
gui_run() {  # prints seconds from exec to the window-visible marker; exit status of the app in $S/gui.rc
  local start marker
  start=$(date +%s.%N)
  MIRIX_SMOKE_QUIT_AFTER="${1:-3}" "$APP" gui >"$S/gui.out" 2>"$S/gui.err" &
  GUI_PID=$!
  local rc=0
  wait "$GUI_PID" || rc=$?
  GUI_PID=""
  echo "$rc" >"$S/gui.rc"
  marker=$(grep -m1 "mirix-app: window visible at" "$S/gui.err" | awk '{print $NF}') || true
  [ -n "$marker" ] || { cat "$S/gui.err" >&2; fail "the GUI never showed its window (exit $rc)"; }
  .venv/bin/python -c "print(f'{$marker - $start:.2f}')"
}
# first launch after install: nothing of the bundle in the page cache unless the build just wrote it
if [ -w /proc/sys/vm/drop_caches ]; then sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; fi
cold=$(gui_run 3)
[ "$(cat "$S/gui.rc")" = 0 ] || { cat "$S/gui.err" >&2; fail "GUI exited $(cat "$S/gui.rc")"; }
warm=$(gui_run 2)
[ "$(cat "$S/gui.rc")" = 0 ] || { cat "$S/gui.err" >&2; fail "GUI exited $(cat "$S/gui.rc") on the second run"; }
echo "    window visible after ${cold} s (first run), ${warm} s (second run); quit cleanly"

step "single instance: a second launch hands over to the running window"
MIRIX_SMOKE_QUIT_AFTER=8 "$APP" gui >"$S/gui1.out" 2>"$S/gui1.err" &
GUI_PID=$!
for _ in $(seq 1 80); do grep -q "window visible" "$S/gui1.err" 2>/dev/null && break; sleep 0.1; done
t0=$(date +%s.%N)
timeout 20 "$APP" gui >"$S/gui2.out" 2>&1 || fail "second launch exited $? (expected 0 after handing over)"
handover=$(.venv/bin/python -c "import time; print(f'{time.time() - $t0:.2f}')")
wait "$GUI_PID" || fail "first GUI exited $?"
GUI_PID=""
echo "    second launch returned in ${handover} s"

step "uninstall: package files gone, user data kept"
"${DPKG[@]}" -r mirix-app >>"$S/dpkg.log" 2>&1 || { cat "$S/dpkg.log" >&2; fail "dpkg -r"; }
left=$(find "$S/root" -path "$S/root/var" -prune -o -type f -print | sed -n 1,5p)
[ -z "$left" ] || fail "files left after removal: $left"
[ ! -e "$S/root/opt/mirix-app" ] || fail "/opt/mirix-app left after removal"
[ -n "$(ls -A "$MIRIX_DATA_DIR" 2>/dev/null)" ] || fail "user data dir was removed"

step "reinstall: the same memory opens"
install_pkg
"$APP" search "Lisbon" --json >"$S/search2.json" 2>>"$S/search.err" || fail "search after reinstall"
grep -q "Lisbon" "$S/search2.json" || fail "memory lost across uninstall/reinstall"
"${DPKG[@]}" -r mirix-app >>"$S/dpkg.log" 2>&1 || true

echo "==> smoke test passed"
printf '    .deb %s, installed %s MiB, cold start to window %s s (warm %s s)\n' \
  "$(du -h "$DEB" | cut -f1)" "$((INSTALLED_KB / 1024))" "$cold" "$warm"
