"""Figures (matplotlib, drawn off-screen): the demo, the F-I curve, the clamp family, the methods.

Every legend sits outside the axes (beside or below them), so it never covers data;
every threshold or reference line is labelled.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.colors
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import numpy as np  # noqa: E402

from .api import Result  # noqa: E402
from .atomic import write_file  # noqa: E402
from .experiments import ClampFamily, MethodErrors  # noqa: E402
from .fi import CLASSES, FICurve  # noqa: E402
from .reference.parameters import V_REST_ABSOLUTE  # noqa: E402

#: The colour of each F-I class.
#: The F-I figure's classes in the order of its key (by current, as the membrane goes through them).
CLASS_ORDER = ("silent", "onset spikes", "firing", "sustained oscillation", "damped oscillation", "block")
CLASS_COLORS = dict(zip(CLASS_ORDER, ("0.55", "tab:olive", "tab:blue", "tab:orange", "tab:purple", "tab:red")))


def demo_figure(result: Result, path: str | Path, absolute: bool = False, title: str | None = None) -> Path:
    """Membrane potential, stimulus, gates and currents against time; saved to `path`."""
    V = result.V_absolute if absolute else result.V
    fig, axes = plt.subplots(
        4, 1, sharex=True, figsize=(9, 8), gridspec_kw={"height_ratios": [3, 1, 2, 2]}, layout="constrained"
    )
    ax_V, ax_I, ax_gates, ax_currents = axes
    ax_V.plot(result.t, V, color="tab:blue")
    threshold = result.case.spike_threshold + (V_REST_ABSOLUTE if absolute else 0.0)
    ax_V.axhline(threshold, color="0.5", lw=0.8, ls="--")
    ax_V.annotate(f"spike threshold {threshold:g} mV", (1.0, threshold), xycoords=("axes fraction", "data"),
                  xytext=(4, 0), textcoords="offset points", va="center", fontsize=8, color="0.4")
    ax_V.set_ylabel("V (mV, absolute)" if absolute else "V (mV from rest)")
    ax_V.set_title(title or f"Hodgkin-Huxley membrane, {result.case.method}, dt = {result.case.dt} ms, "
                   f"{result.spike_count} spike(s)", fontsize=12)
    label = "clamp current (µA/cm²)" if result.case.clamp else "I_stim (µA/cm²)"
    ax_I.plot(result.t, result.I_stim, color="tab:red")
    ax_I.set_ylabel(label)
    for name, color in (("m", "tab:orange"), ("h", "tab:green"), ("n", "tab:purple")):
        ax_gates.plot(result.t, getattr(result, name), label=name, color=color)
    ax_gates.set_ylabel("gate open fraction")
    ax_gates.set_ylim(-0.05, 1.05)
    ax_gates.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    for name, color in (("I_Na", "tab:orange"), ("I_K", "tab:purple"), ("I_L", "0.5")):
        ax_currents.plot(result.t, getattr(result, name), label=name, color=color)
    ax_currents.set_ylabel("current (µA/cm²)")
    ax_currents.set_xlabel("time (ms)")
    ax_currents.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    return save(fig, path)


def runs_of(mask: np.ndarray) -> list[np.ndarray]:
    """The indices of each run of consecutive True values."""
    index = np.flatnonzero(mask)
    return np.split(index, np.flatnonzero(np.diff(index) > 1) + 1) if len(index) else []


def fi_figure(curve: FICurve, path: str | Path, absolute: bool = False) -> Path:
    """Firing rate against current (lines only within runs of firing currents, never across
    the jump at the onset), the onset bracket, and below it each current's class and its
    peak-to-trough amplitude, with the spike threshold's reach marked."""
    order = np.argsort(curve.currents, kind="stable")
    I, rates, amplitude = curve.currents[order], curve.rates[order], curve.amplitudes[order]
    classes = np.array(curve.classes)[order]
    fig, (ax, ax_A) = plt.subplots(2, 1, sharex=True, figsize=(8.5, 6), layout="constrained",
                                   gridspec_kw={"height_ratios": [3, 2]})
    for run in runs_of(classes == "firing"):
        ax.plot(I[run], rates[run], "-", color=CLASS_COLORS["firing"], lw=1.2)
    frequency = curve.frequencies[order]
    for kind in CLASS_ORDER:
        here = classes == kind
        if here.any():
            # an oscillation below the threshold at the frequency of its cycle, hollow: no spikes are counted
            oscillation = kind.endswith("oscillation")
            ax.plot(I[here], (frequency if oscillation else rates)[here], "o", ms=3.5, color=CLASS_COLORS[kind],
                    mfc="none" if oscillation else CLASS_COLORS[kind],
                    label=f"{kind} (its frequency)" if oscillation else kind)
            ax_A.plot(I[here], amplitude[here], "o", ms=3.5, color=CLASS_COLORS[kind])
    if curve.onset_bracket is not None:
        low, high = curve.onset_bracket
        ax.axvspan(low, high, color="tab:green", alpha=0.25, lw=0)
        top = rates.max() if rates.max() > 0 else 1.0
        ax.annotate("", (low, 0.5 * top), (high, 0.5 * top),
                    arrowprops=dict(arrowstyle="|-|", color="tab:green", shrinkA=0, shrinkB=0,
                                    mutation_scale=4))
        refined = f", bisection to {curve.onset_tolerance:g}" if curve.onset_tolerance is not None else ""
        ax.annotate(f"onset of repetitive firing\nbetween {low:.4g} and {high:.4g} µA/cm²{refined}",
                    (high, 0.5 * top), xytext=(8, -4), textcoords="offset points", color="tab:green",
                    va="top", fontsize=8)
    ax.set_ylabel("firing rate, or frequency\nof the oscillation (Hz)")
    threshold = curve.threshold + (V_REST_ABSOLUTE if absolute else 0.0)
    unit = "mV absolute" if absolute else "mV from rest"
    ax.set_title(f"F–I curve (rate after {curve.transient:g} ms, over {curve.duration - curve.transient:g} ms; "
                 f"spike threshold {threshold:g} {unit})", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title="class")
    ax_A.set_ylabel("peak-to-trough V (mV)\nlast half of the window")
    ax_A.set_xlabel("constant current (µA/cm²)")
    for a in (ax, ax_A):
        a.spines[["top", "right"]].set_visible(False)
    return save(fig, path)


