package lower

// Qualifier values, as libpcap's gencode.h numbers them: what a value is
// (Addr), which protocol it belongs to (Proto) and which direction (Dir).
const (
	QDefault = 0
	QUndef   = 255

	// Addr qualifiers.
	QHost       = 1
	QNet        = 2
	QPort       = 3
	QGateway    = 4
	QProto      = 5
	QProtochain = 6
	QPortrange  = 7

	// Proto qualifiers.
	QLink     = 1
	QIP       = 2
	QARP      = 3
	QRARP     = 4
	QSCTP     = 5
	QTCP      = 6
	QUDP      = 7
	QICMP     = 8
	QIGMP     = 9
	QIGRP     = 10
	QAtalk    = 11
	QDecnet   = 12
	QLat      = 13
	QSca      = 14
	QMoprc    = 15
	QMopdl    = 16
	QIPv6     = 17
	QICMPv6   = 18
	QAH       = 19
	QESP      = 20
	QPIM      = 21
	QVRRP     = 22
	QAARP     = 23
	QISO      = 24
	QESIS     = 25
	QISIS     = 26
	QCLNP     = 27
	QSTP      = 28
	QIPX      = 29
	QNetbeui  = 30
	QISISL1   = 31
	QISISL2   = 32
	QISISIIH  = 33
	QISISSNP  = 34
	QISISCSNP = 35
	QISISPSNP = 36
	QISISLSP  = 37
	QRadio    = 38
	QCARP     = 39

	// Dir qualifiers.
	QSrc   = 1
	QDst   = 2
	QOr    = 3
	QAnd   = 4
	QAddr1 = 5
	QAddr2 = 6
	QAddr3 = 7
	QAddr4 = 8
	QRA    = 9
	QTA    = 10
)

// Qual is a primitive's qualifiers, each a Q* value.
type Qual struct {
	Addr, Proto, Dir uint8
}

// DLT_* values libpcap's generators switch on (Linux numbering).
const (
	dltNull                   = 0
	dltEN10MB                 = 1
	dltIEEE802                = 6
	dltArcnet                 = 7
	dltSLIP                   = 8
	dltPPP                    = 9
	dltFDDI                   = 10
	dltATMRFC1483             = 11
	dltRaw                    = 12
	dltSLIPBSDOS              = 15
	dltPPPBSDOS               = 16
	dltATMCLIP                = 19
	dltPPPSerial              = 50
	dltPPPEther               = 51
	dltSymantecFW             = 99
	dltCHDLC                  = 104
	dltIEEE80211              = 105
	dltFrelay                 = 107
	dltLoop                   = 108
	dltENC                    = 109
	dltHDLC                   = 112
	dltLinuxSLL               = 113
	dltLtalk                  = 114
	dltPflog                  = 117
	dltPrismHeader            = 119
	dltIPOverFC               = 122
	dltSunATM                 = 123
	dltIEEE80211Radio         = 127
	dltArcnetLinux            = 129
	dltAppleIPOver1394        = 138
	dltIEEE80211AVS           = 163
	dltPPPPPPD                = 166
	dltPPI                    = 192
	dltIPNET                  = 226
	dltIPv4                   = 228
	dltIPv6                   = 229
	dltNetanalyzer            = 240
	dltNetanalyzerTransparent = 241
	dltLinuxSLL2              = 276
)

// Protocol numbers the generators use.
const (
	ethertypeIP        = 0x0800
	ethertypeARP       = 0x0806
	ethertypeRevARP    = 0x8035
	ethertypeIPv6      = 0x86dd
	ethertypeVLAN      = 0x8100
	ethertypeQinQ      = 0x88a8
	ethertypeQinQ9100  = 0x9100
	ethertypeMPLS      = 0x8847
	ethertypeMPLSMulti = 0x8848
	ethertypePPPoED    = 0x8863
	ethertypePPPoES    = 0x8864
	ethertypeAtalk     = 0x809b
	ethertypeAARP      = 0x80f3
	ethertypeIPX       = 0x8137
	ethertypeDN        = 0x6003
	ethertypeLat       = 0x6004
	ethertypeSca       = 0x6007
	ethertypeMOPRC     = 0x6002
	ethertypeMOPDL     = 0x6001
	ethermtu           = 1500

	llcsapIP      = 0x06
	llcsapISONS   = 0xfe
	llcsapNetbeui = 0xf0
	llcsapIPX     = 0xe0
	llcsapSNAP    = 0xaa
	llcsap8021D   = 0x42

	ipprotoICMP     = 1
	ipprotoIGMP     = 2
	ipprotoTCP      = 6
	ipprotoUDP      = 17
	ipprotoIPv6     = 41
	ipprotoRouting  = 43
	ipprotoFragment = 44
	ipprotoESP      = 50
	ipprotoAH       = 51
	ipprotoICMPv6   = 58
	ipprotoNone     = 59
	ipprotoDstOpts  = 60
	ipprotoIGRP     = 9
	ipprotoPIM      = 103
	ipprotoVRRP     = 112
	ipprotoCARP     = 112
	ipprotoSCTP     = 132
	ipprotoHopOpts  = 0
)
