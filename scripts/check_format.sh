#!/bin/bash
# Fails when clang-format (Google style, 100 columns: .clang-format) would
# change a C++ file of the repository. Fix with:
#   git ls-files '*.cc' '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT=$(command -v clang-format-14 || command -v clang-format)
if git ls-files '*.cc' '*.h' | xargs "$CLANG_FORMAT" --dry-run -Werror; then
  echo "format: every C++ file is as clang-format writes it"
else
  echo "format: run clang-format -i on the files above" >&2
  exit 1
fi
