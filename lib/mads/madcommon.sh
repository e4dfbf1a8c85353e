# Shared by the driver wrappers in bin/. Sourced, not run.
#
# The caller sets CODE_ROOT (where src/ and node_modules/ live). ONE_LOCATION
# defaults to it; etc/, lib/ and var/ are taken from ONE_LOCATION so that a
# self-contained install can keep its own configuration.

export ONE_LOCATION="${ONE_LOCATION:-$CODE_ROOT}"
export ONE_ETC="$ONE_LOCATION/etc"
export ONE_LIB="$ONE_LOCATION/lib"
export ONE_VAR="$ONE_LOCATION/var"

# Source a NAME=value file and export everything it sets.
export_rc() {
    [ -f "$1" ] || return 0
    set -a
    # shellcheck disable=SC1090
    . "$1"
    set +a
}

export_rc "$ONE_ETC/mad/defaultrc"
PRIORITY="${PRIORITY:-19}"

# exec_driver <path under src/drivers> <log name> <args…>
# stderr goes nowhere unless ONE_MAD_DEBUG is set, then to var/<log name>.log.
exec_driver() {
    local main="$1" log_name="$2"
    shift 2
    mkdir -p "$ONE_VAR" && cd "$ONE_VAR" || exit 1
    if [ -n "$ONE_MAD_DEBUG" ]; then
        exec 2>>"$ONE_VAR/$log_name.log"
    else
        exec 2>/dev/null
    fi
    # Compiled JavaScript from dist/, rebuilt when a source changed (src/launch/run-compiled.mjs).
    exec nice -n "$PRIORITY" "${ONE_NODE:-node}" "$CODE_ROOT/src/launch/run-compiled.mjs" "drivers/$main" "$@"
}
