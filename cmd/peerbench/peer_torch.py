"""PyTorch peer for cmd/peerbench: the sharpness of a deep linear network
the way PyHessian-style tools compute it.

The network is read from an NPZ archive with arrays W1..WL and M, as basin
writes it. The loss is s ||W_L ... W_1 - M||_F^2 in float64. The gradient
is taken once with create_graph=True; each Hessian-vector product is then
one more autograd pass through it (double backward). The top eigenvalue
comes from scipy.sparse.linalg.eigsh (ARPACK, implicitly restarted
Lanczos) on a LinearOperator of that product, which='LA', k=1, and
optionally from power iteration, PyHessian's own solver.

One JSON object goes to stdout. Times are the best of --runs after one
untimed warm-up and cover everything from the tensors in memory to the
value: the forward pass, the gradient graph and the eigensolver.
"""

import argparse
import json
import os
import sys
import time


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("npz", help="network with arrays W1..WL and M")
    p.add_argument("--tol", type=float, default=1e-10,
                   help="relative residual tolerance of eigsh")
    p.add_argument("--runs", type=int, default=5,
                   help="timed runs after the warm-up; the best is kept")
    p.add_argument("--threads", type=int, default=0,
                   help="torch intra-op threads (0: leave torch's default)")
    p.add_argument("--scale", type=float, default=0.5,
                   help="loss scale s")
    p.add_argument("--power", action="store_true",
                   help="also time power iteration")
    p.add_argument("--power-maxiter", type=int, default=1000,
                   help="iteration cap of power iteration")
    p.add_argument("--steps", type=int, default=0,
                   help="time this many gradient descent steps instead")
    p.add_argument("--eta", type=float, default=1e-3,
                   help="step size of --steps")
    p.add_argument("--track-every", type=int, default=0,
                   help="with --steps, also time a run that tracks the sharpness every this many steps")
    p.add_argument("--track-tol", type=float, default=1e-6,
                   help="eigsh tolerance of tracked sharpness (basin's record.DefaultTrackTol)")
    return p.parse_args()


def main():
    args = parse()
    if args.threads > 0:
        # The BLAS and OpenMP pools read these when they start, so set
        # them before torch is imported.
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[k] = str(args.threads)
    import numpy as np
    import torch
    from scipy.sparse.linalg import LinearOperator, eigsh

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.set_grad_enabled(True)

    with np.load(args.npz) as z:
        L = sum(1 for k in z.files if k.startswith("W"))
        ws = [torch.tensor(z["W%d" % (i + 1)], dtype=torch.float64) for i in range(L)]
        m = torch.tensor(z["M"], dtype=torch.float64)
    params = [w.clone().requires_grad_(True) for w in ws]
    sizes = [p.numel() for p in params]
    dim = sum(sizes)
    s = args.scale

    def loss_of(ps):
        prod = ps[0]
        for w in ps[1:]:
            prod = w @ prod
        return s * ((prod - m) ** 2).sum()

    out = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "params": dim,
    }

    if args.steps > 0:
        out.update(gd(args, params, loss_of, torch))
        print(json.dumps(out))
        return

    def setup():
        loss = loss_of(params)
        grads = torch.autograd.grad(loss, params, create_graph=True)
        counter = [0]

        def hvp(x):
            counter[0] += 1
            v = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float64).reshape(-1))
            vs = [c.view_as(p) for c, p in zip(torch.split(v, sizes), params)]
            hv = torch.autograd.grad(grads, params, grad_outputs=vs, retain_graph=True)
            return torch.cat([h.reshape(-1) for h in hv]).numpy()

        return hvp, counter

    def lanczos():
        hvp, counter = setup()
        op = LinearOperator((dim, dim), matvec=hvp, dtype=np.float64)
        vals = eigsh(op, k=1, which="LA", tol=args.tol, return_eigenvectors=False)
        return float(vals[0]), counter[0]

    def power():
        # PyHessian's loop: normalize, multiply, stop when the Rayleigh
        # quotient changes by less than tol relative.
        hvp, counter = setup()
        rng = np.random.default_rng(0)
        v = rng.standard_normal(dim)
        v /= np.linalg.norm(v)
        lam = None
        for _ in range(args.power_maxiter):
            hv = hvp(v)
            new = float(v @ hv)
            v = hv / np.linalg.norm(hv)
            if lam is not None and abs(new - lam) <= args.tol * abs(new):
                lam = new
                break
            lam = new
        return lam, counter[0]

    out.update(best(lanczos, args.runs, "eigsh"))
    if args.power:
        out.update(best(power, args.runs, "power"))
    print(json.dumps(out))


