// cancel-after: 300ms

package main

import (
	"fmt"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
	"github.com/basinlab/basin/stdlib/session"
)

// A run far too long to finish; the host's cancellation reaches it
// through session.Context.
func main() {
	m := dmf.RandomTarget(20, 20, 1)
	n := dmf.Random([]int{20, 20, 20, 20}, m, 0.1, 2)
	gd, _ := optim.NewGD(1e-3)
	_, err := optim.Run(session.Context(), n, gd, &optim.Settings{Steps: 1 << 40})
	fmt.Println("run ended:", err)
}

// Error:
// cancel_core.go: interrupted
