// count.c: a socket filter and a TC classifier that count packets, the
// example object for ebpf.LoadCollection. Rebuild count.o with
//
//	go generate ./ebpf
//
// (clang -O2 -g -target bpf -c testdata/count.c -o testdata/count.o).
// Self-contained: it declares the few kernel definitions it needs.

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

// The start of struct __sk_buff (include/uapi/linux/bpf.h).
struct __sk_buff {
	__u32 len, pkt_type, mark, queue_mapping, protocol, vlan_present, vlan_tci, vlan_proto;
	__u32 priority, ingress_ifindex, ifindex, tc_index, cb[5], hash, tc_classid;
	__u32 data, data_end;
};

enum { BPF_MAP_TYPE_HASH = 1, BPF_MAP_TYPE_ARRAY = 2, BPF_NOEXIST = 1 };

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;

// Legacy packet loads (LD_ABS), big-endian.
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");

// protocols: packets per IP protocol; key 256 counts packets that are not
// IPv4 or IPv6.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 257);
	__type(key, __u32);
	__type(value, __u64);
} protocols SEC(".maps");

// sizes: IP packets by length on the wire, in buckets below 128, 512 and
// 1024 bytes and above.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} sizes SEC(".maps");

static __u32 bucket(__u32 len)
{
	return len < 128 ? 0 : len < 512 ? 1 : len < 1024 ? 2 : 3;
}

// count_protocols reads the EtherType and the IPv4 protocol or IPv6 next
// header with legacy packet loads and counts the packet under it.
SEC("socket")
int count_protocols(struct __sk_buff *skb)
{
	__u32 key = 256;
	__u64 ethertype = load_half(skb, 12);

	if (ethertype == 0x0800)
		key = load_byte(skb, 23);
	else if (ethertype == 0x86dd)
		key = load_byte(skb, 20);

	__u64 *count = bpf_map_lookup_elem(&protocols, &key);
	if (count) {
		__sync_fetch_and_add(count, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&protocols, &key, &one, BPF_NOEXIST);
	}
	return 0;
}

// count_sizes reads the EtherType with direct packet access and counts
// IP packets by length.
SEC("tc")
int count_sizes(struct __sk_buff *skb)
{
	__u8 *data = (__u8 *)(long)skb->data;
	__u8 *end = (__u8 *)(long)skb->data_end;

	if (data + 14 > end)
		return 0;
	__u16 ethertype = data[12] << 8 | data[13];
	if (ethertype != 0x0800 && ethertype != 0x86dd)
		return 0;

	__u32 key = bucket(skb->len);
	__u64 *count = bpf_map_lookup_elem(&sizes, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
