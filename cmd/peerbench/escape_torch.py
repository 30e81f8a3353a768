"""PyTorch peer of scripts/escape.go: the escape experiment in float64.

    python3 escape_torch.py START_DIR [--out DIR] [--threads N]

START_DIR holds start.npz, the sharp minimizer scripts/escape.go saves in
its -out directory, and dir.npy, the unit perturbation direction in basin's
parameter order (W1..WL, each row-major), which
`go run ./cmd/peerbench -escape-setup START_DIR` writes. Both sides then
start from the same point and perturb along the same direction.

The experiment is the one of escape.go: eta = 2.5/lambda_max; for eps =
1e-2 .. 1e-12, plain gradient descent from the minimizer moved by eps
along the direction, until the loss reaches 1e-28 or 100000 steps; the
escape step is the first step whose distance from the minimizer exceeds
delta = 0.1. The last run is tracked at every step (loss, gradient norm,
sharpness by Lanczos warm-started from the previous eigenvector, the
exact value at a minimizer, distance, balance measures), and a control run
at eta lambda_max = 1.9 is tracked every 10 steps for 2000 steps.

Sharpness is computed the way PyTorch users do it: Hessian-vector products
by double backward through autograd and scipy's eigsh (ARPACK) on a
LinearOperator of them, at basin's tolerances (1e-12 relative for values
at minimizers, 1e-6 for tracked values). DIR (default ./escape-torch-out)
receives runs.csv, trajectory.csv, trajectory.jsonl, control.csv,
start.npz, final.npz and summary.json with escape.go's columns and keys;
matplotlib is not assumed, so there are no plots. The summary table goes
to stdout; the last line on stderr gives the seconds spent importing
numpy, torch and scipy and the seconds of the experiment itself.
"""

import time

T_START = time.perf_counter()

import argparse
import csv
import json
import math
import os
import sys

# The experiment, as escape.go sets it.
ETA_LAMBDA = 2.5          # eta lambda_max of the escaping runs
CONTROL_ETA_LAMBDA = 1.9  # eta lambda_max of the control run, below 2
CONTROL_EPS = 1e-4
CONTROL_STEPS = 2000
CONTROL_EVERY = 10        # hook period of the control run
DELTA = 0.1               # escape radius
MAX_STEPS = 100000        # step cap of each run
LOSS_TOL = 1e-28          # a run ends at a minimizer when the loss is this low
EPS_FIRST, EPS_LAST = -2, -12

# basin's tolerances: sharpness.AtMinimizer and the top eigenvector of
# escape.go (1e-12 relative residual), record.DefaultTrackTol for tracked
# values, and sharpness.DefaultMinimizerTol, the relative residual below
# which the tracker computes the exact value.
EXACT_TOL = 1e-12
TRACK_TOL = 1e-6
MINIMIZER_TOL = 1e-8


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("start", help="directory with start.npz and dir.npy")
    p.add_argument("--out", default="escape-torch-out", help="output directory")
    p.add_argument("--threads", type=int, default=0,
                   help="torch intra-op threads (0: leave torch's default)")
    return p.parse_args()


def main():
    args = parse()
    if args.threads > 0:
        # The BLAS and OpenMP pools read these when they start.
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[k] = str(args.threads)
    global np, torch, LinearOperator, eigsh
    import numpy as np
    import torch
    from scipy.sparse.linalg import LinearOperator, eigsh

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    t_import = time.perf_counter()
    experiment(args)
    t_end = time.perf_counter()
    print("escape_torch: import %.6f s, work %.6f s, threads %d"
          % (t_import - T_START, t_end - t_import, torch.get_num_threads()), file=sys.stderr)


