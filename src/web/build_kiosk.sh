#!/usr/bin/env bash
# Trunk pre-build hook (Trunk.toml): builds the whole kiosk from
# kiosk-app.html (Trunk.kiosk-app.toml) into target/kiosk-app-dist, then the
# kiosk's home from kiosk.html (Trunk.kiosk.toml) into target/kiosk-dist,
# which copies the whole kiosk into its app/ folder; index.html then copies
# target/kiosk-dist to dist/kiosk/. Same profile as the main build.
set -euo pipefail
profile=()
if [ "${TRUNK_PROFILE:-debug}" = release ]; then profile=(--release); fi
trunk build --config Trunk.kiosk-app.toml "${profile[@]}"
exec trunk build --config Trunk.kiosk.toml "${profile[@]}"
