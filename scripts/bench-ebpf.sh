#!/bin/sh
# Compares, in one run, the eBPF runtime on classic filters translated
# for translate.InProcess (what `gotcpdump --engine ebpf` runs) with the
# classic VM (`--engine cbpf`), on the programs libpcap compiles for the
# filters of cbpf/testdata/bench, over the Ethernet frames of
# testdata/pcaps (BenchmarkInProcess in translate/inprocess_bench_test.go).
# Prints ns/packet, the best of ROUNDS rounds with both engines measured
# alternately in each, and the ratio ebpf/cbpf (lower is faster).
#
#   scripts/bench-ebpf.sh                 # 5 rounds of 300ms per engine and filter
#   ROUNDS=10 BENCHTIME=1s scripts/bench-ebpf.sh
#   GOTCPDUMP_BENCH_PCAP=/tmp/gotcpdump-bench/bench-200000.pcap scripts/bench-ebpf.sh
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
BENCHTIME=${BENCHTIME:-300ms}
work=${TMPDIR:-/tmp}/gotcpdump-bench
mkdir -p "$work"
go test -c -o "$work/translate.test" ./translate
results=$work/inprocess.txt
(cd translate && "$work/translate.test" -test.run '^$' -test.bench '^BenchmarkInProcess$' \
	-test.benchtime "$BENCHTIME" -test.count "$ROUNDS") |
	awk '/ns\/pkt/ { split($1, p, "/"); sub(/-[0-9]+$/, "", p[3]); for (i = 1; i <= NF; i++) if ($i == "ns/pkt") print p[2], p[3], $(i-1) }' > "$results"

echo "best of $ROUNDS rounds; ns/packet and the ratio ebpf/cbpf (lower is faster)"
printf '%-4s %9s %9s %7s  %s\n' prog cbpf ebpf ratio expression
sort -k1,1 -k2,2 -k3,3n "$results" | awk '!seen[$1" "$2]++ { best[$1" "$2] = $3; progs[$1] = 1 }
	END { for (p in progs) print p, best[p" cbpf"], best[p" ebpf"] }' | sort |
	while read -r prog cb eb; do
		printf '%-4s %9.1f %9.1f %7.2f  %s\n' "$prog" "$cb" "$eb" "$(echo "$eb / $cb" | bc -l)" "$(cat "cbpf/testdata/bench/$prog.expr")"
	done
