# Writes the NPZ fixtures of the dmf tests with numpy, so that the tests
# read files written by numpy itself. Run from this directory:
#   python3 gen.py
import json

import numpy as np

rng = np.random.default_rng(7)
W1 = rng.standard_normal((3, 4))
W2 = rng.standard_normal((5, 3))
W3 = rng.standard_normal((2, 5))
M = rng.standard_normal((2, 4))
np.savez("net3.npz", W1=W1, W2=W2, W3=W3, M=M)
P = W3 @ W2 @ W1
json.dump({"product": P.tolist(), "loss": 0.5 * float(np.sum((P - M) ** 2))},
          open("net3.json", "w"), indent=1)

# float32, Fortran order, no target, an extra array that is ignored.
np.savez("fortran32.npz",
         W1=np.asfortranarray(W1.astype(np.float32)),
         W2=np.asfortranarray(W2.astype(np.float32)),
         eta=np.array(0.1))

np.savez_compressed("compressed.npz", W1=W1, W2=W2)

np.savez("no_w1.npz", W2=W2, M=M)
np.savez("gap.npz", W1=W1, W3=W3)
np.savez("chain.npz", W1=W1, W2=W3)
bad = W2.copy()
bad[1, 2] = np.nan
np.savez("nan.npz", W1=W1, W2=bad)
np.savez("three_d.npz", W1=np.zeros((2, 2, 2)))
np.savez("ints.npz", W1=np.ones((2, 2), dtype=np.int64))
np.savez("bad_target.npz", W1=W1, M=np.zeros((3, 3)))
data = open("net3.npz", "rb").read()
open("truncated.npz", "wb").write(data[: len(data) // 2])
open("not_npz.npz", "w").write("W1 = [[1, 2], [3, 4]]\n")
