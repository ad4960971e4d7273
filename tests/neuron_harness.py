"""Run a pyhh case in NEURON (tests/test_neuron.py and examples/neuron_side_by_side.py's recipe, as code).

One isopotential section whose area is 1e-3 cm^2, so that an IClamp's nA are
uA/cm^2 and the membrane's density currents are the spec's; cm = C_m; the
mechanism is the generated one (pyhh.mod, the spec's parameters and units) or
NEURON's built-in hh with the documented mapping. Voltages go in and come out
rest-relative, as pyhh's do (V = v + 65).
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np

from pyhh import Case
from pyhh.nmodl import export_nmodl

#: NEURON's absolute convention: v = V + V_REST (spec §2.2).
V_REST = -65.0
#: An area of 1e-3 cm^2 = 1e5 um^2: 1 nA of IClamp current is 1 uA/cm^2.
DIAMETER = math.sqrt(1e5 / math.pi)


def compile_mechanism(folder: Path) -> Path:
    """Export pyhh.mod into `folder` and compile it there with nrnivmodl; returns the folder."""
    export_nmodl(folder)
    nrnivmodl = Path(sys.executable).with_name("nrnivmodl")  # installed beside this Python by the neuron wheel
    done = subprocess.run([str(nrnivmodl), "."], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return folder


def membrane(h, case, mechanism: str):
    """The section, with the case's parameters on `mechanism` ("pyhh" or NEURON's "hh")."""
    section = h.Section(name="membrane")
    section.L = section.diam = DIAMETER
    section.nseg = 1
    section.cm = case.params.C_m
    section.insert(mechanism)
    p = case.params
    segment = section(0.5)
    if mechanism == "hh":  # NEURON's units: S/cm^2, absolute mV; its ions hold E_Na and E_K
        segment.hh.gnabar, segment.hh.gkbar, segment.hh.gl = p.g_Na * 1e-3, p.g_K * 1e-3, p.g_L * 1e-3
        segment.hh.el = p.E_L + V_REST
        section.ena, section.ek = p.E_Na + V_REST, p.E_K + V_REST
    else:
        for name in ("g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L"):
            setattr(getattr(segment, mechanism), name, getattr(p, name))
    return section


def run(h, case, *, mechanism: str = "pyhh", cvode: bool = False, tolerance: float = 1e-10, secondorder: int = 2,
        tables: bool = False, extra: float = 0.0):
    """Run a current-mode case: (t, V rest-relative, spike times) in ms and mV.

    Fixed step: NEURON's fadvance at the case's dt with `secondorder`, V recorded
    every step (t_k), the drive played as u_k. CVode: variable step at absolute
    tolerance `tolerance`, pulses as IClamps, spikes from a NetCon on v (located
    by CVode's own interpolation).
    """
    section = membrane(h, case, mechanism)
    if mechanism == "hh":
        h.usetable_hh = 1 if tables else 0
    keep = [section]
    if cvode:
        assert case.stimulus.waveform is None, "CVode runs take pulses only"
        for pulse in case.stimulus.pulses:
            clamp = h.IClamp(section(0.5))
            clamp.delay, clamp.dur, clamp.amp = pulse.start * case.dt, (pulse.stop - pulse.start) * case.dt, pulse.amplitude
            keep.append(clamp)
    else:
        from pyhh.reference.stimulus import drive

        clamp = h.IClamp(section(0.5))
        clamp.delay, clamp.dur = 0.0, 1e9
        u = h.Vector([drive(case.stimulus, k) for k in range(case.steps)] + [0.0])
        u.play(clamp._ref_amp, case.dt)
        keep += [clamp, u]
    detector = h.NetCon(section(0.5)._ref_v, None, sec=section)
    detector.threshold = case.spike_threshold + V_REST
    spikes = h.Vector()
    detector.record(spikes)
    t, v = h.Vector().record(h._ref_t), h.Vector().record(section(0.5)._ref_v)
    h.celsius = case.temperature
    h.secondorder = secondorder
    solver = h.CVode()
    solver.active(1 if cvode else 0)
    if cvode:
        solver.atol(tolerance)
        solver.condition_order(2)  # spike times from CVode's interpolating polynomial, not a line
    h.dt = case.dt
    h.finitialize(case.V0 + V_REST)
    if cvode:
        solver.solve(case.steps * case.dt + extra)  # exactly to the end (continuerun may stop short)
    else:
        h.continuerun(case.steps * case.dt + extra)
    result = np.array(t), np.array(v) - V_REST, np.array(spikes)
    solver.active(0)
    del keep
    return result


def crossings(t: np.ndarray, V: np.ndarray, theta: float) -> np.ndarray:
    """Upward crossings of theta between consecutive samples, on the straight line (spec §9 step 3)."""
    j = np.flatnonzero((V[:-1] < theta) & (theta <= V[1:]))
    return t[j] + (theta - V[j]) / (V[j + 1] - V[j]) * (t[j + 1] - t[j])


def clamp_family(h, levels, *, holding: float, step_ms: float, temperature: float, tolerance: float = 1e-10,
                 sample: float = 0.01):
    """Each level held by a near-ideal single-electrode clamp from `holding` (mV from rest, the gates
    at rest there) for step_ms, under CVode: (t, I_Na and I_K in uA/cm^2, levels x samples)."""
    section = membrane(h, Case(), "pyhh")
    clamp = h.SEClamp(section(0.5))
    clamp.rs = 1e-9  # MOhm: with cm = 1 uF/cm^2 on 1e-3 cm^2, the command is reached within 1e-6 ms
    clamp.dur1 = step_ms + 1.0
    times = np.arange(0.0, step_ms + sample / 2, sample)
    I_Na, I_K = [], []
    solver = h.CVode()
    solver.active(1)
    solver.atol(tolerance)
    h.celsius = temperature
    for level in levels:
        clamp.amp1 = level + V_REST
        i_na, i_k = h.Vector(), h.Vector()
        i_na.record(section(0.5)._ref_i_Na_pyhh, sample)
        i_k.record(section(0.5)._ref_i_K_pyhh, sample)
        h.finitialize(holding + V_REST)
        solver.solve(step_ms + 10 * sample)  # past the last sample time
        I_Na.append(np.array(i_na)[:len(times)] * 1e3)  # mA/cm^2 -> uA/cm^2
        I_K.append(np.array(i_k)[:len(times)] * 1e3)
    solver.active(0)
    return times, np.array(I_Na), np.array(I_K)


def node_x(j: int, nseg: int) -> float:
    """Where node j of spec §13.3 lies in NEURON's section, as x: 0, the segment centres, 1."""
    return 0.0 if j == 0 else 1.0 if j == nseg + 1 else (j - 0.5) / nseg


def axon(h, case, *, gates: bool = False):
    """Run a cable case (spec §13, a pyhh.reference.cable.CableCase) at NEURON's fixed step with
    secondorder = 2 on one section of the case's geometry (L, diam = 2 radius, Ra = R_i, cm = C_m,
    nseg) and the generated mechanism; each pulse an IClamp at its node. Returns V (mV from rest)
    at the case's sites after every step, rows 0 ... steps, and with `gates` each centre site's
    m, h, n as NEURON holds them (rows: {site: (steps + 1, 3)}), and the section (for its geometry)."""
    section = h.Section(name="axon")
    section.L, section.diam, section.nseg = case.length, 2.0 * case.radius, case.nseg
    section.Ra, section.cm = case.R_i, case.params.C_m
    section.insert("pyhh")
    for name in ("g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L"):
        setattr(section, f"{name}_pyhh", getattr(case.params, name))
    clamps = []
    for pulse in case.pulses:  # on while t_k + dt/2, where NEURON evaluates it, lies in [start, stop) * dt
        clamp = h.IClamp(section(node_x(pulse.node, case.nseg)))
        clamp.delay, clamp.dur, clamp.amp = pulse.start * case.dt, (pulse.stop - pulse.start) * case.dt, pulse.amplitude
        clamps.append(clamp)
    where = {j: section(node_x(j, case.nseg)) for j in case.sites}
    v = {j: h.Vector().record(segment._ref_v) for j, segment in where.items()}
    centres = [j for j in case.sites if 1 <= j <= case.nseg] if gates else []
    g = {(j, x): h.Vector().record(getattr(where[j], f"_ref_{x}_pyhh")) for j in centres for x in "mhn"}
    h.celsius, h.secondorder, h.dt = case.temperature, 2, case.dt
    h.CVode().active(0)
    h.finitialize(case.V0 + V_REST)
    for _ in range(case.steps):
        h.fadvance()
    V = np.column_stack([np.array(v[j]) for j in case.sites]) - V_REST
    return V, {j: np.column_stack([np.array(g[j, x]) for x in "mhn"]) for j in centres}, section