def clamp_figure(family: ClampFamily, path: str | Path, absolute: bool = False) -> Path:
    """I_Na and I_K against time for each command step, coloured by the command voltage
    (the colour bar), the first ms of I_Na enlarged, and the peak I-V curve."""
    shift = V_REST_ABSOLUTE if absolute else 0.0
    unit = "mV absolute" if absolute else "mV from rest"
    levels = family.levels + shift
    fig, (ax_na, ax_k, ax_iv) = plt.subplots(1, 3, figsize=(14, 4.4), layout="constrained")
    norm = matplotlib.colors.Normalize(levels.min(), levels.max() if levels.max() > levels.min() else levels.min() + 1)
    cmap = plt.cm.viridis
    zoom = ax_na.inset_axes([0.5, 0.6, 0.47, 0.36])  # above the late currents, which are near 0
    early = family.t <= min(1.0, family.t[-1])
    for j in range(len(levels)):
        color = cmap(norm(levels[j]))
        ax_na.plot(family.t, family.I_Na[j], color=color, lw=1)
        zoom.plot(family.t[early], family.I_Na[j][early], color=color, lw=1)
        ax_k.plot(family.t, family.I_K[j], color=color, lw=1)
    zoom.text(0.98, 0.04, f"first {family.t[early][-1]:g} ms", transform=zoom.transAxes, ha="right", fontsize=8)
    zoom.tick_params(labelsize=7)
    ax_na.set_title("I_Na during each step")
    ax_k.set_title("I_K during each step")
    for ax in (ax_na, ax_k):
        ax.set_xlabel("time from step onset (ms)")
        ax.set_ylabel("current (µA/cm², outward +)")
    bar = fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), ax=[ax_na, ax_k], pad=0.01)
    bar.set_label(f"command voltage ({unit})")
    ax_iv.axhline(0, color="0.7", lw=0.8)
    ax_iv.plot(levels, family.peak_I_Na, "o-", ms=3, label="peak I_Na")
    ax_iv.plot(levels, family.steady_I_K, "s-", ms=3, label="I_K at step end")
    reversal = family.reversal_I_Na()
    if reversal is not None:
        ax_iv.axvline(reversal + shift, color="tab:red", ls="--", lw=1)
        ax_iv.annotate(f"I_Na reverses\nat {reversal + shift:.1f} mV", (reversal + shift, 0), xytext=(-6, 30),
                       textcoords="offset points", color="tab:red", ha="right", fontsize=8)
    ax_iv.set_xlabel(f"command voltage ({unit}; holding {family.holding + shift:g})")
    ax_iv.set_ylabel("current (µA/cm²)")
    ax_iv.set_title("I–V curve")
    ax_iv.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2, frameon=False)
    for ax in (ax_na, ax_k, ax_iv):
        ax.spines[["top", "right"]].set_visible(False)
    return save(fig, path)


