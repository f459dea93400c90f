package ebpf

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	cebpf "github.com/cilium/ebpf"
	"github.com/google/go-cmp/cmp"
)

// countGolden holds the maps of testdata/count.o after its two programs
// ran over countCaptures, as the kernel computes them. Regenerate, as root
// on Linux, with
//
//	go test ./ebpf -run TestCollection -update
const countGolden = "testdata/count_golden.txt"

var countCaptures = []string{
	"eth-ipv4-tcp.pcap", "eth-ipv4-udp.pcap", "eth-ipv4-icmp.pcap", "eth-ipv6-tcp-udp.pcap",
	"eth-icmpv6.pcap", "eth-arp-l2.pcap", "eth-ipv4-igmp.pcap", "eth-sctp.pcap",
	"eth-vlan-qinq.pcap", "eth-ipv4-fragments.pcap", "eth-snaplen64.pcap",
}

var countPrograms = []string{"count_protocols", "count_sizes"}

// TestCollection runs the programs of the example object over captures
// and compares their maps with the kernel's, recorded in countGolden;
// when clang is installed it also rebuilds the object from count.c and
// checks the rebuilt programs count the same.
func TestCollection(t *testing.T) {
	var pkts []testPacket
	for _, name := range countCaptures {
		pkts = append(pkts, readPackets(t, filepath.Join(pcapDir, name))...)
	}
	if *update {
		if !kernelAvailable() {
			t.Skip("-update needs root on Linux to run the programs in the kernel")
		}
		got, err := countInKernel("testdata/count.o", pkts)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(countGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(countGolden)
	if err != nil {
		t.Fatal(err)
	}
	objects := map[string]string{"committed": "testdata/count.o"}
	if clang, err := exec.LookPath("clang"); err == nil {
		rebuilt := filepath.Join(t.TempDir(), "count.o")
		out, err := exec.Command(clang, "-O2", "-g", "-target", "bpf", "-c", "testdata/count.c", "-o", rebuilt).CombinedOutput()
		if err != nil {
			t.Fatalf("clang: %v\n%s", err, out)
		}
		objects["rebuilt"] = rebuilt
	} else {
		t.Log("clang not installed: not rebuilding count.o from count.c")
	}
	for name, obj := range objects {
		t.Run(name, func(t *testing.T) {
			got := countInVM(t, obj, pkts)
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s: maps (-kernel +VM):\n%s", obj, diff)
			}
			if kernelAvailable() && !*update {
				k, err := countInKernel(obj, pkts)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), k); diff != "" {
					t.Errorf("%s: the kernel now counts differently (-golden +kernel):\n%s", obj, diff)
				}
			}
		})
	}
}

func countInVM(t *testing.T, obj string, pkts []testPacket) string {
	spec, err := cebpf.LoadCollectionSpec(obj)
	if err != nil {
		t.Fatal(err)
	}
	coll, err := LoadCollection(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range countPrograms {
		vm := coll.Programs[name]
		for _, p := range pkts {
			// BPF_PROG_TEST_RUN's skb has the captured bytes only.
			if _, err := vm.RunSKB(p.data, &SKBMeta{NetworkOffset: -1}); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
	}
	var dump string
	for _, name := range []string{"protocols", "sizes"} {
		m := coll.Maps[name]
		var lines []string
		for k, v := range m.All() {
			lines = append(lines, countLine(name, k, v))
		}
		dump += joinSorted(lines)
	}
	return dump
}

func countLine(name string, k, v []byte) string {
	return fmt.Sprintf("%s\t%d\t%d\n", name, binary.LittleEndian.Uint32(k), binary.LittleEndian.Uint64(v))
}

func joinSorted(lines []string) string {
	slices.Sort(lines)
	var s string
	for _, l := range lines {
		s += l
	}
	return s
}

// countInKernel loads obj into the kernel, its programs as TC classifiers
// (BPF_PROG_TEST_RUN gives socket filters a packet without its link-layer
// header), runs them over pkts and dumps the maps.
func countInKernel(obj string, pkts []testPacket) (string, error) {
	spec, err := cebpf.LoadCollectionSpec(obj)
	if err != nil {
		return "", err
	}
	for _, p := range spec.Programs {
		p.Type = cebpf.SchedCLS
	}
	coll, err := cebpf.NewCollection(spec)
	if err != nil {
		return "", err
	}
	defer coll.Close()
	for _, name := range countPrograms {
		for _, p := range pkts {
			if _, err := coll.Programs[name].Run(&cebpf.RunOptions{Data: p.data}); err != nil {
				return "", fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	var dump string
	for _, name := range []string{"protocols", "sizes"} {
		var lines []string
		var k uint32
		var v uint64
		it := coll.Maps[name].Iterate()
		for it.Next(&k, &v) {
			lines = append(lines, countLine(name, binary.LittleEndian.AppendUint32(nil, k), binary.LittleEndian.AppendUint64(nil, v)))
		}
		if err := it.Err(); err != nil {
			return "", err
		}
		dump += joinSorted(lines)
	}
	return dump, nil
}
