#!/usr/bin/env bash
# The growth of cost with input size, counted in instructions (valgrind's callgrind) rather
# than timed: the count is the same however busy the machine is, so the exponent it gives
# is the algorithm's, without cache and scheduler noise. `cargo bench --bench growth` gives
# the timed figures; this is the check to run when they look noisy.
#
# Every adversarial shape of src/bench_input.rs is written at n and 8n (8n about BYTES,
# default 256 KiB), and `stagecraft check` and `analyze` are counted on both;
# exponent = log(count@8n / count@n) / log 8 (1 is linear). Takes a few minutes.
#
# Usage: scripts/growth-instructions.sh [BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }
bytes=${1:-262144}
cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo bench --quiet --bench growth -- --write-inputs "$dir/in" "$bytes" >/dev/null

count() { # FILE COMMAND -> instructions (check exits 1 on a failing file: not an error here)
  { valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/stagecraft "$2" "$1" \
    --format json 2>&1 >/dev/null || true; } | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

printf '%-36s %-8s %14s %14s  exponent\n' shape command 'Ir@n' 'Ir@8n'
worst=0
for small in $(ls "$dir/in" | sort -t. -k2,2n | awk -F. '!seen[$1]++ {print}'); do
  shape=${small%.*}
  n=${small##*.}
  large="$shape.$((8 * n))"
  for cmd in check analyze; do
    a=$(count "$dir/in/$small" "$cmd")
    b=$(count "$dir/in/$large" "$cmd")
    e=$(python3 -c "import math; print(f'{math.log($b / $a) / math.log(8):.2f}')")
    printf '%-36s %-8s %14s %14s  %s\n' "$shape" "$cmd" "$a" "$b" "$e"
    worst=$(python3 -c "print(max($worst, $e))")
  done
done
echo "worst exponent: $worst (target ≤ 1.2)"
