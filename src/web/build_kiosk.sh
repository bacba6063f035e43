#!/usr/bin/env bash
# Trunk pre-build hook (Trunk.toml): builds the kiosk's own module from
# kiosk.html with Trunk.kiosk.toml into target/kiosk-dist, which index.html
# then copies to dist/kiosk/. Same profile as the main build.
set -euo pipefail
profile=()
if [ "${TRUNK_PROFILE:-debug}" = release ]; then profile=(--release); fi
exec trunk build --config Trunk.kiosk.toml "${profile[@]}"
