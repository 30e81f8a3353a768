package session

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestHostContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	SetHostContext(ctx)
	defer SetHostContext(nil)

	if got := Context(); got != ctx {
		t.Fatalf("Context() = %v, want the installed host context", got)
	}
	cancel()
	if Context().Err() == nil {
		t.Fatal("installed context not cancelled after cancel")
	}
}

func TestSignalContext(t *testing.T) {
	SetHostContext(nil)
	ctx := Context()
	if ctx.Err() != nil {
		t.Fatal("signal context cancelled before any signal")
	}
	if Context() != ctx {
		t.Fatal("Context created a second signal context")
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("SIGINT did not cancel the context within 5s")
	}
}
