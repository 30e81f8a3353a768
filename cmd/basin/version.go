package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is the release, set with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from the build information is used.
var version = ""

// versionString describes the build: basin's version, the Go toolchain
// and the interpreter's version.
func versionString() string {
	v, yaegi, rev := version, "", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == "github.com/traefik/yaegi" {
				yaegi = d.Version
			}
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " " + s.Value[:12]
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	return fmt.Sprintf("basin %s%s (%s, yaegi %s)", v, rev, runtime.Version(), yaegi)
}
