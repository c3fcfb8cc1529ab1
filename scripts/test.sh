#!/usr/bin/env bash
# Installs what is missing, checks the layout (includes follow the rooms'
# direction) and the format, builds, and runs every test (unit and
# integration).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/check_layout.sh
scripts/check_format.sh
scripts/build.sh
cd build && ctest --output-on-failure -j2 --timeout 600
