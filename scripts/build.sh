#!/usr/bin/env bash
# Configures and builds Hoidla into ./build (Release with debug info).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"${HOIDLA_JOBS:-2}"
