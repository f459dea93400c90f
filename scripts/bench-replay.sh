#!/bin/sh
# Compares offline replay by gotcpdump and tcpdump in one run, on the
# benchmark capture of ../shared/tools/bench: filtering to a file
# (-w /dev/null with the program tcpdump compiles for 'tcp port 80') and
# printing every packet (-n, to /dev/null). Prints the best wall time of
# ROUNDS runs of each, run alternately, and the ratio.
#
#   scripts/bench-replay.sh                 # 200k packets, 5 rounds
#   N=1000000 ROUNDS=9 scripts/bench-replay.sh
set -eu
cd "$(dirname "$0")/.."
N=${N:-200000}
ROUNDS=${ROUNDS:-5}
tools=../shared/tools/bench
work=${TMPDIR:-/tmp}/gotcpdump-bench
mkdir -p "$work"
pcap=$work/bench-$N.pcap
if [ ! -f "$pcap" ]; then
	(cd "$tools" && go build -o "$work/benchgen" ./gen)
	"$work/benchgen" -n "$N" -o "$pcap" -seed 1 >/dev/null
fi
CGO_ENABLED=0 go build -o "$work/gotcpdump" ./cmd/gotcpdump
tcpdump -ddd -r "$pcap" 'tcp port 80' > "$work/port80.ddd" 2>/dev/null

# best CMD...: the fastest of ROUNDS runs, in milliseconds.
best() {
	b=""
	i=0
	while [ $i -lt "$ROUNDS" ]; do
		i=$((i + 1))
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		t=$(((t1 - t0) / 1000000))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
	done
	echo "$b"
}

echo "best of $ROUNDS runs, $N packets ($(du -h "$pcap" | cut -f1)), milliseconds"
printf '%-16s %9s %9s %7s\n' work tcpdump gotcpdump ratio
for work_name in filter-write print; do
	case $work_name in
	filter-write)
		tc=$(best tcpdump -r "$pcap" -w /dev/null 'tcp port 80')
		gt=$(best "$work/gotcpdump" -r "$pcap" -w /dev/null --program "$work/port80.ddd")
		;;
	print)
		tc=$(best tcpdump -n -r "$pcap")
		gt=$(best "$work/gotcpdump" -n -r "$pcap")
		;;
	esac
	printf '%-16s %9d %9d %7.2f\n' "$work_name" "$tc" "$gt" "$(echo "$gt / $tc" | bc -l)"
done