def methods_figure(study: MethodErrors, path: str | Path) -> Path:
    """Accuracy against cost: each method's V error and spike-time error against its
    computing time per simulated second, one line per method, points labelled by dt."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.8), layout="constrained")
    markers = dict(zip(study.errors, ("o", "s", "^", "D", "v")))
    for ax, table, label in ((axes[0], study.errors, "largest |V − V_rk4| (mV)"),
                             (axes[1], study.spike_errors, "largest spike-time error (ms)")):
        blow_ups = []
        for method in study.errors:
            ok = np.isfinite(table[method]) & np.isfinite(study.costs[method]) & (table[method] > 0)
            blown = study.dts[~np.isfinite(study.errors[method])]
            suffix = f"; blows up at dt ≥ {blown.min():g}" if len(blown) else ""
            line, = ax.loglog(study.costs[method][ok], table[method][ok], markers[method] + "-",
                              label=f"{method} (order {study.order(method, 'V' if table is study.errors else 'spikes'):.1f}{suffix})")
            finite = np.isfinite(study.costs[method])
            if len(blown) and finite.any():  # where it would sit: cost scales as 1/dt
                j = int(np.argmax(np.where(finite, study.dts, -np.inf)))
                blow_ups.append((study.costs[method][j] * study.dts[j] / blown, line.get_color()))
            for cost, error, dt in zip(study.costs[method][ok], table[method][ok], study.dts[ok]):
                ax.annotate(f"{dt:g}", (cost, error), xytext=(3, 3), textcoords="offset points", fontsize=7,
                            color=line.get_color())
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel("cost: ms of computing per simulated second (C kernel)")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
        low, high = ax.get_ylim()  # a strip above the data for the blow-ups, the same in both panels
        ax.set_ylim(low, high * (high / low) ** 0.12)
        for at, color in blow_ups:
            ax.plot(at, np.full_like(at, 0.965), "x", ms=7, mew=2, color=color, transform=ax.get_xaxis_transform())
        ax.text(0.99, 0.965, "× blew up (at cost ∝ 1/dt)", transform=ax.transAxes, ha="right", va="center",
                fontsize=8, color="0.3")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2, fontsize=8, frameon=False)
    axes[0].set_title("V error against cost (points: dt in ms)")
    axes[1].set_title("Spike-time error against cost (wrong spike counts left out)")
    return save(fig, path)


def axon_figure(result, path: str | Path) -> Path:
    """The action potential travelling along the axon (pyhh.simulate_cable's CableResult): V over x and t
    as a space-time image with each site's first arrival marked, and V(x) at a few moments."""
    x_cm = result.x * 1.0e-4
    fig, (ax_xt, ax_snap) = plt.subplots(2, 1, figsize=(9, 8), gridspec_kw={"height_ratios": [3, 2]},
                                         layout="constrained")
    image = ax_xt.pcolormesh(x_cm, result.t, result.V, shading="nearest", cmap="magma", rasterized=True)
    fig.colorbar(image, ax=ax_xt, label="V (mV from rest)")
    first = [(x, a[0]) for x, a in zip(x_cm, result.arrivals) if len(a)]
    if first:
        ax_xt.plot(*zip(*first), color="tab:cyan", lw=1.0, ls="--",
                   label=f"arrival (V crosses {result.case.spike_threshold:g} mV)")
        ax_xt.legend(loc="upper left", bbox_to_anchor=(0.0, -0.12), frameon=False, fontsize=8)
    ax_xt.set_xlabel("distance along the axon (cm)")
    ax_xt.set_ylabel("time (ms)")
    speed = f"{result.velocity:.3f} m/s" if result.velocity is not None else "no conduction"
    ax_xt.set_title(f"The propagated action potential (HH 1952, Part III): {speed}\n"
                    "(HH computed 18.8 m/s, measured 21.2 m/s)", fontsize=11)
    colors = plt.cm.viridis(np.linspace(0.0, 0.9, 4))
    for color, k in zip(colors, (np.array([0.1, 0.25, 0.4, 0.55]) * (len(result.t) - 1)).astype(int)):
        ax_snap.plot(x_cm, result.V[k], color=color, label=f"t = {result.t[k]:.2f} ms")
    ax_snap.set_xlabel("distance along the axon (cm)")
    ax_snap.set_ylabel("V (mV from rest)")
    ax_snap.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return save(fig, path)


def save(fig, path: str | Path) -> Path:
    """Write the figure in the format its name's suffix says (PNG without one), atomically
    (pyhh.atomic: a failed save leaves no file and an older figure as it was), and close it."""
    path = Path(path)
    try:
        write_file(path, lambda f: fig.savefig(f, format=path.suffix.lstrip(".").lower() or None, dpi=110),
                   binary=True)
    finally:
        plt.close(fig)
    return path
