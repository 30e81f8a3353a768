// Package dmf implements deep matrix factorization: a target matrix M is
// approximated by the product W_L ... W_1 of L layers trained on the squared
// error.
//
// # Conventions
//
// A Net holds the layers W_1..W_L, where W_i is d_i x d_{i-1}, together with
// the target M (d_L x d_0) and the loss scale s:
//
//	l(W) = s ||W_L ... W_1 - M||_F^2,   s = 1/2 by default.
//
// Layers are numbered from 1, as in the mathematics: Layer(1) is W_1, the
// layer applied first. Slices that hold one value per layer, such as the
// products c_i of a Balance report, are indexed from 0, so C[i-1] is c_i.
//
// All layers share one backing slice, Params, laid out layer after layer,
// each layer in row-major order. Optimizers update Params in place; the
// layer matrices see the change. Vectors in parameter space (gradients,
// Hessian-vector product directions) use the same layout.
//
// # Derivatives
//
// With A_i = W_L ... W_{i+1}, B_i = W_{i-1} ... W_1 and the residual
// R = W_L ... W_1 - M, the gradient is 2s A_i^T R B_i^T. Point caches the
// prefix and suffix products of a network at one point, so that repeated
// Hessian-vector products cost O(L) matrix products each; the dense
// Hessian is offered for small networks only (MaxDenseParams).
//
// # Minimizers
//
// Balanced builds the flattest minimizers W_i = Q_i S^{1/L} Q_{i-1}^T of a
// target M = U S V^T. Orbit, Rescale and Unbalanced move along the set of
// minimizers with the same product, W_i -> G_i W_i G_{i-1}^{-1}.
//
// # Files
//
// Load and Save read and write NPZ archives with arrays W1..WL and an
// optional M, so networks move between basin, numpy and PyTorch.
package dmf
