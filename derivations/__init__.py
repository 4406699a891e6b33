"""SymPy derivations, one module per claim of Zhang et al. (2021).

Each module has ``derive(**planted) -> mixverify.claim.Derivation``: LaTeX of the derivation and
symbolic facts whose residual must simplify to 0. Keyword arguments let tests plant a wrong formula
and see the derivation reject it.
"""
