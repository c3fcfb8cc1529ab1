#!/usr/bin/env bash
# Installs what is missing, builds, and runs vaultd on its embedded default:
# RocksDB under ./var/data, listening on 127.0.0.1:7443 (plaintext on
# loopback only), with a development master key. Extra arguments go to vaultd.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
mkdir -p var
exec build/vault/vaultd --data-dir var/data --listen 127.0.0.1:7443 --dev "$@"
