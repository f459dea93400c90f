#!/bin/sh
# Compares filterlang.Compile with libpcap's pcap_compile in one run, for
# the expressions of filterlang/testdata/bench-compile.txt: Compile's time
# from BenchmarkCompile, pcap_compile's from
# ../shared/tools/bench/libpcap_filter.c (compile_us), both optimising for
# Ethernet with an unknown netmask. Prints microseconds per compilation,
# the best of ROUNDS rounds (the two measured alternately), and the ratio
# (lower is faster).
#
#   scripts/bench-compile.sh
#   ROUNDS=5 REPS=5000 scripts/bench-compile.sh
#
# Needs cc and libpcap-dev (apt-get install gcc libpcap-dev).
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
REPS=${REPS:-2000}
exprs=filterlang/testdata/bench-compile.txt
tools=../shared/tools/bench
[ -d "$tools" ] || { echo "bench-compile: $tools not found" >&2; exit 1; }
# pcap_compile takes the link type from a capture; its packets do not matter.
pcap=testdata/pcaps/eth-ipv4-tcp.pcap
work=${TMPDIR:-/tmp}/gotcpdump-bench-compile
mkdir -p "$work"
cc -O2 -o "$work/libpcap_filter" "$tools/libpcap_filter.c" -lpcap
go test -c -o "$work/filterlang.test" ./filterlang

results=$work/results.txt
: > "$results"
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	r=$((r + 1))
	n=0
	grep -v '^#' "$exprs" | grep . | while IFS= read -r expr; do
		n=$((n + 1))
		"$work/libpcap_filter" -p 1 -H 0 -c "$REPS" "$pcap" "$expr" |
			awk -v n="$(printf %02d "$n")" '{for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
				print n, "libpcap", v["compile_us"] }' >> "$results"
	done
	(cd filterlang && "$work/filterlang.test" -test.run '^$' -test.bench '^BenchmarkCompile$' -test.benchtime 1s) |
		awk '/ns\/op/ { split($1, p, "/"); sub(/-[0-9]+$/, "", p[2]); print p[2], "ours", $3 / 1000 }' >> "$results"
done

echo "best of $ROUNDS rounds; microseconds per compilation and ratio to libpcap (lower is faster)"
printf '%-3s %9s %9s %7s  %s\n' "#" libpcap ours ours/lp expression
sort -k1,1 -k2,2 -k3,3n "$results" | awk '!seen[$1" "$2]++ { best[$1" "$2] = $3; keys[$1] = 1 }
	END { for (k in keys) print k, best[k" libpcap"], best[k" ours"] }' | sort |
	while read -r n lp ours; do
		expr=$(grep -v '^#' "$exprs" | grep . | sed -n "$(echo "$n" | sed 's/^0//')p")
		if [ -z "$ours" ]; then
			printf '%-3s %9.2f %9s %7s  %s\n' "$n" "$lp" - - "$expr"
		else
			printf '%-3s %9.2f %9.2f %7.2f  %s\n' "$n" "$lp" "$ours" "$(echo "$ours / $lp" | bc -l)" "$expr"
		fi
	done
