"""A NumPy implementation of the network a spec describes, to prove the counts by running.

`weights.init_weights` makes seeded weights, `weights.random_input` a seeded batch,
`executor.run` the forward pass with its trace, `memory.estimate` the peak bytes before
anything is allocated. Only `verify` and the tests import this package (it needs numpy).
"""
