package printer

// Well-known ports of the application printers this package implements.
const (
	portDomain  = 53
	portHTTP    = 80
	portHTTPAlt = 8080
	portMDNS    = 5353
)

// tcpPayload prints the application data of a TCP segment when tcpdump
// has a printer for its port that this package implements.
func (p *Printer) tcpPayload(b []byte, length int, sport, dport uint16) error {
	either := func(port uint16) bool { return sport == port || dport == port }
	switch {
	case either(portHTTP), either(portHTTPAlt):
		p.str(": ")
		p.proto = "http"
		return p.http(b, length)
	case either(portDomain):
		return p.dns(b, length, true, false)
	}
	return nil
}

// httpMethods are the request methods tcpdump recognises in HTTP.
var httpMethods = []string{
	"GET", "PUT", "COPY", "HEAD", "LOCK", "MOVE", "POLL", "POST", "BCOPY",
	"BMOVE", "MKCOL", "TRACE", "LABEL", "MERGE", "DELETE", "SEARCH", "UNLOCK",
	"REPORT", "UPDATE", "NOTIFY", "BDELETE", "CONNECT", "OPTIONS", "CHECKIN",
	"PROPFIND", "CHECKOUT", "CCM_POST", "SUBSCRIBE", "PROPPATCH", "BPROPFIND",
	"BPROPPATCH", "UNCHECKOUT", "MKACTIVITY", "MKWORKSPACE", "UNSUBSCRIBE",
	"RPC_CONNECT", "VERSION-CONTROL", "BASELINE-CONTROL",
}

// http prints "HTTP" and, for a request or a response, its first line,
// like tcpdump's txtproto_print.
func (p *Printer) http(b []byte, length int) error {
	b = window(b, length)
	printLine := false
	tok, idx := fetchToken(b, 0)
	if idx != 0 {
		for _, m := range httpMethods {
			if asciiEqualFold(tok, m) {
				printLine = true
				break
			}
		}
		// A response has a three-digit status code as its second token.
		tok, idx = fetchToken(b, idx)
		if idx != 0 && len(tok) == 3 && isDigit(tok[0]) && isDigit(tok[1]) && isDigit(tok[2]) {
			printLine = true
		}
	}
	p.str("HTTP")
	if !printLine {
		return nil
	}
	p.str(": ")
	for i, c := range b {
		switch {
		case c == '\n':
			p.line = append(p.line, b[:i]...)
			return nil
		case c == '\r':
			if i+1 < len(b) && b[i+1] == '\n' {
				p.line = append(p.line, b[:i]...)
			}
			return nil
		case (c < 0x20 || c > 0x7e) && c != '\t':
			return nil
		}
	}
	if len(b) < length {
		return errTruncated
	}
	p.line = append(p.line, b...)
	p.trunc()
	return nil
}

// fetchToken returns the token starting at b[idx] and the index of the
// next one, or 0 when there is no valid token, like tcpdump's fetch_token.
func fetchToken(b []byte, idx int) ([]byte, int) {
	const maxToken = 128
	start := idx
	for ; idx < len(b); idx++ {
		c := b[idx]
		if c >= 0x80 {
			return nil, 0
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			break
		}
		if c < 0x20 || c > 0x7e {
			return nil, 0
		}
		if idx-start+2 > maxToken+1 {
			return nil, 0
		}
	}
	if idx == start {
		return nil, 0
	}
	tok := b[start:idx]
	for ; idx < len(b); idx++ {
		c := b[idx]
		if c == '\r' || c == '\n' || c < 0x20 || c > 0x7e || (c != ' ' && c != '\t') {
			break
		}
	}
	return tok, idx
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