class Problem:
    """The loss s ||W_L ... W_1 - M||_F^2 with s = 1/2, as basin's."""

    def __init__(self, ws, m, scale=0.5):
        self.shapes = [tuple(w.shape) for w in ws]
        self.sizes = [w.numel() for w in ws]
        self.m = m
        self.scale = scale
        self.mnorm = float(torch.linalg.norm(m))

    def loss(self, ps):
        prod = ps[0]
        for w in ps[1:]:
            prod = w @ prod
        return self.scale * ((prod - self.m) ** 2).sum()

    def grad(self, ps):
        loss = self.loss(ps)
        gs = torch.autograd.grad(loss, ps)
        return loss.item(), gs

    def params(self, flat):
        """Leaf tensors of the layers held in the flat vector."""
        return [c.view(s).clone().requires_grad_(True)
                for c, s in zip(torch.split(flat, self.sizes), self.shapes)]

    def top(self, ps, tol, v0=None):
        """Largest Hessian eigenvalue at ps by eigsh on autograd HVPs: the
        value, its unit eigenvector and the number of products."""
        loss = self.loss(ps)
        grads = torch.autograd.grad(loss, ps, create_graph=True)
        count = [0]
        sizes = self.sizes

        def hvp(x):
            count[0] += 1
            v = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float64).reshape(-1))
            vs = [c.view_as(p) for c, p in zip(torch.split(v, sizes), ps)]
            hv = torch.autograd.grad(grads, ps, grad_outputs=vs, retain_graph=True)
            return torch.cat([h.reshape(-1) for h in hv]).numpy()

        dim = sum(sizes)
        op = LinearOperator((dim, dim), matvec=hvp, dtype=np.float64)
        vals, vecs = eigsh(op, k=1, which="LA", tol=tol, v0=v0)
        return float(vals[0]), vecs[:, 0], count[0], hvp

    def relative_residual(self, ps):
        with torch.no_grad():
            prod = ps[0]
            for w in ps[1:]:
                prod = w @ prod
            r = float(torch.linalg.norm(prod - self.m))
        return r / self.mnorm if self.mnorm > 0 else r


def flat(ts):
    return torch.cat([t.detach().reshape(-1) for t in ts])


def distance(ps, center):
    with torch.no_grad():
        return math.sqrt(sum(float(((p - c) ** 2).sum()) for p, c in zip(ps, center)))


def chain_product(ws):
    prod = ws[0]
    for w in ws[1:]:
        prod = w @ prod
    return prod


def spectral(a):
    return float(torch.linalg.matrix_norm(a, ord=2))


def balance(ps, m):
    """c_i = ||W_L..W_{i+1}||_2 ||W_{i-1}..W_1||_2, the layers' spectral and
    Frobenius norms, the gaps ||W_{i+1}^T W_{i+1} - W_i W_i^T||_F, and the
    flat value ||M||_2^{(L-1)/L}."""
    with torch.no_grad():
        ws = [p.detach() for p in ps]
        L = len(ws)
        c = []
        for i in range(L):
            v = 1.0
            if i + 1 < L:
                v *= spectral(chain_product(ws[i + 1:]))
            if i > 0:
                v *= spectral(chain_product(ws[:i]))
            c.append(v)
        gaps = [float(torch.linalg.norm(ws[i + 1].T @ ws[i + 1] - ws[i] @ ws[i].T))
                for i in range(L - 1)]
        flat_value = spectral(m) ** ((L - 1) / L)
        return {"c": c, "spectral": [spectral(w) for w in ws],
                "frobenius": [float(torch.linalg.norm(w)) for w in ws],
                "gaps": gaps, "flat": flat_value}


class Watch:
    """Notes the first hooked step farther than delta from the center."""

    def __init__(self, ps, center, delta):
        self.ps, self.center, self.delta = ps, [c.detach().clone() for c in center], delta
        self.step = -1

    def hook(self, step, loss, gs):
        if self.step >= 0:
            return
        d = distance(self.ps, self.center)
        if d > self.delta or math.isnan(d):
            self.step = step


class Tracker:
    """Records what record.Tracker records, at the hooked steps."""

    def __init__(self, prob, ps, with_balance=True):
        self.prob, self.ps, self.with_balance = prob, ps, with_balance
        self.start = [p.detach().clone() for p in ps]
        self.vec = None
        self.rows = []

    def hook(self, step, loss, gs):
        nan = float("nan")
        r = {"step": step, "loss": loss,
             "grad_norm": math.sqrt(sum(float((g ** 2).sum()) for g in gs)),
             "sharpness": nan, "sharpness_residual": nan, "matvecs": 0,
             "preconditioned": nan, "exact": nan,
             "residual": self.prob.relative_residual(self.ps),
             "distance": distance(self.ps, self.start)}
        if all(bool(torch.isfinite(p).all()) for p in self.ps):
            theta, vec, count, hvp = self.prob.top(self.ps, TRACK_TOL, self.vec)
            self.vec = vec
            res = np.linalg.norm(hvp(vec) - theta * vec)
            r["sharpness"], r["sharpness_residual"], r["matvecs"] = theta, float(res), count + 1
            if r["residual"] <= MINIMIZER_TOL:
                r["exact"] = self.prob.top(self.ps, EXACT_TOL)[0]
            if self.with_balance:
                b = balance(self.ps, self.prob.m)
                for k in ("c", "spectral", "frobenius", "gaps"):
                    r[k] = b[k]
        self.rows.append(r)


