#!/usr/bin/env bash
# Packs what a GPU machine without .NET or network needs to check Scratch: the .NET runtime, the
# `scratch` CLI, the test assembly and a console test runner, linux-x64 only, into .gpu/ (one
# xz'd tar, at most 60 MB, so it fits the device tool's 64 MiB carry). bench/gpu-check.sh runs it.
#
#   bash bench/gpu-bundle.sh        # then: bash bench/gpu-check.sh cuda   (docs/gpu.md)
#
# Layout: one private .NET root (the `dotnet` host, hostfxr, Microsoft.NETCore.App) and one app
# folder published for linux-x64 against it. The test assembly references src/Gan, so its publish
# already holds `scratch` (apphost, dll, deps, runtimeconfig); both programs share one runtime instead
# of each carrying its own self-contained copy. xunit.console.dll (the netcoreapp runner from the
# xunit.runner.console package, which tests/ downloads on restore) runs the tests on that runtime.
# No trimming, no AOT: ILGPU compiles kernels from IL at run time (reflection and dynamic code).
#
# Reproducible: a deterministic build with source paths mapped (ContinuousIntegrationBuild), a tar
# with sorted names, fixed owner and mtime, and gzip -n: the same commit and SDK give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
limit_mb=${GPU_BUNDLE_LIMIT_MB:-60}
runner_version=2.4.1   # the netcoreapp build of xunit.console; must match tests/Scratch.Tests.csproj's PackageDownload

die() { echo "gpu-bundle: $*" >&2; exit 1; }
command -v dotnet >/dev/null || die "dotnet not found: building the bundle needs the .NET 10 SDK (the GPU machine does not)"

stage=$(mktemp -d /tmp/scratch-gpu-bundle.XXXXXX)
trap 'rm -rf "$stage"' EXIT
root=$stage/scratch-gpu
app=$root/app

echo "gpu-bundle: publishing tests/ (and the scratch CLI it references) for linux-x64…"
# SatelliteResourceLanguages=en: no translated resource folders (cs/, de/, …) of the test packages.
dotnet publish tests -c Release -r linux-x64 --self-contained false -o "$app" -nologo -v q \
  -p:ContinuousIntegrationBuild=true -p:Deterministic=true -p:SatelliteResourceLanguages=en \
  || die "dotnet publish tests failed"
# What a GPU check never loads, to stay under the carry limit: Roslyn (only `scratch course` uses it) and the
# browser driver (only the watch page's Chromium test, which needs a desktop browser the GPU machine lacks).
rm -f "$app"/Microsoft.CodeAnalysis*.dll "$app"/PuppeteerSharp.dll
[[ -x $app/scratch && -f $app/Scratch.Tests.dll ]] || die "publish did not produce scratch and Scratch.Tests.dll"

# Microsoft.NET.Test.Sdk brings the code-coverage collector with native files for Windows, macOS,
# Alpine and arm64; only `dotnet test --collect` loads it, and xunit.console never does.
rm -rf "$app"/CodeCoverage "$app"/alpine "$app"/arm64 "$app"/macos "$app"/ubuntu "$app"/x64 "$app"/x86 \
       "$app"/Microsoft.CodeCoverage.* "$app"/Microsoft.VisualStudio.CodeCoverage.Shim.dll \
       "$app"/Microsoft.VisualStudio.TraceDataCollector.dll "$app"/Microsoft.DiaSymReader.dll "$app"/Mono.Cecil*.dll
# Anything native that is not linux-x64 left after that is a mistake worth stopping for.
foreign=$(find "$app" -type f \( -name '*.dylib' -o -name '*.exe' -o -iname '*.dll' \) -print0 \
  | xargs -0 file -b | grep -v -E 'Mono/\.Net assembly|CIL' | sort -u || true)
[[ -z $foreign ]] || die "non-managed Windows/macOS files left in the publish: $foreign"

