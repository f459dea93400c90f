package cbpf

// Negative load offsets that a Linux socket filter gives special meaning.
// As unsigned 32-bit offsets they sit at the top of the address space, which
// is how they appear in a Program.
const (
	// AncillaryBase is SKF_AD_OFF: "ld [AncillaryBase+n]" reads the
	// ancillary value n (an [Ancillary]) instead of packet data.
	AncillaryBase uint32 = 0xfffff000
	// NetworkBase is SKF_NET_OFF: loads at NetworkBase+n read byte n of the
	// network header.
	NetworkBase uint32 = 0xfff00000
	// LinkBase is SKF_LL_OFF: loads at LinkBase+n read byte n of the link
	// header.
	LinkBase uint32 = 0xffe00000
)

// Ancillary is the number of a Linux ancillary value (SKF_AD_*), the offset
// from [AncillaryBase] at which an absolute load reads it.
type Ancillary uint32

// The ancillary values Linux defines, with their kernel names.
const (
	AncProtocol       Ancillary = 0  // SKF_AD_PROTOCOL: skb->protocol (an ETH_P_* value)
	AncPacketType     Ancillary = 4  // SKF_AD_PKTTYPE: PACKET_HOST, PACKET_OUTGOING...
	AncIfIndex        Ancillary = 8  // SKF_AD_IFINDEX: the device's interface index
	AncNetlinkAttr    Ancillary = 12 // SKF_AD_NLATTR: offset of netlink attribute X from offset A
	AncNetlinkNested  Ancillary = 16 // SKF_AD_NLATTR_NEST: the same inside the nested attribute at A
	AncMark           Ancillary = 20 // SKF_AD_MARK: skb->mark
	AncQueue          Ancillary = 24 // SKF_AD_QUEUE: skb->queue_mapping
	AncHAType         Ancillary = 28 // SKF_AD_HATYPE: the device's ARPHRD_* type
	AncRXHash         Ancillary = 32 // SKF_AD_RXHASH: skb->hash
	AncCPU            Ancillary = 36 // SKF_AD_CPU: the processor running the filter
	AncALUXorX        Ancillary = 40 // SKF_AD_ALU_XOR_X: A ^= X
	AncVLANTag        Ancillary = 44 // SKF_AD_VLAN_TAG: the stripped 802.1Q TCI
	AncVLANTagPresent Ancillary = 48 // SKF_AD_VLAN_TAG_PRESENT: 1 when a tag was stripped
	AncPayloadOffset  Ancillary = 52 // SKF_AD_PAY_OFFSET: offset of the transport payload
	AncRandom         Ancillary = 56 // SKF_AD_RANDOM: a random number
	AncVLANTPID       Ancillary = 60 // SKF_AD_VLAN_TPID: the stripped tag's protocol ID
	ancEnd            Ancillary = 64 // SKF_AD_MAX
)

// valid reports whether the kernel knows the ancillary value a.
func (a Ancillary) valid() bool { return a < ancEnd && a%4 == 0 }

// Metadata is what a Linux socket filter knows about a packet besides its
// bytes: the fields of the sk_buff that ancillary loads read, and where the
// link and network headers start. The zero value describes a packet with no
// VLAN tag, received on no particular device, whose link and network
// headers both start at offset 0.
type Metadata struct {
	Protocol      uint16 // skb->protocol in host order, e.g. 0x0800 for IPv4
	PacketType    uint8  // skb->pkt_type: 0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing
	IfIndex       uint32 // index of the device the packet was seen on
	Mark          uint32 // skb->mark
	Queue         uint16 // skb->queue_mapping
	HAType        uint16 // the device's hardware type (ARPHRD_*), e.g. 1 for Ethernet
	RXHash        uint32 // skb->hash
	CPU           uint32 // processor number
	VLANTCI       uint16 // tag control information of a stripped VLAN tag
	VLANPresent   bool   // a VLAN tag was stripped into VLANTCI
	VLANTPID      uint16 // protocol ID of the stripped tag, e.g. 0x8100
	PayloadOffset uint32 // SKF_AD_PAY_OFFSET: the flow dissector's payload offset
	Random        uint32 // the value SKF_AD_RANDOM returns
	LinkOffset    int    // offset of the link-layer header in the packet data
	NetworkOffset int    // offset of the network-layer header in the packet data
	// NoDevice says the packet has no network device, as on an AF_UNIX
	// socket: the kernel then ends the program at an ifindex or hatype
	// load, returning A.
	NoDevice bool
}

// endsWithoutDevice reports whether loading a ends the program when the
// packet has no device.
func (a Ancillary) endsWithoutDevice() bool { return a == AncIfIndex || a == AncHAType }
