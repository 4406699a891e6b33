"""The package's version and the paper it checks: a leaf module, so that the report and the command line can name them
without importing the package root (which re-exports the library)."""

__version__ = "0.1.0"
PAPER = ("Zhang, Deng, Kawaguchi, Ghorbani, Zou. How Does Mixup Help With Robustness and Generalization? "
         "ICLR 2021")