pkgs=$(dotnet nuget locals global-packages --list | sed -E 's/^global-packages: *//')
runner=$pkgs/xunit.runner.console/$runner_version/tools/netcoreapp2.0
[[ -f $runner/xunit.console.dll ]] || { dotnet restore tests -v q >/dev/null; }
[[ -f $runner/xunit.console.dll ]] || die "xunit.console.dll not found in $runner (restore tests/ first)"
cp "$runner"/xunit.console.dll "$runner"/xunit.console.deps.json "$runner"/xunit.console.runtimeconfig.json \
   "$runner"/xunit.runner.utility.netcoreapp10.dll "$runner"/xunit.runner.reporters.netcoreapp10.dll "$app"/
# xunit.abstractions.dll is already there from the test publish (the same 2.0.3 assembly).

# The private .NET root: the host, hostfxr and the shared runtime the SDK itself runs on.
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime=$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | sort -V | tail -n 1)
fxr=$(ls "$dotnet_root/host/fxr" | sort -V | tail -n 1)
[[ -n $runtime && -n $fxr ]] || die "no Microsoft.NETCore.App runtime under $dotnet_root"
mkdir -p "$root/dotnet/shared/Microsoft.NETCore.App" "$root/dotnet/host/fxr"
cp "$dotnet_root/dotnet" "$root/dotnet/"
cp -r "$dotnet_root/host/fxr/$fxr" "$root/dotnet/host/fxr/"
cp -r "$dotnet_root/shared/Microsoft.NETCore.App/$runtime" "$root/dotnet/shared/Microsoft.NETCore.App/"
# scratch references ASP.NET Core (the watch page's Kestrel server), so its shared framework travels too.
aspnet=$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" 2>/dev/null | grep -Fx "$runtime" || true)
[[ -n $aspnet ]] || die "no Microsoft.AspNetCore.App $runtime under $dotnet_root (scratch needs it beside Microsoft.NETCore.App)"
mkdir -p "$root/dotnet/shared/Microsoft.AspNetCore.App"
cp -r "$dotnet_root/shared/Microsoft.AspNetCore.App/$aspnet" "$root/dotnet/shared/Microsoft.AspNetCore.App/"
# A debugger is never attached there: leave out the debugger's runtime access, crash dumps and LTTng tracing.
rm -f "$root/dotnet/shared/Microsoft.NETCore.App/$runtime"/{libmscordbi.so,libmscordaccore.so,createdump,libcoreclrtraceptprovider.so}

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
[[ -z $(git status --porcelain --untracked-files=no 2>/dev/null) ]] || commit="$commit+uncommitted-changes"
printf 'commit %s\ndotnet-runtime %s\ntest-runner xunit.console %s\n' "$commit" "$runtime" "$runner_version" >"$root/BUNDLE"

mkdir -p .gpu
rm -f .gpu/scratch-gpu.tar.xz .gpu/scratch-gpu.sha256
# Fixed names order, owner, mode bits as built, mtime 0; xz (single-threaded, so the same bytes each time) packs
# the runtimes a quarter smaller than gzip, which keeps the bundle under the carry limit.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu -C "$stage" -cf - scratch-gpu \
  | xz -9 -T1 >.gpu/scratch-gpu.tar.xz
(cd .gpu && sha256sum scratch-gpu.tar.xz >scratch-gpu.sha256)

bytes=$(stat -c %s .gpu/scratch-gpu.tar.xz)
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "gpu-bundle: .gpu/scratch-gpu.tar.xz  $mb MB ($(du -sm "$root" | cut -f1) MB unpacked), runtime $runtime, commit $commit"
echo "gpu-bundle: sha256 $(cut -d' ' -f1 .gpu/scratch-gpu.sha256)"
(( bytes <= limit_mb * 1000000 )) || die "the bundle is $mb MB, over the ${limit_mb} MB limit (the device tool carries 64 MiB)"
