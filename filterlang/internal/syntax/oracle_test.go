package syntax

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "regenerate testdata/oracle.tsv (needs tcpdump)")

// oracleGolden holds, for each expression of testdata/oracle_exprs.txt,
// its String form or its error message, as checked against tcpdump by
//
//	go test ./filterlang/internal/syntax -run TestOracle -update
const oracleGolden = "testdata/oracle.tsv"

// TestOracle checks the tree of tricky expressions against libpcap: the
// String form, which writes every inherited qualifier and every
// arithmetic grouping out, compiles to the same unoptimised program as
// the expression with tcpdump -O -d; and an expression this package
// rejects with "syntax error" is one libpcap's parser rejects too. With
// tcpdump absent it checks the results tcpdump verified last.
func TestOracle(t *testing.T) {
	exprs := readLines(t, "testdata/oracle_exprs.txt")
	var got strings.Builder
	for _, expr := range exprs {
		got.WriteString(expr + "\t" + parseResult(expr) + "\n")
	}
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		if *update {
			t.Fatal("-update needs tcpdump")
		}
		t.Logf("tcpdump not found, checking %s only", oracleGolden)
	} else {
		for _, expr := range exprs {
			checkWithTcpdump(t, tcpdump, expr)
		}
	}
	if *update {
		if err := os.WriteFile(oracleGolden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(oracleGolden)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got.String() {
		t.Errorf("results differ from %s; rerun with -update where tcpdump is installed:\n%s", oracleGolden, got.String())
	}
}

func parseResult(expr string) string {
	x, err := Parse(expr)
	if err != nil {
		var perr *Error
		errors.As(err, &perr)
		return "error: " + perr.Msg
	}
	return x.String()
}

func checkWithTcpdump(t *testing.T, tcpdump, expr string) {
	t.Helper()
	orig, origErr := runTcpdump(tcpdump, expr)
	x, err := Parse(expr)
	if err != nil {
		if origErr == nil {
			t.Errorf("%q: %v; tcpdump compiles it", expr, err)
		} else if err.(*Error).Msg == MsgSyntax && !strings.Contains(orig, "syntax error") {
			t.Errorf("%q: syntax error; tcpdump says %q", expr, orig)
		}
		return
	}
	if x == nil {
		return // the empty expression
	}
	canon, _ := runTcpdump(tcpdump, x.String())
	if orig != canon {
		t.Errorf("%q and its String %q compile differently:\n%s\n---\n%s", expr, x.String(), orig, canon)
	}
}

// runTcpdump returns tcpdump's unoptimised listing of expr for Ethernet,
// or its error message.
func runTcpdump(tcpdump, expr string) (string, error) {
	var out, stderr bytes.Buffer
	cmd := exec.Command(tcpdump, "-O", "-y", "EN10MB", "-d", "--", expr)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return stderr.String(), err
	}
	return out.String(), nil
}

func readLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.FromSlash(name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}
