"""A pyHH-compatible layer: pyHH users' code runs here with pyHH's bugs fixed.

pyHH (https://github.com/swharden/pyHH) offered `HHModel` and
`Simulation(model).Run(stimulusWaveform, stepSizeMs)`. The same names work here,
stepping with the spec's forward Euler (§7.1), with these differences:
- each model has its own gates (pyHH shared them between all models);
- all three gates start at their steady state, h included (§6.1);
- the rates have no 0/0 at V = 10 and 25 mV (§4.1);
- row i holds the state at t_i = i * dt and the currents of that state (§8.2),
  where pyHH stored the state after step i under t_i.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from .reference.checks import check_positive, check_real
from .reference.currents import State, conductances, currents
from .reference.errors import InvalidInputError, NumericalInstabilityError
from .reference.methods import euler_step
from .reference.parameters import Parameters
from .reference.rates import rates, steady_state
from .reference.stimulus import waveform_values


#: pyHH's advice, kept (spec/model.toml: euler_dt_warning): forward Euler above this step (ms) is often inaccurate.
EULER_DT_WARNING = 0.05


class Gate:
    """One gate's rates (1/ms) at the latest voltage and its open probability `state`."""

    def __init__(self) -> None:
        self.alpha = 0.0
        self.beta = 0.0
        self.state = 0.0

    def setInfiniteState(self) -> None:
        """Set `state` to its steady state alpha / (alpha + beta) (§4.5)."""
        self.state = steady_state(self.alpha, self.beta)


class HHModel:
    """A membrane patch with pyHH's attribute names (rest-relative mV, ms, mS/cm^2).

    gNa, gK, gKleak: conductances; ENa, EK, EKleak: reversal potentials; Cm: uF/cm^2;
    Vm: membrane voltage; m, h, n: Gate objects; INa, IK, IKleak: the currents of
    the latest step's starting state; steps_taken counts the steps. pyHH called the leak "Kleak"; it is the
    spec's leak, g_L and E_L.
    """

    def __init__(
        self,
        startingVoltage: float = 0.0,
        *,
        gNa: float = 120.0,
        gK: float = 36.0,
        gKleak: float = 0.3,
        ENa: float = 115.0,
        EK: float = -12.0,
        EKleak: float = 10.6,
        Cm: float = 1.0,
    ) -> None:
        self.gNa, self.gK, self.gKleak = gNa, gK, gKleak
        self.ENa, self.EK, self.EKleak = ENa, EK, EKleak
        self.Cm = Cm
        self.Vm = check_real("startingVoltage", startingVoltage)
        self.m, self.h, self.n = Gate(), Gate(), Gate()
        self.UpdateGateTimeConstants(self.Vm)
        for gate in (self.m, self.h, self.n):
            gate.setInfiniteState()
        self.INa = self.IK = self.IKleak = 0.0
        self.steps_taken = 0
        self._update_currents()

    def parameters(self) -> Parameters:
        """The model's constants as validated spec Parameters."""
        return Parameters(
            C_m=self.Cm, g_Na=self.gNa, g_K=self.gK, g_L=self.gKleak, E_Na=self.ENa, E_K=self.EK, E_L=self.EKleak
        )

    def state(self) -> State:
        """The model's (V, m, h, n) as a spec State."""
        return State(self.Vm, self.m.state, self.h.state, self.n.state)

    def UpdateGateTimeConstants(self, Vm: float) -> None:
        """Set every gate's alpha and beta at Vm (§4.3, at 6.3 degC as in pyHH)."""
        r = rates(Vm, 1.0)
        self.m.alpha, self.m.beta = r.alpha_m, r.beta_m
        self.h.alpha, self.h.beta = r.alpha_h, r.beta_h
        self.n.alpha, self.n.beta = r.alpha_n, r.beta_n

    def _update_currents(self) -> None:
        p = self.parameters()
        y = self.state()
        self.INa, self.IK, self.IKleak = currents(y, conductances(y, p), p)

    def iterate(self, stimulusCurrent: float = 0.0, deltaTms: float = 0.05) -> None:
        """Advance one forward-Euler step (§7.1) with stimulusCurrent in uA/cm^2."""
        stimulusCurrent = check_real("stimulusCurrent", stimulusCurrent)
        deltaTms = check_positive("deltaTms", deltaTms)
        self.UpdateGateTimeConstants(self.Vm)
        self._update_currents()
        y = euler_step(self.state(), stimulusCurrent, self.parameters(), 1.0, deltaTms, False)
        if not all(math.isfinite(x) for x in y):
            step = self.steps_taken + 1
            raise NumericalInstabilityError(step, step * deltaTms, tuple(y), "euler", deltaTms,
                                            advice="a smaller deltaTms; pyhh.simulate's default method, 'staggered_cn', stays bounded at any step")
        self.Vm, self.m.state, self.h.state, self.n.state = y
        self.steps_taken += 1

    Iterate = iterate  # pyHH's dev/concept4 spelling


class Simulation:
    """pyHH's Simulation: Run a model over a stimulus waveform and keep every row."""

    def __init__(self, model: HHModel | None = None) -> None:
        if model is not None and not isinstance(model, HHModel):
            raise InvalidInputError(f"model must be a pyhh.HHModel, got {model!r:.80}")
        self.model = model if model is not None else HHModel()
        self.CreateArrays(0, 0.0)

    def CreateArrays(self, pointCount: int, deltaTms: float) -> None:
        """Fresh result arrays of pointCount rows (pyHH's name)."""
        self.times = np.arange(pointCount) * deltaTms
        self.Vm = np.empty(pointCount)
        self.INa = np.empty(pointCount)
        self.IK = np.empty(pointCount)
        self.IKleak = np.empty(pointCount)
        self.StateM = np.empty(pointCount)
        self.StateH = np.empty(pointCount)
        self.StateN = np.empty(pointCount)

    def Run(self, stimulusWaveform: Sequence[float] | np.ndarray, stepSizeMs: float = 0.01) -> None:
        """Step once per stimulus value (uA/cm^2); row i holds the state at t_i = i * stepSizeMs."""
        stepSizeMs = check_real("stepSizeMs", stepSizeMs)
        if stepSizeMs > EULER_DT_WARNING:
            warnings.warn(
                f"step size {stepSizeMs} ms is large (> {EULER_DT_WARNING} ms): forward Euler may be inaccurate",
                stacklevel=2,
            )
        stimulus = np.array(waveform_values(stimulusWaveform) if np.ndim(stimulusWaveform) == 1 else ())
        if np.ndim(stimulusWaveform) != 1:
            raise InvalidInputError(f"stimulusWaveform must be a one-dimensional array, one current per step, "
                                    f"got {stimulusWaveform!r:.80}")
        self.CreateArrays(len(stimulus), stepSizeMs)
        for i, I_stim in enumerate(stimulus.tolist()):
            self.Vm[i], self.StateM[i], self.StateH[i], self.StateN[i] = self.model.state()
            self.model.iterate(I_stim, stepSizeMs)
            self.INa[i], self.IK[i], self.IKleak[i] = self.model.INa, self.model.IK, self.model.IKleak
