// Package session gives scripts the context that their long computations
// should honor, so that Ctrl-C stops a computation the same way whether the
// script is compiled with go run or interpreted by basin.
//
// A script passes Context() to every core call that takes a context:
//
//	ctx := session.Context()
//	res, err := optim.Run(ctx, net, cfg)
//
// Compiled, Context returns a context that is cancelled by the first SIGINT;
// a second SIGINT kills the process as usual. Interpreted, the basin host
// installs the context of the evaluation in progress, which it cancels when
// the user interrupts that evaluation; the REPL then goes on.
package session
