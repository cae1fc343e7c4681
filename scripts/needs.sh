# Sourced by the test scripts: what they need from outside npm, installed when missing (as root on
# Debian) or named exactly when it cannot be; and the npm packages, installed when missing or stale.

# need_program PATH PACKAGE ENV_VAR WHAT SCRIPT [apt-get install flags…]
need_program() {
  local path="$1" package="$2" env_var="$3" what="$4" script="$5"
  shift 5
  [ -x "$path" ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's $package for $what…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" "$package" >/dev/null
  else
    echo "Missing: $what at $path. Install Debian's '$package' package (sudo apt-get install $package)"
    echo "or set $env_var to its path, then run '$script' again."
    exit 1
  fi
}

need_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # Exactly the locked versions, or a clear stop: a fallback to npm install would hide the next
    # drift between package.json and the lock file.
    npm ci --no-audit --no-fund || {
      echo "npm ci refused the lock file (see above): run 'npm install' to bring it up to date with package.json, commit it, and run this again." >&2
      exit 1
    }
  fi
}
