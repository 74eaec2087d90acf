#!/usr/bin/env bash
# Install what the geoportal needs on Debian 12, idempotently and quickly when done before.
#   scripts/bootstrap.sh          system packages, Python venv, frontend bundle
#   scripts/bootstrap.sh --test   the same plus Chromium for browser tests and nginx (the
#                                 production front, `geoportal front nginx`)
#   scripts/bootstrap.sh --bench  the same plus wrk, the load generator of the benchmarks
# Not root and packages missing: print the exact apt-get line and stop.
# GEOPORTAL_EXTRA_PACKAGES: more Debian packages a site wants installed alongside.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(postgresql-15-postgis-3 cgi-mapserver mapserver-bin python3-mapscript gdal-bin
          python3-venv fonts-dejavu-core ca-certificates)
# Node.js may come from elsewhere (NodeSource bundles npm): only ask Debian when absent.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)
# Browser tests: Debian's Chromium, driven by Playwright (its bundled node needs libatomic);
# nginx: the tests and benchmarks run it with the configuration `geoportal front nginx`
# writes (on a machine with systemd, Debian's package also starts its default site).
[[ "${1:-}" == "--test" || "${1:-}" == "--bench" ]] && PACKAGES+=(chromium libatomic1 nginx-light)
# Benchmarks: a load generator in C, so the client takes little of the two shared cores.
[[ "${1:-}" == "--bench" ]] && PACKAGES+=(wrk)

mapfile -t missing < <(scripts/missing-packages.sh "${PACKAGES[@]}" ${GEOPORTAL_EXTRA_PACKAGES:-})
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "geoportal: missing Debian packages. Run as root:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "==> installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Python: Debian's 3.11 (the one python3-mapscript is built for), pinned dependencies.
# The venv does not see Debian's site-packages (they would shadow the pins); mapscript
# alone is linked in.
stamp=.venv/.installed
if [[ ! -f $stamp || requirements.lock -nt $stamp || pyproject.toml -nt $stamp ]]; then
  echo "==> Python environment (.venv)"
  [[ -x .venv/bin/python ]] || /usr/bin/python3 -m venv .venv
  site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  ln -sfn /usr/lib/python3/dist-packages/mapscript "$site/mapscript"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.lock
  # pycsw: the CSW at /csw (services/csw) and the GML 3.2.1 / ISO 19139 schemas used to
  # validate offline. 2.6.2 is its newest release on the index; it pins OWSLib<0.29 (we
  # run 0.35), so it goes in without its pins (its own dependencies are in the lock) and
  # services/csw/engine.py imports it without the __init__ that checks them.
  .venv/bin/pip install -q --disable-pip-version-check --no-deps pycsw==2.6.2
  .venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
  touch "$stamp"
fi

# Texts: the gettext catalogues compiled (.po -> .mo; the .mo files are not in git).
for po in web/translations/*/LC_MESSAGES/messages.po; do
  if [[ ! -f ${po%.po}.mo || $po -nt ${po%.po}.mo ]]; then
    .venv/bin/pybabel -q compile -i "$po" -o "${po%.po}.mo"
  fi
done

# Frontend: OpenLayers bundled from npm; nothing is fetched from a CDN at run time.
front=web/frontend
if [[ -f $front/package.json ]]; then
  if [[ ! -d $front/node_modules || $front/package-lock.json -nt $front/node_modules ]]; then
    echo "==> frontend dependencies (npm ci)"
    (cd $front && npm ci --no-audit --no-fund --loglevel=error) && touch $front/node_modules
  fi
  bundle=web/static/build/viewer.js
  if [[ ! -f $bundle ]] || [[ -n $(find $front/src $front/package-lock.json -newer $bundle -print -quit) ]]; then
    echo "==> frontend bundle"
    (cd $front && npm run --silent build)
  fi
fi
