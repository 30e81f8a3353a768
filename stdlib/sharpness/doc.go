// Package sharpness computes the sharpness of deep matrix factorization,
// the largest eigenvalue lambda_max of the loss Hessian, and the rest of
// the Hessian's spectrum.
//
// # At a minimizer
//
// Where the product of the layers equals the target the Hessian is
// 2s J^T J, with J the Jacobian of the product, and its nonzero spectrum
// is that of the output-space operator K = J J^T on d_L x d_0 matrices.
// AtMinimizer returns lambda_max(K): exact at every minimizer, and cheap
// because K acts on d_L d_0 dimensions instead of the number of
// parameters. Flattest and UpperBound give the bounds
//
//	2s L sigma_1^{2(L-1)/L}  <=  lambda_max  <=  2s sum_i c_i^2,
//
// and Depth2 and Scalar the closed forms at depth 2 and for scalar
// end-to-end maps. Away from a minimizer AtMinimizer refuses with a
// *NotMinimizerError rather than returning a wrong number.
//
// # Anywhere
//
// Lanczos with full reorthogonalization and PowerIteration run on any
// Operator; Max runs Lanczos on the exact Hessian-vector products of a
// network, residual term included. Hutchinson and HutchPlusPlus estimate
// the trace, and Density the spectral density by stochastic Lanczos
// quadrature. DenseMatrix and DenseEigen are the dense references for
// small sizes.
//
// Long computations take a context.Context and stop when it is done.
package sharpness