def best(f, runs, name):
    """Runs f once untimed, then runs times, and keeps the fastest."""
    value, matvecs = f()
    t = float("inf")
    for _ in range(max(runs, 1)):
        t0 = time.perf_counter()
        value, matvecs = f()
        t = min(t, time.perf_counter() - t0)
    return {name + "_lambda": value, name + "_seconds": t, name + "_matvecs": matvecs}


def gd(args, params, loss_of, torch):
    """Times plain gradient descent steps, the way a training loop in
    PyTorch takes them: forward, backward, in-place update."""

    def run():
        ps = [p.detach().clone().requires_grad_(True) for p in params]
        for _ in range(args.steps):
            loss = loss_of(ps)
            gs = torch.autograd.grad(loss, ps)
            with torch.no_grad():
                for p, g in zip(ps, gs):
                    p.sub_(args.eta * g)
        return float(loss_of(ps)), args.steps

    r = best(run, args.runs, "gd")
    out = {"gd_loss": r["gd_lambda"], "gd_seconds": r["gd_seconds"], "gd_steps": args.steps}
    if args.track_every > 0:
        t = best(lambda: tracked(args, params, loss_of, torch), args.runs, "track")
        out.update({"track_seconds": t["track_seconds"], "track_sharpness": t["track_lambda"],
                    "track_records": t["track_matvecs"]})
    return out


def tracked(args, params, loss_of, torch):
    """The loop of gd with the sharpness recorded at steps 0, k, 2k, ...
    and the last: eigsh on double-backward Hessian-vector products,
    started from the previous record's eigenvector, as a tracking callback
    in a PyTorch training loop does it. Returns the last value and the
    number of records."""
    import numpy as np
    from scipy.sparse.linalg import LinearOperator, eigsh

    ps = [p.detach().clone().requires_grad_(True) for p in params]
    sizes = [p.numel() for p in ps]
    dim = sum(sizes)
    vec, lam, recs = None, float("nan"), []

    def record(step, loss, gs):
        nonlocal vec, lam
        grads = torch.autograd.grad(loss_of(ps), ps, create_graph=True)

        def hvp(x):
            v = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float64).reshape(-1))
            vs = [c.view_as(p) for c, p in zip(torch.split(v, sizes), ps)]
            hv = torch.autograd.grad(grads, ps, grad_outputs=vs, retain_graph=True)
            return torch.cat([h.reshape(-1) for h in hv]).numpy()

        op = LinearOperator((dim, dim), matvec=hvp, dtype=np.float64)
        vals, vecs = eigsh(op, k=1, which="LA", tol=args.track_tol, v0=vec)
        lam, vec = float(vals[0]), vecs[:, 0]
        gnorm = float(torch.sqrt(sum((g ** 2).sum() for g in gs)))
        recs.append((step, float(loss), gnorm, lam))

    for t in range(args.steps + 1):
        loss = loss_of(ps)
        gs = torch.autograd.grad(loss, ps)
        if t % args.track_every == 0 or t == args.steps:
            record(t, loss.detach(), gs)
        if t == args.steps:
            break
        with torch.no_grad():
            for p, g in zip(ps, gs):
                p.sub_(args.eta * g)
    return lam, len(recs)


if __name__ == "__main__":
    try:
        main()
    except ImportError as e:
        sys.exit("peer_torch.py: %s (run it with a python that has torch, numpy and scipy)" % e)
