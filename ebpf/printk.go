package ebpf

import (
	"bytes"
	"fmt"
	"strconv"
)

// maxPrintkString bounds how far %s reads a string, as the kernel does.
const maxPrintkString = 4096

// helperTracePrintk formats like bpf_trace_printk(fmt, fmt_size, a, b, c)
// to the VM's trace output and returns the number of bytes written. It
// accepts the kernel's conversions: %d %i %u %x %X %c %s %p and %% with
// the l and ll length modifiers, optional '-' or '0' flags and a width; at
// most three arguments. A bad format returns -EINVAL, as in the kernel.
func helperTracePrintk(vm *VM, a *[5]uint64) (uint64, error) {
	format, err := vm.Memory(a[0], a[1])
	if err != nil {
		return 0, err
	}
	if i := bytes.IndexByte(format, 0); i >= 0 {
		format = format[:i]
	} else {
		return negErrno(errnoEINVAL), nil
	}
	out, ok := vm.printk(format, a[2:5])
	if !ok {
		return negErrno(errnoEINVAL), nil
	}
	n, err := vm.trace.Write(out)
	if err != nil {
		return 0, fmt.Errorf("trace_printk: %w", err)
	}
	return uint64(n), nil
}

func (vm *VM) printk(format []byte, args []uint64) ([]byte, bool) {
	var out []byte
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			out = append(out, c)
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			out = append(out, '%')
			continue
		}
		spec := []byte{'%'}
		for i < len(format) && (format[i] == '-' || format[i] == '0' || format[i] >= '1' && format[i] <= '9') {
			spec = append(spec, format[i])
			i++
		}
		long := 0
		for i < len(format) && format[i] == 'l' && long < 2 {
			long++
			i++
		}
		if i >= len(format) || next >= len(args) {
			return nil, false
		}
		v := args[next]
		next++
		switch verb := format[i]; verb {
		case 'd', 'i':
			spec = append(spec, 'd')
			if long == 0 {
				out = fmt.Appendf(out, string(spec), int32(v))
			} else {
				out = fmt.Appendf(out, string(spec), int64(v))
			}
		case 'u', 'x', 'X':
			if verb == 'u' {
				verb = 'd'
			}
			spec = append(spec, verb)
			if long == 0 {
				out = fmt.Appendf(out, string(spec), uint32(v))
			} else {
				out = fmt.Appendf(out, string(spec), v)
			}
		case 'c':
			out = fmt.Appendf(out, string(append(spec, 'c')), rune(byte(v)))
		case 'p':
			out = fmt.Appendf(out, string(append(spec, 's')), "0x"+strconv.FormatUint(v, 16))
		case 's':
			s, ok := vm.cString(v)
			if !ok {
				s = "(efault)"
			}
			out = fmt.Appendf(out, string(append(spec, 's')), s)
		default:
			return nil, false
		}
	}
	return out, true
}

// cString reads the NUL-terminated string at addr.
func (vm *VM) cString(addr uint64) (string, bool) {
	var s []byte
	for n := uint64(0); n < maxPrintkString; n++ {
		b := at(vm.regions, addr+n, 1)
		if b == nil {
			return "", false
		}
		if b[0] == 0 {
			return string(s), true
		}
		s = append(s, b[0])
	}
	return string(s), true
}
