#!/usr/bin/env bash
# Idempotent setup: system packages, npm dependencies, the native addon, TypeScript.
# Every step checks first and does nothing when its work is already done, so `npm start`
# and `npm test` can run it every time (a few seconds when everything is present).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

say() { printf '[setup] %s\n' "$*" >&2; }

# --- Node -------------------------------------------------------------------------------
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' || {
  say "Node.js >= 20.19 is required (found $(node --version))."; exit 1; }

# --- System packages ----------------------------------------------------------------------
# Three lists, read by others too: `dubarr doctor` checks APT_RUNTIME (core/cli/doctor.ts reads
# it from here), and docker/Dockerfile installs the same lists (a test keeps them equal).
# What dubarr needs to run: FFmpeg's libraries (the ffmpeg package brings them), the engines.
APT_RUNTIME=(
  ffmpeg
  espeak-ng
  apertium apertium-eng-spa apertium-eng-cat
  pocketsphinx pocketsphinx-en-us
)
# What building the native addon needs.
APT_BUILD=(
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libavfilter-dev libswscale-dev
  pkg-config g++ make python3
  libespeak-ng-dev
)
# What the test suite needs besides: the web page's browser test drives chromium with playwright-core;
# the neural providers' tests build tiny ONNX models with Debian's python3 and its onnx and numpy.
APT_TEST=(
  chromium
  python3-onnx
  python3-numpy
)
# DUBARR_SETUP_TEST_TOOLS=0 leaves the test tools out (the docker image does).
wanted=("${APT_RUNTIME[@]}" "${APT_BUILD[@]}")
[[ ${DUBARR_SETUP_TEST_TOOLS:-1} == 0 ]] || wanted+=("${APT_TEST[@]}")
bash core/setup/apt-packages.sh "${wanted[@]}"

# --- What to (re)build -------------------------------------------------------------------------
source core/setup/stamps.sh
adopt_old_stamps
runtime=$(node_runtime_tag)
pending=$(pending_steps "$runtime")

# --- npm dependencies -----------------------------------------------------------------------
if [[ $pending == *npm* ]]; then
  say "installing npm dependencies (npm ci) for $runtime"
  # skip: the CPU build shipped in the package (nothing fetched); the docker build may ask for cuda12.
  ONNXRUNTIME_NODE_INSTALL=${ONNXRUNTIME_NODE_INSTALL:-skip} npm ci --no-audit --no-fund --loglevel=error
  record_step npm "$runtime"
fi

# --- Native addon ----------------------------------------------------------------------------
if [[ -f native/binding.gyp ]]; then
  if [[ $pending == *native* ]]; then
    say "building the native FFmpeg addon for $runtime"
    nodedir=()
    [[ -f /usr/include/node/node.h ]] && nodedir=(--nodedir=/usr)
    (cd native && "$ROOT/node_modules/.bin/node-gyp" rebuild --release -j 2 "${nodedir[@]}" >/dev/null 2>"$ROOT/native/build.log") || {
      say "native build failed; see native/build.log"; tail -40 native/build.log >&2; exit 1; }
    record_step native "$runtime"
  fi
fi

# --- TypeScript ------------------------------------------------------------------------------
"$ROOT/node_modules/.bin/tsc" -p tsconfig.json
# The web page's browser modules (core/web), compiled on their own: DOM types, no Node.
"$ROOT/node_modules/.bin/tsc" -p core/web/tsconfig.json
