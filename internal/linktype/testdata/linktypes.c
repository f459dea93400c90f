/*
 * Prints, for every pcap link-type value 0..65535 libpcap knows, the
 * link-type value, the DLT value libpcap maps it to, and libpcap's name and
 * description, tab-separated: the oracle for the Go table.
 * Build: cc -O2 -o linktypes linktypes.c -lpcap
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

int main(void)
{
	char err[PCAP_ERRBUF_SIZE];
	for (unsigned lt = 0; lt < 65536; lt++) {
		struct {
			uint32_t magic;
			uint16_t major, minor;
			int32_t zone;
			uint32_t sigfigs, snaplen, linktype;
		} hdr = {0xa1b2c3d4, 2, 4, 0, 0, 65535, lt};
		FILE *f = fmemopen(&hdr, sizeof hdr, "r");
		pcap_t *p = pcap_fopen_offline(f, err);
		if (!p)
			continue;
		int dlt = pcap_datalink(p);
		const char *name = pcap_datalink_val_to_name(dlt);
		const char *desc = pcap_datalink_val_to_description(dlt);
		if (name)
			printf("%u\t%d\t%s\t%s\n", lt, dlt, name, desc ? desc : "");
		pcap_close(p);
	}
	return 0;
}
