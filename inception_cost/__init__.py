"""inception-cost: read a CNN paper's layer table, count what every layer costs, audit the claims.

The data flows one way (see docs/architecture.md): spec text -> `spec.records.Spec`
-> `network.Network` -> `cost.Analysis` -> `audit.Audit` -> renderers.
"""

__version__ = "0.1.0"
