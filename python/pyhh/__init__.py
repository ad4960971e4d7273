"""pyhh: the portable reference specification of the Hodgkin-Huxley (1952) model.

The spec is spec/SPEC.md; this package is its readable reference, one function
per spec step (rates, currents, methods, run), plus a friendly API on top.

    >>> import pyhh
    >>> result = pyhh.simulate(10.0, duration=50.0)   # 10 uA/cm^2 for 50 ms
    >>> result.spike_count
    4
"""

from .api import Pulse, Result, run_case, simulate
from .batch import BatchResult, simulate_batch
from .fi import FICurve, fi_curve
from .case import METHODS, MODES, Case
from .casefile import load_case
from .compat import HHModel, Simulation
from .errors import CaseFileError, InvalidInputError, NumericalInstabilityError, PyhhError
from .parameters import SPEC_VERSION, V_REST_ABSOLUTE, Parameters
from .run import COLUMNS
from .stimulus import StepPulse, Stimulus

__version__ = "0.1.0"

__all__ = [
    "BatchResult",
    "COLUMNS",
    "METHODS",
    "MODES",
    "SPEC_VERSION",
    "V_REST_ABSOLUTE",
    "Case",
    "CaseFileError",
    "FICurve",
    "HHModel",
    "InvalidInputError",
    "NumericalInstabilityError",
    "Parameters",
    "Pulse",
    "PyhhError",
    "Result",
    "Simulation",
    "StepPulse",
    "Stimulus",
    "fi_curve",
    "load_case",
    "run_case",
    "simulate",
    "simulate_batch",
]
