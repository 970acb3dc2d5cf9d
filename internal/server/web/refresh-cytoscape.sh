#!/usr/bin/env bash
# Refreshes the vendored Cytoscape.js from npm: cytoscape.min.js, its
# LICENSE and VERSION. Usage: ./refresh-cytoscape.sh [VERSION] (default: latest).
set -euo pipefail
cd "$(dirname "$0")"
version="${1:-$(npm view cytoscape version)}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "cytoscape@$version" >/dev/null && tar xzf cytoscape-*.tgz)
cp "$tmp/package/dist/cytoscape.min.js" cytoscape.min.js
cp "$tmp/package/LICENSE" LICENSE
license=$(node -p "require('$tmp/package/package.json').license" 2>/dev/null || echo MIT)
printf 'cytoscape %s (%s), from npm: dist/cytoscape.min.js and LICENSE\n' "$version" "$license" > VERSION
echo "cytoscape $version vendored"
