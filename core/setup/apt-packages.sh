#!/usr/bin/env bash
# Installs the Debian packages given as arguments that are missing. As root it installs them;
# otherwise it prints the exact apt-get line to run and exits 1. Does nothing when all are there.
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]})) || exit 0
line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  printf '[setup] missing system packages: %s\n[setup] run as root:  %s\n' "${missing[*]}" "$line" >&2
  exit 1
fi
printf '[setup] installing system packages: %s\n' "${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
