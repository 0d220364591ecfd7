# Source this file (`. .ci/node.sh`) to put the Node named in .nvmrc first on PATH, installed from
# the npm registry when the machine has another (electron/scripts/pinned-node.mjs). Any Node
# starts that script; on a machine with none, apt's is enough to bootstrap.
greenline_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v node >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  apt-get install -y --no-install-recommends nodejs npm
fi
greenline_bin="$(node "$greenline_root/electron/scripts/pinned-node.mjs")" || return 1
export PATH="$greenline_bin:$PATH"
# better-sqlite3 compiles against the running Node's headers; point node-gyp at the ones shipped
# beside the binary, since nodejs.org (node-gyp's default source) is out of reach here.
greenline_home="$(dirname "$greenline_bin")"
if [ -f "$greenline_home/include/node/node.h" ]; then
  export npm_config_nodedir="$greenline_home"
fi
echo "Node $(node --version) from $(command -v node)"
