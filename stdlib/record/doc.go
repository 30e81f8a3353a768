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
// little between records, so that few products suffice. Where the point
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
