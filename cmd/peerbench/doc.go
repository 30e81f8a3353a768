// Peerbench times basin against a PyTorch peer on the same networks and
// prints the ratios as markdown tables.
//
// For each configuration it builds a network (a seeded unbalanced
// minimizer, or a random point away from any minimizer), saves it as NPZ
// in a temporary directory, times basin in process, runs
// peer_torch.py on the same file, and checks that both sides agree on
// lambda_max. The peer does what PyHessian-style tools do: float64
// tensors, Hessian-vector products by double backward through autograd,
// and scipy's eigsh (ARPACK) on a LinearOperator of them, at the
// residual tolerance basin meets. Each side reports the best of -runs
// timed runs after one warm-up, with -threads threads.
//
// It also times gradient descent steps on both sides and, each in a
// fresh process, the exact sharpness at d=512 and d=1024 (L=4) with the
// peak resident set size.
//
// With -escape it also times the whole escape experiment: scripts/escape.go
// built with go build and run, the same script under basin run, and
// escape_torch.py, its PyTorch equivalent, started from the start.npz the
// script wrote and the perturbation direction -escape-setup writes; it
// prints the escape steps of both sides next to each other. Last, it
// measures what tracking the sharpness every 10 steps with record.Tracker
// adds to gradient descent at d=16, L=4, and the same in PyTorch.
//
// Usage, from the repository root:
//
//	go run ./cmd/peerbench -python /usr/bin/python3
//	go run -tags openblas ./cmd/peerbench -python /usr/bin/python3
//	go run ./cmd/peerbench -python /usr/bin/python3 -escape -only escape
//
// The -python interpreter must import torch, numpy and scipy.
package main
