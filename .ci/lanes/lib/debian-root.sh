# Sourced by .ci/lanes/opencl.sh: the cached Debian 13 (trixie) root that OpenCL runs in.
#
# Why a second Debian: the host is Debian 12, whose pocl 3.1 lacks the generic address space ILGPU's
# OpenCL kernels need; Debian 13's pocl 6.0 has it. debootstrap makes a minbase root once (about
# 150 MB download, 740 MB on disk) into a folder outside the clone, so later CI runs reuse it.
# A stamp file inside the root records the recipe it was made from; a root whose stamp differs, or
# that fails the checks in root_is_usable, is deleted and made again.

ROOT_SUITE=trixie
ROOT_PACKAGES="pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev libicu76 libssl3t64 ca-certificates"
# Bump when the way the root is made changes, so cached roots made the old way are rebuilt.
ROOT_RECIPE_VERSION=1

root_recipe() { printf 'suite=%s variant=minbase recipe=%s\npackages=%s\n' "$ROOT_SUITE" "$ROOT_RECIPE_VERSION" "$ROOT_PACKAGES"; }

# The Debian archive the host's apt already uses (deb822 .sources or one-line lists), so the root
# comes from the same place: the first URI ending in /debian. SCRATCH_CI_DEBIAN_MIRROR overrides it.
# None found: prints nothing and fails, and the lane says so (no archive is guessed: the machine's
# own sources are the ones known to be reachable from it).
debian_mirror() {
  if [[ -n ${SCRATCH_CI_DEBIAN_MIRROR:-} ]]; then echo "$SCRATCH_CI_DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -v '^\s*#' | grep -oE '(https?|file)://[^ ]*/debian/?( |$)' | head -n 1 | tr -d ' ')
  [[ -n $uri ]] && echo "$uri"
}

# True when the root can run what the lane needs: made by this recipe, a shell runs in it, and the
# files whose absence breaks OpenCL silently are there (ILGPU dlopens the unversioned libOpenCL.so
# that only ocl-icd-opencl-dev ships; the loader finds pocl through its .icd file).
root_is_usable() {
  local root=$1
  [[ -f $root/.scratch-ci-stamp ]] && [[ $(cat "$root/.scratch-ci-stamp") == "$(root_recipe)" ]] || return 1
  [[ -e $root/usr/lib/x86_64-linux-gnu/libOpenCL.so && -f $root/etc/OpenCL/vendors/pocl.icd ]] || return 1
  chroot "$root" /bin/true 2>/dev/null
}

# Deletes a root only when nothing is mounted inside it: rm -r through a bind mount of /dev or of the
# checkout would delete the host's files. --one-file-system is the second guard.
remove_root() {
  local root=$1
  [[ -d $root ]] || return 0
  if findmnt -rn -o TARGET | grep -q "^$root/"; then
    echo "refusing to delete $root: something is mounted inside it"; return 1
  fi
  rm -rf --one-file-system "$root"
}

# Makes the root at $1 unless a usable one is there. Builds into $1.new and renames on success, so an
# interrupted build never looks finished. Prints one line on failure and returns 1.
ensure_root() {
  local root=$1 log=$1.log
  if root_is_usable "$root"; then echo "reusing the Debian $ROOT_SUITE root at $root"; return 0; fi
  [[ -d $root ]] && echo "the cached root at $root is missing, stale or broken: making it again"
  remove_root "$root" && remove_root "$root.new" || return 1
  if ! command -v debootstrap >/dev/null; then
    echo "installing debootstrap on the host"
    DEBIAN_FRONTEND=noninteractive timeout 180 apt-get install -y -qq debootstrap >/dev/null 2>&1 \
      || { timeout 120 apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive timeout 180 apt-get install -y -qq debootstrap >/dev/null 2>&1; } \
      || { echo "debootstrap is not installed and apt-get could not install it"; return 1; }
  fi
  local mirror
  mirror=$(debian_mirror) || { echo "no Debian archive in the host's apt sources (set SCRATCH_CI_DEBIAN_MIRROR)"; return 1; }
  echo "making a Debian $ROOT_SUITE minbase root at $root from $mirror (first time only)"
  local start=$SECONDS
  # In a private mount namespace: debootstrap mounts /proc and /sys inside the new root while it
  # installs, and a debootstrap killed by the timeout would otherwise leave them mounted on the host.
  if ! timeout 600 unshare --mount --propagation private debootstrap --variant=minbase --include="${ROOT_PACKAGES// /,}" "$ROOT_SUITE" "$root.new" "$mirror" >"$log" 2>&1; then
    echo "debootstrap failed after $((SECONDS - start)) s: $(grep -E 'E:|W:' "$log" | tail -n 1)$( [[ -s $log ]] || echo 'no output') (log: $log)"
    remove_root "$root.new"; return 1
  fi
  rm -rf "$root.new"/var/cache/apt/archives/*.deb
  root_recipe >"$root.new/.scratch-ci-stamp"
  mv "$root.new" "$root"
  if ! root_is_usable "$root"; then echo "debootstrap finished but the root fails its checks (log: $log)"; return 1; fi
  echo "made the root in $((SECONDS - start)) s ($(du -sm --one-file-system "$root" | cut -f1) MB)"
}
