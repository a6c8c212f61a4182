# Setup stamps: empty files in node_modules/.dubarr-stamps whose names hold everything a step's
# result depends on, so the step runs again exactly when one of those changes. Native code
# (better-sqlite3 from npm, our FFmpeg addon) is built for one Node ABI on one platform, so the
# runtime tag is part of every stamp: after a Node upgrade both are rebuilt, instead of failing
# to load until someone deletes folders by hand.
# Sourced by setup.sh (and the test), from the repository root.

# e.g. node-abi115-linux-x64: process.versions.modules is the ABI native modules are built for.
node_runtime_tag() {
  node -p '`node-abi${process.versions.modules}-${process.platform}-${process.arch}`'
}

# npm_stamp TAG: the npm dependencies installed from this lock file for this runtime.
npm_stamp() {
  printf 'npm-%s-%s\n' "$1" "$(sha256sum package-lock.json | cut -c1-16)"
}

# native_stamp TAG: the addon built from these sources for this runtime.
native_stamp() {
  local sources
  sources=$( (cat native/binding.gyp; find native/src -type f -print0 | sort -z | xargs -0 cat) | sha256sum | cut -c1-16)
  printf 'native-%s-%s\n' "$1" "$sources"
}

# pending_steps STAMPS_DIR TAG: the steps whose stamp is missing, one per line (npm, native).
pending_steps() {
  local dir=$1 tag=$2
  [[ -f "$dir/$(npm_stamp "$tag")" ]] || echo npm
  if [[ -f native/binding.gyp ]]; then
    [[ -f "$dir/$(native_stamp "$tag")" && -f native/build/Release/dubarr_native.node ]] || echo native
  fi
}
