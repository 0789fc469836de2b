#!/bin/sh
# Turns the mdoc page written by swift-argument-parser's generate-manual into the installed page.
# Help texts separate paragraphs with empty lines, which mdoc warns about: they become .Pp.
#   Scripts/man-page.sh IN.1 OUT.1
set -eu
[ $# -eq 2 ] || { echo "usage: $0 IN.1 OUT.1" >&2; exit 64; }
tmp="$2.tmp.$$"
sed 's/^[[:space:]]*$/.Pp/' "$1" > "$tmp"
mv "$tmp" "$2"
