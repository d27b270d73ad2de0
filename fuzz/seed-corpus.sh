#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with seed inputs: the hand-written seeds in
# fuzz/seeds, the specs in specs/, and the real-world specs under 64 KiB
# from THREEAM_REAL_SPECS (default ../shared/specs-real beside the clone).
# The real specs are copied at run time and never committed (corpus/ is
# ignored by git). Safe to run again: it only adds files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
real="${THREEAM_REAL_SPECS:-$(cd "$repo/.." && pwd)/shared/specs-real}"
max_bytes=$((64 * 1024))

# copy_seeds TARGET FIND-NAME-TESTS...: copies the matching files under
# 64 KiB from every seed source into corpus/TARGET, named by content hash so
# repeated runs and duplicate files add nothing.
copy_seeds() {
  local target="$1"
  shift
  local dest="$here/corpus/$target"
  mkdir -p "$dest"
  local sources=("$here/seeds" "$repo/specs")
  if [ -d "$real" ]; then
    sources+=("$real")
  else
    echo "seed-corpus: $real not found; seeding without the real-world specs" >&2
  fi
  local n=0
  while IFS= read -r -d '' file; do
    local sum
    sum="$(sha1sum "$file" | cut -c1-40)"
    cp "$file" "$dest/$sum"
    n=$((n + 1))
  done < <(find "${sources[@]}" -type f \( "$@" \) -size -"$max_bytes"c -print0)
  echo "seed-corpus: $target: $n seed files ($(find "$dest" -type f | wc -l) in corpus/$target)"
}

# The SSE target reads its own format (see src/sse.rs): hand-written seeds only.
mkdir -p "$here/corpus/sse_chunks"
cp "$here"/seeds/sse/* "$here/corpus/sse_chunks/"
echo "seed-corpus: sse_chunks: $(find "$here/corpus/sse_chunks" -type f | wc -l) in corpus/sse_chunks"

# JSON is YAML too (flow style), so the YAML target gets both.
copy_seeds lint_yaml -name '*.yaml' -o -name '*.yml' -o -name '*.json'
copy_seeds lint_json -name '*.json'

# Minified specs put everything on one line, which snippet drawing must
# survive; the seeds above have short lines, so make two long-lined ones
# here rather than commit 70 KB files.
pad="$(head -c 70000 /dev/zero | tr '\0' a)"
printf '{"x-pad":"%s","openapi":"3.0.3","paths":{"/a":{"post":{"responses":{"200":{"description":"ok"}}}}}}' \
  "$pad" | tee "$here/corpus/lint_json/long-line" >"$here/corpus/lint_yaml/long-line-json"
printf 'openapi: 3.0.3\nx-pad: "%s"\npaths:\n  /a:\n    get: {}\n' "$pad" >"$here/corpus/lint_yaml/long-line"
echo "seed-corpus: added long-line seeds to both targets"
