// Package record follows optimizer runs and writes what it saw: a Tracker
// records the loss, gradient norm, sharpness, balance measures and
// distance from the start every few steps; writers put the records into
// CSV and JSON Lines files; plots show sharpness against the stability
// threshold, the loss on a log scale, the balance across layers and
// escape times against the prediction; Progress draws a progress bar on
// a terminal.
//
// # Sharpness along a trajectory
//
// The sharpness at a recorded step is the largest Hessian eigenvalue from
// Lanczos on exact Hessian-vector products, started from the top
// eigenvector of the previous record, which near a minimizer changes
// little between records: the first product already gives that vector's
// Rayleigh quotient and residual, and most records end there. A run stops
// when the Lanczos residual bound meets Options.Tol (DefaultTrackTol,
// 1e-5 relative, by default) and restarts from its Ritz vector every
// Options.Krylov steps; each record keeps its residual, so an estimate
// cut short by the product cap says how far off it may be. A record
// costs the refresh of the point's cached products plus one to a few
// products. A warm start that is, to the tolerance, an eigenvector of a
// lower eigenvalue cannot see a new top eigenvalue crossing it; only the
// first record starts from a random vector. Where the point
// is a minimizer to a tolerance, the exact value from the output-space
// operator (sharpness.AtMinimizer) is recorded as well. For Adam and
// RMSprop the tracker also records the sharpness of the preconditioned
// Hessian D^{1/2} H D^{1/2}, to which their threshold applies.
//
// # Files
//
// Every file is written atomically: into a temporary file in the target's
// directory, synced and renamed over the target only when complete. An
// error or an interrupt leaves the target as it was, either absent or
// whole. Plots are PNG or SVG by the extension of the path.
package record
