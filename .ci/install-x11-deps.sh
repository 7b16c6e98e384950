#!/usr/bin/env bash
# Make sure a real X11 window can be shown under Xvfb (Qt's xcb platform), installing
# Debian's packages when they are missing and we may (root, or sudo without a password).
# Exit 0: ready. Exit 3: cannot be had here (the caller skips the real-window tests,
# except under CI, where that is an error).
set -u
PACKAGES="xvfb xauth xdotool libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 \
libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libegl1 libgl1 libfontconfig1 libdbus-1-3 \
fonts-dejavu-core"

missing=""
for package in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "real-window tests: not a Debian machine; missing:$missing" >&2
  exit 3
fi
if [ "$(id -u)" = 0 ]; then
  run=""
elif sudo -n true 2>/dev/null; then
  run="sudo -n"
else
  echo "real-window tests: need root to install:$missing" >&2
  exit 3
fi
echo "Installing for the real-window tests:$missing"
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -qq >/dev/null && $run apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
  echo "real-window tests: could not install:$missing" >&2
  exit 3
}
