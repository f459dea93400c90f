package syntax_test

import (
	"errors"
	"fmt"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/syntax"
)

func ExampleParse() {
	x, err := syntax.Parse("tcp dst port 21 or 20 and ip[0] & 0xf > 5")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(x)
	or := x.(*syntax.Binary).X.(*syntax.Binary)
	p := or.Y.(*syntax.Primitive)
	fmt.Println(p.Qual.Proto, p.Qual.Dir, p.Qual.Kind, p.Value.Num, p.Inherited)

	_, err = syntax.Parse("tcp port 80 or 1.2.3.4")
	var perr *syntax.Error
	if errors.As(err, &perr) {
		fmt.Printf("%s at %d\n", perr.Msg, perr.Pos)
	}
	// Output:
	// tcp dst port 21 or tcp dst port 20 and (ip[0] & 0xf) > 5
	// tcp dst port 20 true
	// 'port' qualifier applied to IPv4 address at 15
}