def run(prob, ps, eta, steps, loss_tol, every, hook):
    """Gradient descent as optim.Run takes it: at each step the loss and
    gradient, the stopping rules, the hook at multiples of every and at
    the last step, then the step. Returns the status, steps and loss."""
    t = 0
    while True:
        loss, gs = prob.grad(ps)
        status, done = "step limit", t == steps
        if not math.isfinite(loss):
            return "diverged", t, loss
        if loss_tol > 0 and loss <= loss_tol:
            status, done = "converged", True
        if hook is not None and (t % every == 0 or done):
            hook(t, loss, gs)
        if done:
            return status, t, loss
        with torch.no_grad():
            for p, g in zip(ps, gs):
                p.sub_(eta * g)
        t += 1


def predicted(eps, eta, lam):
    g = eta * lam - 1
    if not g > 1:
        return float("nan")
    return math.log(DELTA / eps) / math.log(g)


def fmt(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    return repr(x)


def jfloat(x):
    x = float(x)
    return x if math.isfinite(x) else None


def write_records(path, rows, depth):
    head = ["step", "loss", "grad_norm", "sharpness", "sharpness_residual", "matvecs",
            "preconditioned", "exact", "residual", "distance"]
    if depth:
        for k in ("c", "spectral", "frobenius"):
            head += ["%s_%d" % (k, i + 1) for i in range(depth)]
        head += ["gap_%d" % (i + 1) for i in range(depth - 1)]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        for r in rows:
            line = [r["step"]] + [fmt(r[k]) for k in head[1:5]] + [r["matvecs"]]
            line += [fmt(r[k]) for k in head[6:10]]
            if depth:
                for k in ("c", "spectral", "frobenius", "gaps"):
                    n = depth - 1 if k == "gaps" else depth
                    line += [fmt(x) for x in r.get(k, [float("nan")] * n)]
            w.writerow(line)


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for r in rows:
            j = {k: (jfloat(v) if isinstance(v, float) else v)
                 for k, v in r.items() if not isinstance(v, list)}
            for k in ("c", "spectral", "frobenius", "gaps"):
                if k in r:
                    j[k] = [jfloat(x) for x in r[k]]
            f.write(json.dumps(j) + "\n")


def save_net(path, ps, m):
    arrays = {"W%d" % (i + 1): p.detach().numpy() for i, p in enumerate(ps)}
    arrays["M"] = m.numpy()
    np.savez(path, **arrays)


def experiment(args):
    torch.set_grad_enabled(True)
    with np.load(os.path.join(args.start, "start.npz")) as z:
        L = sum(1 for k in z.files if k.startswith("W"))
        ws = [torch.tensor(z["W%d" % (i + 1)], dtype=torch.float64) for i in range(L)]
        m = torch.tensor(z["M"], dtype=torch.float64)
    direction = torch.from_numpy(np.load(os.path.join(args.start, "dir.npy")).astype(np.float64))
    os.makedirs(args.out, exist_ok=True)
    prob = Problem(ws, m)
    start = [w.clone().requires_grad_(True) for w in ws]
    x0 = flat(start)
    if direction.numel() != x0.numel():
        sys.exit("escape_torch.py: dir.npy has %d entries, the network %d parameters"
                 % (direction.numel(), x0.numel()))

    # The start: its sharpness, eta, and the top eigenvector for the
    # component of the direction along it.
    lam, top, _, _ = prob.top(start, EXACT_TOL)
    eta = ETA_LAMBDA / lam
    before = balance(start, m)
    s1 = spectral(m)
    flattest = 2 * prob.scale * L * s1 ** (2 * (L - 1) / L)
    upper = 2 * prob.scale * sum(c * c for c in before["c"])
    r, c = ws[-1].shape[0], ws[0].shape[1]
    print("target %dx%d; depth %d; loss scale %g" % (r, c, L, prob.scale))
    print("start: sharpness %.6f (flattest %.6f, upper bound %.6f)" % (lam, flattest, upper))
    print("eta = %.6f, 2/eta = %.6f, eta*lambda_max = %.2f, delta = %g\n"
          % (eta, 2 / eta, ETA_LAMBDA, DELTA))
    comp = abs(float(np.dot(direction.numpy(), top)))
    print("component of the perturbation direction along the top eigenvector: c = %.4f\n" % comp)
    print("%8s  %11s  %14s  %16s  %10s  %15s" % ("eps", "escape step", "predicted step",
          "with projection", "final loss", "sharpness after"))

    runs, rows = [], [["eps", "escape_step", "predicted_step", "predicted_step_projected",
                       "status", "steps", "final_loss", "sharpness_after"]]
    t_runs = time.perf_counter()
    for e in range(EPS_FIRST, EPS_LAST - 1, -1):
        eps = 10.0 ** e
        last = e == EPS_LAST
        ps = prob.params(x0 + eps * direction)
        watch = Watch(ps, start, DELTA)
        if last:
            tracker = Tracker(prob, ps)

        def hook(step, loss, gs):
            watch.hook(step, loss, gs)
            if last:
                tracker.hook(step, loss, gs)

        status, steps, loss = run(prob, ps, eta, MAX_STEPS, LOSS_TOL, 1, hook)
        s = float("nan")
        if status == "converged":
            s = prob.top(ps, EXACT_TOL)[0]
        pred, proj = predicted(eps, eta, lam), predicted(comp * eps, eta, lam)
        runs.append({"eps": eps, "escape_step": watch.step, "predicted_step": pred,
                     "predicted_step_projected": proj})
        print("%8.0e  %11d  %14.2f  %16.2f  %10.1e  %15.6f" % (eps, watch.step, pred, proj, loss, s))
        rows.append(["%g" % eps, str(watch.step), "%.6f" % pred, "%.6f" % proj, status,
                     str(steps), "%r" % loss, "%.12g" % s])
        if last:
            final, final_loss, after = ps, loss, s
    print("escape_torch: %d runs in %.3f s" % (len(runs), time.perf_counter() - t_runs), file=sys.stderr)

    esc = [q for q in runs if q["escape_step"] >= 0]
    slope = float(np.polyfit([math.log(1 / q["eps"]) for q in esc],
                             [q["escape_step"] for q in esc], 1)[0])
    want = 1 / math.log(ETA_LAMBDA - 1)
    print("\nslope of escape step against ln(1/eps): measured %.4f, predicted "
          "1/ln(eta*lambda_max - 1) = %.4f (%.1f%% off)" % (slope, want, 100 * abs(slope - want) / want))

    # Control: below the threshold the same kind of start stays.
    ceta = CONTROL_ETA_LAMBDA / lam
    cps = prob.params(x0 + CONTROL_EPS * direction)
    cw = Watch(cps, start, DELTA)
    ctr = Tracker(prob, cps, with_balance=False)

    def chook(step, loss, gs):
        cw.hook(step, loss, gs)
        ctr.hook(step, loss, gs)

    _, csteps, _ = run(prob, cps, ceta, CONTROL_STEPS, 0, CONTROL_EVERY, chook)
    print("control: eta*lambda_max = %.1f, eps = %g: escaped %s, distance after %d steps %.3e"
          % (CONTROL_ETA_LAMBDA, CONTROL_EPS, "true" if cw.step >= 0 else "false", csteps,
             distance(cps, start)))

    ab = balance(final, m)
    print("\nsharpness before %.6f, after %.6f <= 2/eta = %.6f: %s"
          % (lam, after, 2 / eta, "true" if after <= 2 / eta else "false"))
    print("final loss %.1e" % final_loss)
    print("%5s  %10s  %10s" % ("layer", "c_i before", "c_i after"))
    for i in range(L):
        print("%5d  %10.6f  %10.6f" % (i + 1, before["c"][i], ab["c"][i]))
    print("flat value sigma_1^((L-1)/L) = %.6f; largest gap before %.4f, after %.4f"
          % (before["flat"], max(before["gaps"]), max(ab["gaps"])))

    # Files.
    save_net(os.path.join(args.out, "start.npz"), start, m)
    save_net(os.path.join(args.out, "final.npz"), final, m)
    with open(os.path.join(args.out, "runs.csv"), "w") as f:
        for row in rows:
            f.write(",".join(row) + "\n")
    write_records(os.path.join(args.out, "trajectory.csv"), tracker.rows, L)
    write_jsonl(os.path.join(args.out, "trajectory.jsonl"), tracker.rows)
    write_records(os.path.join(args.out, "control.csv"), ctr.rows, 0)
    summary = {
        "eta": eta, "threshold": 2 / eta, "sharpness_before": lam,
        "sharpness_after": jfloat(after), "final_loss": final_loss,
        "escaped": runs[-1]["escape_step"] >= 0,
        "start_model": "start.npz", "final_model": "final.npz",
        "delta": DELTA, "slope": slope, "predicted_slope": want, "top_component": comp,
        "control_escaped": cw.step >= 0, "c_before": before["c"], "c_after": ab["c"],
        "runs": [{k: (jfloat(v) if isinstance(v, float) else v) for k, v in q.items()} for q in runs],
    }
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
        f.write("\n")
    print("\nwrote %s" % args.out)


if __name__ == "__main__":
    try:
        main()
    except ImportError as e:
        sys.exit("escape_torch.py: %s (run it with a python that has torch, numpy and scipy)" % e)
