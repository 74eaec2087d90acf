#!/usr/bin/env bash
# Print the Debian packages among the arguments that are not installed, one per line.
set -euo pipefail
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
done
