#!/bin/sh
# Make sure the system libraries WeasyPrint needs are present.
#
# WeasyPrint needs Pango (text layout). Optional: poppler-utils, which the
# tests need (pdftoppm renders pages for the visual-regression test), and
# libharfbuzz-subset0, which halves render time (font subsetting in C).
# As root we install what is missing with apt-get; otherwise we print the
# exact command.
set -eu

PYTHON="${PYTHON:-python3}"
missing=""
optional=""

have_lib() {
    ldconfig -p 2>/dev/null | grep -q "$1" && return 0
    "$PYTHON" -c "import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library('$2') else 1)" 2>/dev/null
}

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "handouts needs Python 3.11 or newer; found: $("$PYTHON" --version 2>&1 || echo none)" >&2
    exit 1
fi
if ! "$PYTHON" -c 'import ensurepip' 2>/dev/null; then
    version=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    missing="$missing python$version-venv"
fi
have_lib 'libpango-1.0.so' 'pango-1.0' || missing="$missing libpango-1.0-0"
have_lib 'libpangoft2-1.0.so' 'pangoft2-1.0' || missing="$missing libpangoft2-1.0-0"
have_lib 'libharfbuzz-subset.so' 'harfbuzz-subset' || optional="$optional libharfbuzz-subset0"
command -v pdftoppm >/dev/null 2>&1 || optional="$optional poppler-utils"

[ -z "$missing$optional" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages:$missing$optional"
    apt-get update -qq
    if [ -n "$missing" ]; then
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
    fi
    for package in $optional; do
        if apt-cache show "$package" >/dev/null 2>&1; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package"
        else
            echo "note: $package is not available here." >&2
        fi
    done
    exit 0
fi

if [ -n "$missing" ]; then
    echo "handouts needs these system packages:$missing" >&2
    echo "Install them, then run make again:" >&2
    echo "    sudo apt-get install -y$missing$optional" >&2
    exit 1
fi
echo "note: install these for faster rendering (libharfbuzz-subset0) and for the tests" >&2
echo "(poppler-utils):  sudo apt-get install -y$optional" >&2
