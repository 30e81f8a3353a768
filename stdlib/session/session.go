package session

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
)

// hosted holds the context installed by the scripting host, if any.
var hosted atomic.Pointer[context.Context]

var (
	sigOnce sync.Once
	sigCtx  context.Context
)

// Context returns the context of the running evaluation. Under the basin
// host it is the context of the current evaluation, cancelled when the user
// interrupts it. Otherwise it is created on the first call and cancelled by
// the first SIGINT the process receives, after which SIGINT has its default
// effect again.
func Context() context.Context {
	if p := hosted.Load(); p != nil {
		return *p
	}
	sigOnce.Do(func() {
		var cancel context.CancelFunc
		sigCtx, cancel = context.WithCancel(context.Background())
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, os.Interrupt)
		go func() {
			<-ch
			cancel()
			signal.Stop(ch)
		}()
	})
	return sigCtx
}

// SetHostContext is for the scripting host only: it installs ctx as the
// value Context returns, for the evaluation about to start. A nil ctx
// removes the installed context, so Context falls back to its SIGINT
// behavior. Scripts must not call it.
func SetHostContext(ctx context.Context) {
	if ctx == nil {
		hosted.Store(nil)
		return
	}
	hosted.Store(&ctx)
}
