"""pyhh: the portable reference specification of the Hodgkin-Huxley (1952) model.

The spec is spec/SPEC.md. The package is laid out as the project is:

    pyhh.reference     the spec in code, one function per spec step (standard library only)
    pyhh.conformance   case files, traces, golden data, grading of ports (§10-11)
    pyhh.cbackend      the generated C kernel (c/) through cffi
    the rest           the API for users: simulate (api), simulate_batch (batch), simulate_cable (axon),
                       fi_curve (fi), experiments, plotting, the pyHH layer (compat), cli

    >>> import pyhh
    >>> result = pyhh.simulate(10.0, duration=50.0)   # 10 uA/cm^2 for 50 ms
    >>> result.spike_count
    4
"""

from .api import Pulse, Result, read_result, run_case, simulate
from .axon import CableResult, simulate_cable
from .batch import BatchResult, simulate_batch
from .compat import HHModel, Simulation
from .cautions import PyhhWarning, RestRelativeWarning, StimulusWarning
from .conformance.casefile import load_case
from .files import SavedTable, read_csv
from .fi import FICurve, fi_curve
from .nmodl import export_nmodl
from .reference.case import DEFAULT_METHOD, METHODS, MODES, STAGGERED, Case
from .reference.errors import CaseFileError, InvalidInputError, NumericalInstabilityError, PyhhError, ResourceLimitError
from .reference.parameters import SPEC_VERSION, V_REST_ABSOLUTE, Parameters
from .reference.run import COLUMNS
from .reference.stimulus import StepPulse, Stimulus

__version__ = "0.1.0"

__all__ = [
    "BatchResult",
    "COLUMNS",
    "CableResult",
    "DEFAULT_METHOD",
    "METHODS",
    "MODES",
    "SPEC_VERSION",
    "STAGGERED",
    "V_REST_ABSOLUTE",
    "Case",
    "CaseFileError",
    "FICurve",
    "HHModel",
    "InvalidInputError",
    "ResourceLimitError",
    "NumericalInstabilityError",
    "Parameters",
    "Pulse",
    "PyhhError",
    "PyhhWarning",
    "RestRelativeWarning",
    "Result",
    "SavedTable",
    "Simulation",
    "StepPulse",
    "Stimulus",
    "StimulusWarning",
    "export_nmodl",
    "fi_curve",
    "load_case",
    "read_csv",
    "read_result",
    "run_case",
    "simulate",
    "simulate_batch",
    "simulate_cable",
]
