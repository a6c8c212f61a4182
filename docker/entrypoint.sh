#!/bin/sh
# Runs dubarr as the user the host names (PUID/PGID, as linuxserver.io images do), so the files
# it writes into the library belong to the same user as the rest of it. Arguments are dubarr's:
#   docker run ... dubarr                       -> dubarr serve
#   docker run ... dubarr keys create --name me -> dubarr keys create --name me
set -eu
app=$(cd "$(dirname "$0")/.." && pwd)
PUID=${PUID:-1000}
PGID=${PGID:-1000}
case "$PUID$PGID" in *[!0-9]*|'') echo "PUID and PGID must be numbers (got PUID=$PUID PGID=$PGID)" >&2; exit 2 ;; esac
config_file=${DUBARR_CONFIG:-/config/dubarr.yaml}
config_dir=$(dirname "$config_file")
if [ ! -e "$config_file" ]; then
  mkdir -p "$config_dir"
  cat > "$config_file" <<'YAML'
# dubarr's settings. Every key, with its default and what it does: /app/config/default.yaml.
# The container's environment (DUBARR_DATA_DIR, DUBARR_SERVER_HOST, DUBARR_SERVER_PORT,
# DUBARR_SERVER_MEDIA_ROOTS, ...) wins over this file; change those in compose.yaml.
{}
YAML
fi
if [ "$(id -u)" = 0 ]; then
  # Only what dubarr owns is handed over (the config folder, its database and cache); the
  # library keeps its owners. Files already right are not touched, so a restart is quick.
  find "$config_dir" -xdev \( ! -user "$PUID" -o ! -group "$PGID" \) -exec chown -h "$PUID:$PGID" {} +
  exec setpriv --reuid="$PUID" --regid="$PGID" --clear-groups env HOME="$config_dir" node "$app/dist/core/cli/main.js" "$@"
fi
exec node "$app/dist/core/cli/main.js" "$@"
