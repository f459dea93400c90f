/*
 * bpf_dump_oracle: print a classic BPF program with libpcap's own
 * bpf_dump(), the function behind tcpdump -d, -dd and -ddd.
 *
 *   cc -o bpf_dump_oracle bpf_dump_oracle.c -lpcap
 *   bpf_dump_oracle -d|-dd|-ddd < PROGRAM
 *
 * PROGRAM is in tcpdump -ddd form: the instruction count, then one
 * "code jt jf k" line per instruction, all decimal. Unlike a compiled
 * filter, the program may hold any opcode and any jt, jf and k, which is
 * how the golden files cover instructions no filter expression produces.
 *
 * Exit status: 0 on success, 2 on usage or input errors.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
	int option;
	if (argc != 2) option = 0;
	else if (strcmp(argv[1], "-d") == 0) option = 1;
	else if (strcmp(argv[1], "-dd") == 0) option = 2;
	else if (strcmp(argv[1], "-ddd") == 0) option = 3;
	else option = 0;
	if (option == 0) {
		fprintf(stderr, "usage: bpf_dump_oracle -d|-dd|-ddd < PROGRAM\n");
		return 2;
	}

	unsigned count;
	if (scanf("%u", &count) != 1 || count > 4096) {
		fprintf(stderr, "bpf_dump_oracle: bad instruction count\n");
		return 2;
	}
	struct bpf_program prog;
	prog.bf_len = count;
	prog.bf_insns = calloc(count ? count : 1, sizeof *prog.bf_insns);
	for (unsigned i = 0; i < count; i++) {
		unsigned code, jt, jf;
		unsigned long k;
		if (scanf("%u %u %u %lu", &code, &jt, &jf, &k) != 4 ||
		    code > 0xffff || jt > 0xff || jf > 0xff || k > 0xffffffffUL) {
			fprintf(stderr, "bpf_dump_oracle: bad instruction %u\n", i);
			return 2;
		}
		prog.bf_insns[i].code = (u_short)code;
		prog.bf_insns[i].jt = (u_char)jt;
		prog.bf_insns[i].jf = (u_char)jf;
		prog.bf_insns[i].k = (bpf_u_int32)k;
	}
	bpf_dump(&prog, option);
	fflush(stdout);
	return 0;
}
