"""The exceptions pyhh raises (spec §8.3 and §10)."""

from __future__ import annotations


#: §7.2, §7.4, §7.5: the methods that stay finite at any dt on inputs in the accepted ranges.
BOUNDED = ("exp_euler", "staggered_cn", "staggered_exp")


class PyhhError(Exception):
    """Base class of every error pyhh raises on purpose."""


class InvalidInputError(PyhhError, ValueError):
    """A parameter, setting or stimulus is outside what the spec accepts.

    The message names the offending value. Raised before any simulation step
    runs, by the Python and the C backend alike.
    """


class ResourceLimitError(InvalidInputError):
    """A valid request that needs more memory than this machine has free now.

    Not a rule of the spec: the same request may run on a larger machine. On
    the command line it is the program's own trouble (exit status 1, §11.4),
    not a rejected input (status 2).
    """


class CaseFileError(InvalidInputError):
    """A golden case file, trace or manifest is malformed; the message names the file."""


class NumericalInstabilityError(PyhhError, ArithmeticError):
    """The run left the finite range (spec §8.3).

    Attributes:
        step: index k of the first state that is not finite, or of the first
            recorded row with a non-finite value (a current that overflowed).
        t: its time k * dt, in ms.
        state: that step's (V, m, h, n), when known.
        neuron: in a batch, the index of the first neuron that failed; else None.
        where: how the message names the failing run, if not by its neuron index.
        advice: what to try instead, if not the default (a smaller dt, or a method that never blows up).
    """

    def __init__(self, step: int, t: float, state: tuple[float, float, float, float] | None, method: str, dt: float,
                 neuron: int | None = None, where: str | None = None, advice: str | None = None):
        self.step = step
        self.t = t
        self.state = state
        self.method = method
        self.dt = dt
        self.neuron = neuron
        where = f"{where}: " if where else f"neuron {neuron}: " if neuron is not None else ""
        values = ""
        if state is not None:
            V, m, h, n = state
            values = f": V={V!r}, m={m!r}, h={h!r}, n={n!r}"
        if advice is None:
            advice = ("a smaller dt" if method in BOUNDED else
                      "a smaller dt, or method 'staggered_cn', which stays bounded at any dt that does not overflow")
        super().__init__(
            f"{where}the run left the finite range at step {step} (t = {t!r} ms){values}; "
            f"method {method!r} with dt = {dt!r} ms is unstable for this input (try {advice})"
        )
