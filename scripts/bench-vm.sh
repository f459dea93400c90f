#!/bin/sh
# Compares the cbpf VM with libpcap's bpf_filter and x/net/bpf's VM in one
# run, on the benchmark capture of ../shared/tools/bench, for the programs
# of cbpf/testdata/bench. Prints ns/packet (the best of ROUNDS rounds, each
# implementation measured alternately) and the ratios to libpcap.
#
#   scripts/bench-vm.sh            # 200k packets, 3 rounds
#   N=1000000 ROUNDS=5 scripts/bench-vm.sh
#
# Needs cc and libpcap-dev (apt-get install gcc libpcap-dev).
set -eu
cd "$(dirname "$0")/.."
N=${N:-200000}
ROUNDS=${ROUNDS:-3}
tools=../shared/tools/bench
[ -d "$tools" ] || { echo "bench-vm: $tools not found" >&2; exit 1; }
work=${TMPDIR:-/tmp}/gotcpdump-bench
mkdir -p "$work"
pcap=$work/bench-$N.pcap
if [ ! -f "$pcap" ]; then
	(cd "$tools" && go build -o "$work/benchgen" ./gen)
	"$work/benchgen" -n "$N" -o "$pcap" -seed 1 >/dev/null
fi
cc -O2 -o "$work/libpcap_filter" "$tools/libpcap_filter.c" -lpcap
go test -c -o "$work/cbpf.test" ./cbpf

results=$work/results.txt
: > "$results"
r=0
while [ $r -lt "$ROUNDS" ]; do
	r=$((r + 1))
	for f in cbpf/testdata/bench/*.expr; do
		name=$(basename "$f" .expr)
		"$work/libpcap_filter" -p 5 -c 10 -H 2048 "$pcap" "$(cat "$f")" |
			awk -v n="$name" '{for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
				print n, "stream", "libpcap", v["ns_per_pkt"]; print n, "hot", "libpcap", v["hot_ns_per_pkt"] }' >> "$results"
	done
	(cd cbpf && GOTCPDUMP_BENCH_PCAP="$pcap" "$work/cbpf.test" -test.run '^$' -test.bench '^BenchmarkVM$' -test.benchtime 1s) |
		awk '/ns\/pkt/ { split($1, p, "/"); for (i = 1; i <= NF; i++) if ($i == "ns/pkt") v = $(i-1);
			sub(/-[0-9]+$/, "", p[4]); print p[2], p[3], p[4], v }' >> "$results"
done

echo "best of $ROUNDS rounds, $N packets; ns/packet and ratio to libpcap (lower is faster)"
printf '%-4s %-6s %9s %9s %9s %7s %7s  %s\n' prog mode libpcap cbpf xnetbpf cbpf/lp xnet/lp expression
sort -k1,1 -k2,2 -k3,3 -k4,4n "$results" | awk '!seen[$1" "$2" "$3]++ { best[$1" "$2" "$3] = $4; keys[$1" "$2] = 1 }
	END { for (k in keys) print k, best[k" libpcap"], best[k" cbpf"], best[k" xnetbpf"] }' | sort |
	while read -r prog mode lp cb xn; do
		printf '%-4s %-6s %9.1f %9.1f %9.1f %7.2f %7.2f  %s\n' "$prog" "$mode" "$lp" "$cb" "$xn" \
			"$(echo "$cb / $lp" | bc -l)" "$(echo "$xn / $lp" | bc -l)" "$(cat "cbpf/testdata/bench/$prog.expr")"
	done
