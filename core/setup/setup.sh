#!/usr/bin/env bash
# Idempotent setup: system packages, npm dependencies, the native addon, TypeScript.
# Every step checks first and does nothing when its work is already done, so `npm start`
# and `npm test` can run it every time (a few seconds when everything is present).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
STAMPS="$ROOT/node_modules/.dubarr-stamps"

say() { printf '[setup] %s\n' "$*" >&2; }

# --- Node -------------------------------------------------------------------------------
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=17)?0:1)' || {
  say "Node.js >= 20.17 is required (found $(node --version))."; exit 1; }

# --- System packages ----------------------------------------------------------------------
# Keep in sync with `dubarr doctor` (core/cli/doctor.ts reads this list from here).
APT_PACKAGES=(
  ffmpeg libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libavfilter-dev
  pkg-config g++ make python3
  espeak-ng libespeak-ng-dev
  apertium apertium-eng-spa apertium-eng-cat
  pocketsphinx pocketsphinx-en-us
)
bash core/setup/apt-packages.sh "${APT_PACKAGES[@]}"

# --- npm dependencies -----------------------------------------------------------------------
lock_hash=$(sha256sum package-lock.json | cut -c1-16)
if [[ ! -f "$STAMPS/npm-$lock_hash" ]]; then
  say "installing npm dependencies (npm ci)"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
  mkdir -p "$STAMPS" && touch "$STAMPS/npm-$lock_hash"
fi

# --- Native addon ----------------------------------------------------------------------------
if [[ -f native/binding.gyp ]]; then
  native_hash=$( (cat native/binding.gyp; find native/src -type f -print0 | sort -z | xargs -0 cat) | sha256sum | cut -c1-16)
  if [[ ! -f "$STAMPS/native-$native_hash" || ! -f native/build/Release/dubarr_native.node ]]; then
    say "building the native FFmpeg addon"
    nodedir=()
    [[ -f /usr/include/node/node.h ]] && nodedir=(--nodedir=/usr)
    (cd native && "$ROOT/node_modules/.bin/node-gyp" rebuild --release -j 2 "${nodedir[@]}" >/dev/null 2>"$ROOT/native/build.log") || {
      say "native build failed; see native/build.log"; tail -40 native/build.log >&2; exit 1; }
    rm -f "$STAMPS"/native-* && touch "$STAMPS/native-$native_hash"
  fi
fi

# --- TypeScript ------------------------------------------------------------------------------
"$ROOT/node_modules/.bin/tsc" -p tsconfig.json
