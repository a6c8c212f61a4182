# Setup stamps: empty files in .setup-stamps/ whose names hold everything a step's result
# depends on, so the step runs again exactly when one of those changes. Native code
# (better-sqlite3 from npm, our FFmpeg addon) is built for one Node ABI on one platform, so the
# runtime tag is part of every stamp: after a Node upgrade both are rebuilt, instead of failing
# to load until someone deletes folders by hand. The folder is outside node_modules because
# `npm ci` deletes node_modules first: stamps kept there made every lock file change rebuild the
# addon too.
# Sourced by setup.sh (and the test), from the repository root.

# e.g. node-abi115-linux-x64: process.versions.modules is the ABI native modules are built for.
node_runtime_tag() {
  node -p '`node-abi${process.versions.modules}-${process.platform}-${process.arch}`'
}

# npm_stamp TAG: the npm dependencies installed from this lock file for this runtime.
npm_stamp() {
  printf 'npm-%s-%s\n' "$1" "$(sha256sum package-lock.json | cut -c1-16)"
}

# The FFmpeg libraries the addon links, as binding.gyp finds them.
LIBAV_LIBRARIES=(libavformat libavcodec libavutil libswresample libavfilter)

# native_stamp TAG: the addon built from these sources, against this node-addon-api (its C++
# headers are compiled in; the version is read from the lock file) and these libav* versions
# (a system upgrade that bumps libavformat's major leaves an addon that no longer loads), for
# this runtime.
native_stamp() {
  local sources
  sources=$( (cat native/binding.gyp; find native/src -type f -print0 | sort -z | xargs -0 cat
    node -p 'require("./package-lock.json").packages["node_modules/node-addon-api"]?.version ?? "none"'
    pkg-config --modversion "${LIBAV_LIBRARIES[@]}" 2>/dev/null || echo 'libav: no pkg-config answer') | sha256sum | cut -c1-16)
  printf 'native-%s-%s\n' "$1" "$sources"
}

# The folder of the stamps, relative to the repository root.
stamps_dir() {
  echo .setup-stamps
}

# Stamps that setups before this one kept in node_modules: that npm stamp still describes
# node_modules (npm ci had just emptied the folder), so keep it instead of reinstalling.
adopt_old_stamps() {
  local old=node_modules/.dubarr-stamps dir
  dir=$(stamps_dir)
  if [[ -d $old && ! -d $dir ]]; then mv "$old" "$dir"; fi
}

# record_step STEP TAG: STEP (npm or native) is done for this runtime. Its older stamps go, so
# going back to an earlier lock file or source later finds no stale stamp that claims it done.
record_step() {
  local dir
  dir=$(stamps_dir)
  mkdir -p "$dir"
  rm -f "$dir/$1"-*
  touch "$dir/$("$1_stamp" "$2")"
}

# pending_steps TAG: the steps whose stamp is missing, one per line (npm, native).
pending_steps() {
  local dir tag=$1
  dir=$(stamps_dir)
  [[ -f "$dir/$(npm_stamp "$tag")" ]] || echo npm
  if [[ -f native/binding.gyp ]]; then
    [[ -f "$dir/$(native_stamp "$tag")" && -f native/build/Release/dubarr_native.node ]] || echo native
  fi
}
