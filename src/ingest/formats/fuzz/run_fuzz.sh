#!/usr/bin/env bash
# Builds the ingest format fuzzers with clang (libFuzzer, ASan, UBSan) in a separate tree and runs
# each for NDC_FUZZ_SECONDS (default 45) seconds, both at once, from the committed seed corpus.
# Exits non-zero if a fuzzer finds a crash (the input is saved under BUILD_DIR/artifacts) or if
# the toolchain is missing. Registered as the CTest test ingest_formats_fuzz (label slow).
#
# usage: run_fuzz.sh SOURCE_ROOT BUILD_DIR [CMAKE]
set -euo pipefail

src_root=$1
build_dir=$2
cmake_bin=${3:-cmake}
here=$src_root/src/ingest/formats/fuzz
seconds=${NDC_FUZZ_SECONDS:-45}
cxx=${NDC_FUZZ_CXX:-clang++}
cc=${NDC_FUZZ_CC:-clang}

if ! command -v "$cxx" >/dev/null; then
  echo "run_fuzz: $cxx not found: install the Debian packages clang and libclang-rt-14-dev" >&2
  exit 1
fi
runtime_dir=$("$cxx" -print-runtime-dir 2>/dev/null || true)
if ! ls "$runtime_dir"/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
  echo "run_fuzz: libFuzzer runtime not found in '$runtime_dir': install libclang-rt-14-dev" >&2
  exit 1
fi

mkdir -p "$build_dir"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  "$cmake_bin" -S "$here" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" >"$build_dir/configure.log" 2>&1 ||
    { cat "$build_dir/configure.log"; exit 1; }
fi
"$cmake_bin" --build "$build_dir" -j2

status=0
pids=()
names=(csv_reader_fuzz ndjson_reader_fuzz)
for name in "${names[@]}"; do
  kind=${name%%_reader_fuzz}
  corpus=$build_dir/corpus/$kind  # new inputs go here, never into the source tree
  mkdir -p "$corpus" "$build_dir/artifacts"
  "$build_dir/$name" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$build_dir/artifacts/$name-" \
    "$corpus" "$here/corpus/$kind" >"$build_dir/$name.log" 2>&1 &
  pids+=($!)
done
for i in "${!names[@]}"; do
  name=${names[$i]}
  if wait "${pids[$i]}"; then
    echo "== $name: no crash"
    grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::new_units_added|^#[0-9]+ +DONE" \
      "$build_dir/$name.log" || true
  else
    status=1
    echo "== $name: FAILED (log: $build_dir/$name.log)"
    tail -n 60 "$build_dir/$name.log"
  fi
done
exit $status
