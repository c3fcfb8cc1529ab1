#!/bin/bash
# Fails when an #include runs against the declared direction of the rooms
# (vault/CMakeLists.txt):
#
#   base -> storage -> keys -> sealing -> audit -> access -> directory
#     -> identity | documents -> consent -> records -> oversight
#     -> retention -> rpc -> server
#
# A room may include its own headers and those of rooms before it. identity
# and documents share a rank and may not include each other. base/ and keys/
# include nothing under vault/; domain rooms (before rpc) never include gRPC;
# nothing of the server includes tests/ (the fakes), client/ or bench/.
#
# The storage key grammar (vault/storage/layout.h) is checked too: a key
# family declared in layout::<room> is named only by vault/<room>/, and no
# file under vault/ spells a key word of the grammar as a literal ("word/"
# or "word" outside a comment; a line that means the plain word says
# "// not a storage key") or aliases the grammar, but layout.h itself.
# Run from anywhere; prints each offending line and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

rank_of() {
  case "$1" in
    base) echo 0 ;;
    vault/storage) echo 1 ;;
    keys) echo 2 ;;
    vault/sealing) echo 3 ;;
    vault/audit) echo 4 ;;
    vault/access) echo 5 ;;
    vault/directory) echo 6 ;;
    vault/identity|vault/documents) echo 7 ;;
    vault/consent) echo 8 ;;
    vault/records) echo 9 ;;
    vault/oversight) echo 10 ;;
    vault/retention) echo 11 ;;
    vault/rpc) echo 12 ;;
    vault/server) echo 13 ;;
    *) echo -1 ;;
  esac
}

room_of() {  # the room a path belongs to
  case "$1" in
    base/*) echo base ;;
    keys/*) echo keys ;;
    vault/*/*) echo "$1" | cut -d/ -f1-2 ;;
    *) echo "" ;;
  esac
}

# A failing git must fail the check, not leave it with nothing to check.
files=$(git ls-files 'base/*.h' 'base/*.cc' 'keys/*.h' 'keys/*.cc' 'vault/*.h' 'vault/*.cc')
if [ -z "$files" ]; then
  echo "layout: no source files found" >&2
  exit 1
fi

status=0
while IFS= read -r file; do
  from=$(room_of "$file")
  from_rank=$(rank_of "$from")
  if [ "$from_rank" -lt 0 ]; then
    echo "$file: not in a declared room"
    status=1
    continue
  fi
  while IFS= read -r line; do
    num=${line%%:*}
    # base/ and keys/ use nothing under vault/ at all.
    if { [ "$from" = base ] || [ "$from" = keys ]; } && echo "$line" | grep -q 'include "vault/'; then
      echo "$file:$num: $from may not include anything under vault/"
      status=1
      continue
    fi
    inc=$(echo "$line" | sed -nE 's/^[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]*)[">].*/\1/p')
    [ -n "$inc" ] || continue
    case "$inc" in
      grpc*|grpcpp/*|*.grpc.pb.h)
        if [ "$from_rank" -lt "$(rank_of vault/rpc)" ]; then
          echo "$file:$num: domain code includes gRPC ($inc)"
          status=1
        fi
        continue ;;
    esac
    case "$inc" in
      tests/*|client/*|bench/*)
        echo "$file:$num: the server includes $inc (tests, client and benches are not part of it)"
        status=1
        continue ;;
    esac
    case "$inc" in
      ../*|./*)
        echo "$file:$num: relative include $inc (name it from the repository root)"
        status=1
        continue ;;
    esac
    to=$(room_of "$inc")
    [ -n "$to" ] || continue  # generated, third-party or absl
    [ "$to" = "$from" ] && continue
    to_rank=$(rank_of "$to")
    if [ "$to_rank" -lt 0 ] || [ "$to_rank" -ge "$from_rank" ]; then
      echo "$file:$num: $from may not include $inc ($to comes later or beside it)"
      status=1
    fi
  done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$file" || true)
done <<<"$files"

# Key families: named only by the room that owns them.
layout=vault/storage/layout.h
owners=$(sed -nE 's/^namespace ([a-z]+) \{$/\1/p' "$layout")
if [ -z "$owners" ]; then
  echo "$layout: no owning rooms found" >&2
  exit 1
fi
for owner in $owners; do
  while IFS= read -r hit; do
    [ -n "$hit" ] || continue
    case "$hit" in
      "vault/$owner/"*|"$layout:"*) continue ;;
    esac
    echo "$hit: names a key family of vault/$owner (ask its interface)"
    status=1
  done < <(grep -rnE "layout::$owner\b" vault --include='*.h' --include='*.cc' || true)
done

# Key words: spelt only in layout.h. Each declaration must stay on one line
# (clang-format keeps them short), or its word would escape the checks.
while IFS= read -r decl; do
  [ -n "$decl" ] || continue
  echo "$layout:$decl: a key declaration must fit on one line"
  status=1
done < <(grep -nE 'inline constexpr (Family<[0-9]+>|std::string_view) k' "$layout" |
           grep -vE '(Family<[0-9]+> k[A-Za-z]+\{"|std::string_view k[A-Za-z]+ = ")' || true)
# Other spellings that would build a key around the grammar: an alias of
# layout (a room's own `namespace ours = storage::layout::<room>;` aside),
# a using-directive, or a key word as a whole literal ("rec", "cas-by-prj").
while IFS= read -r hit; do
  [ -n "$hit" ] || continue
  file=${hit%%:*}
  room=$(echo "$file" | cut -d/ -f2)
  case "$hit" in
    "$layout:"*) continue ;;
    *"namespace ours = storage::layout::$room;"*) continue ;;
  esac
  echo "$hit: aliases the key grammar; name layout::<room> in full"
  status=1
done < <(grep -rnE 'namespace [A-Za-z_]+ = .*layout|using namespace .*layout' vault \
           --include='*.h' --include='*.cc' || true)
words=$(sed -nE 's/.*(Family<[0-9]+> k[A-Za-z]+\{|std::string_view k[A-Za-z]+ = )"([a-z-]+)".*/\2/p' "$layout")
if [ -z "$words" ]; then
  echo "$layout: no key words found" >&2
  exit 1
fi
# ...and each is described in doc/storage-layout.md.
for word in $words; do
  if ! grep -q "\`$word/" doc/storage-layout.md; then
    echo "doc/storage-layout.md: key word $word/ of $layout is not described"
    status=1
  fi
done
pattern="\"($(echo $words | tr ' ' '|'))(/|\")"
while IFS= read -r hit; do
  [ -n "$hit" ] || continue
  case "$hit" in
    "$layout:"*) continue ;;
  esac
  code=${hit#*:*:}
  case "$(echo "$code" | sed -E 's/^[[:space:]]+//')" in
    //*) continue ;;
  esac
  # A word that is also plain vocabulary says so where it is used.
  case "$code" in
    *"// not a storage key"*) continue ;;
  esac
  echo "$hit: spells a storage key; use vault/storage/layout.h"
  status=1
done < <(grep -rnE "$pattern" vault --include='*.h' --include='*.cc' || true)

if [ "$status" -eq 0 ]; then
  echo "layout: every include follows the direction of the rooms, and every"
  echo "layout: storage key is built by vault/storage/layout.h in its own room"
fi
exit "$status"
