package ebpf

import (
	"fmt"
	"sort"

	cebpf "github.com/cilium/ebpf"
)

//go:generate clang -O2 -g -target bpf -c testdata/count.c -o testdata/count.o

// Collection is the in-process form of an ELF object's programs and maps.
type Collection struct {
	// Programs by function name. Which Run method suits a program depends
	// on its type in the CollectionSpec: RunSKB for socket filters and TC
	// classifiers, RunXDP for XDP.
	Programs map[string]*VM
	// Maps by name, including the .data, .rodata and .bss sections of
	// global variables.
	Maps map[string]*Map
}

// LoadCollection creates the maps of spec (from cilium/ebpf's
// LoadCollectionSpec, which reads an ELF object built by clang -target
// bpf) and checks its programs with their map references relocated to
// those maps. opts applies to every program; its Maps may add maps the
// object refers to but does not define.
func LoadCollection(spec *cebpf.CollectionSpec, opts *Options) (*Collection, error) {
	c := &Collection{Programs: map[string]*VM{}, Maps: map[string]*Map{}}
	var o Options
	if opts != nil {
		o = *opts
	}
	byName := map[string]*Map{}
	for name, m := range o.Maps {
		byName[name] = m
	}
	for _, name := range sortedKeys(spec.Maps) {
		m, err := NewMap(spec.Maps[name])
		if err != nil {
			return nil, fmt.Errorf("load collection: %w", err)
		}
		c.Maps[name] = m
		byName[name] = m
	}
	o.Maps = byName
	for _, name := range sortedKeys(spec.Programs) {
		vm, err := NewVM(spec.Programs[name].Instructions, &o)
		if err != nil {
			return nil, fmt.Errorf("load collection: program %s: %w", name, err)
		}
		c.Programs[name] = vm
	}
	return c, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
