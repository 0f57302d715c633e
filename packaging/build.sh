#!/usr/bin/env bash
# Build the one-folder bundle (dist/mirix-app) and the Debian package (dist/mirix-app_VERSION_ARCH.deb).
#   ./packaging/build.sh            build both (reuses PyInstaller's cache in build/ when present)
#   ./packaging/build.sh --clean    start from scratch
#   ./packaging/build.sh --deb-only repackage an existing dist/mirix-app
# Env: DEB_COMPRESS (xz|zstd|gzip|none; default xz), DEB_LEVEL (default 6).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=.venv/bin/python
PYINSTALLER_VERSION=6.22.3

clean=""
deb_only=0
for arg in "$@"; do
  case "$arg" in
    --clean) clean="--clean" ;;
    --deb-only) deb_only=1 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

VERSION=$("$PY" -c 'import mirix_app; print(mirix_app.__version__)')
ARCH=$(dpkg --print-architecture)
BUNDLE=dist/mirix-app
DEB=dist/mirix-app_${VERSION}_${ARCH}.deb

if ((deb_only == 0)); then
  if [ "$("$PY" -c 'import PyInstaller; print(PyInstaller.__version__)' 2>/dev/null)" != "$PYINSTALLER_VERSION" ]; then
    echo "==> installing pyinstaller==$PYINSTALLER_VERSION"
    "$PY" -m pip --disable-pip-version-check -q install -c constraints.txt "pyinstaller==$PYINSTALLER_VERSION"
  fi
  echo "==> PyInstaller bundle -> $BUNDLE"
  start=$SECONDS
  nice -n 10 "$PY" -m PyInstaller --noconfirm $clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/mirix-app.spec
  echo "    bundle built in $((SECONDS - start)) s"
fi
[ -x "$BUNDLE/mirix-app" ] || { echo "no bundle at $BUNDLE; run without --deb-only" >&2; exit 1; }

echo "==> Debian package -> $DEB"
start=$SECONDS
STAGE=build/deb/mirix-app
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/icons/hicolor/256x256/apps" \
  "$STAGE/usr/share/doc/mirix-app"
cp -a --reflink=auto "$BUNDLE" "$STAGE/opt/mirix-app"
install -m 0755 packaging/debian/mirix-app.sh "$STAGE/usr/bin/mirix-app"
install -m 0644 packaging/debian/mirix-app.desktop "$STAGE/usr/share/applications/mirix-app.desktop"
install -m 0644 assets/mirix-app.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/mirix-app.svg"
install -m 0644 assets/mirix-app.png "$STAGE/usr/share/icons/hicolor/256x256/apps/mirix-app.png"
install -m 0644 packaging/debian/copyright "$STAGE/usr/share/doc/mirix-app/copyright"
# Normalise permissions: directories and executables 0755, everything else 0644, owned by root.
find "$STAGE" -type d -exec chmod 0755 {} +
find "$STAGE/opt" -type f \( -perm -u+x -o -name '*.so*' \) -exec chmod 0755 {} +
find "$STAGE/opt" -type f ! -perm -u+x -exec chmod 0644 {} +
INSTALLED_KB=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@INSTALLED_SIZE@/$INSTALLED_KB/" \
  packaging/debian/control.in >"$STAGE/DEBIAN/control"
install -m 0755 packaging/debian/postinst packaging/debian/postrm "$STAGE/DEBIAN/"
mkdir -p dist
rm -f "$DEB"
nice -n 10 dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-xz}" -z"${DEB_LEVEL:-6}" --build "$STAGE" "$DEB" >/dev/null
echo "    package built in $((SECONDS - start)) s"

echo "==> sizes"
printf '  bundle    %s  (%s files)\n' "$(du -sh "$BUNDLE" | cut -f1)" "$(find "$BUNDLE" -type f | wc -l)"
printf '  .deb      %s  %s\n' "$(du -h "$DEB" | cut -f1)" "$DEB"
printf '  installed %s MiB (Installed-Size %s KiB)\n' "$((INSTALLED_KB / 1024))" "$INSTALLED_KB"
echo "  largest parts of the bundle:"
du -sh "$BUNDLE"/_internal/* 2>/dev/null | sort -rh | sed -n 1,8p | sed 's/^/    /'
