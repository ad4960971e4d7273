"""Figures (matplotlib, drawn off-screen): the demo, the F-I curve, the clamp family, the methods."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import numpy as np  # noqa: E402

from .api import Result  # noqa: E402
from .reference.errors import InvalidInputError  # noqa: E402
from .experiments import ClampFamily, MethodErrors  # noqa: E402
from .fi import FICurve  # noqa: E402


def demo_figure(result: Result, path: str | Path, absolute: bool = False, title: str | None = None) -> Path:
    """Membrane potential, stimulus, gates and currents against time; saved to `path`."""
    V = result.V_absolute if absolute else result.V
    fig, axes = plt.subplots(
        4, 1, sharex=True, figsize=(9, 8), gridspec_kw={"height_ratios": [3, 1, 2, 2]}, layout="constrained"
    )
    ax_V, ax_I, ax_gates, ax_currents = axes
    ax_V.plot(result.t, V, color="tab:blue")
    ax_V.axhline(result.case.spike_threshold + (V[0] - result.V[0]), color="0.7", lw=0.8, ls="--")
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
    ax_gates.legend(loc="upper right", ncols=3)
    for name, color in (("I_Na", "tab:orange"), ("I_K", "tab:purple"), ("I_L", "0.5")):
        ax_currents.plot(result.t, getattr(result, name), label=name, color=color)
    ax_currents.set_ylabel("current (µA/cm²)")
    ax_currents.set_xlabel("time (ms)")
    ax_currents.legend(loc="upper right", ncols=3)
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    return save(fig, path)


def fi_figure(curve: FICurve, path: str | Path) -> Path:
    """Firing rate against current, with the onset of repetitive firing marked."""
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    ax.plot(curve.currents, curve.rates, "o-", ms=3, color="tab:blue")
    if curve.onset is not None:
        ax.axvline(curve.onset, color="tab:red", ls="--", lw=1)
        ax.annotate(f"onset of repetitive firing\n{curve.onset:g} µA/cm²", (curve.onset, 0),
                    xytext=(8, 20), textcoords="offset points", color="tab:red")
    ax.set_xlabel("constant current (µA/cm²)")
    ax.set_ylabel("firing rate (Hz)")
    ax.set_title(f"F–I curve (rate after {curve.transient:g} ms, over {curve.duration - curve.transient:g} ms)")
    ax.spines[["top", "right"]].set_visible(False)
    return save(fig, path)


def clamp_figure(family: ClampFamily, path: str | Path) -> Path:
    """I_Na and I_K against time for each command step, and the peak I-V curve."""
    fig, (ax_na, ax_k, ax_iv) = plt.subplots(1, 3, figsize=(13, 4.2), layout="constrained")
    colors = plt.cm.viridis(np.linspace(0, 1, len(family.levels)))
    for j, level in enumerate(family.levels):
        ax_na.plot(family.t, family.I_Na[j], color=colors[j], lw=1)
        ax_k.plot(family.t, family.I_K[j], color=colors[j], lw=1, label=f"{level:g} mV")
    ax_na.set_title("I_Na during each step")
    ax_k.set_title("I_K during each step")
    for ax in (ax_na, ax_k):
        ax.set_xlabel("time from step onset (ms)")
        ax.set_ylabel("current (µA/cm², outward +)")
    ax_iv.axhline(0, color="0.7", lw=0.8)
    ax_iv.plot(family.levels, family.peak_I_Na, "o-", ms=3, label="peak I_Na")
    ax_iv.plot(family.levels, family.steady_I_K, "s-", ms=3, label="I_K at step end")
    reversal = family.reversal_I_Na()
    if reversal is not None:
        ax_iv.axvline(reversal, color="tab:red", ls="--", lw=1)
        ax_iv.annotate(f"I_Na reverses at {reversal:.1f} mV", (reversal, 0), xytext=(-120, 30),
                       textcoords="offset points", color="tab:red")
    ax_iv.set_xlabel(f"command voltage (mV from rest; holding {family.holding:g})")
    ax_iv.set_ylabel("current (µA/cm²)")
    ax_iv.set_title("I–V curve")
    ax_iv.legend()
    for ax in (ax_na, ax_k, ax_iv):
        ax.spines[["top", "right"]].set_visible(False)
    return save(fig, path)


def methods_figure(study: MethodErrors, path: str | Path) -> Path:
    """Accuracy against cost: each method's V error and spike-time error against its
    computing time per simulated second, one line per method, points labelled by dt."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), layout="constrained")
    markers = dict(zip(study.errors, ("o", "s", "^", "D", "v")))
    for ax, table, label in ((axes[0], study.errors, "largest |V − V_rk4| (mV)"),
                             (axes[1], study.spike_errors, "largest spike-time error (ms)")):
        for method in study.errors:
            ok = np.isfinite(table[method]) & np.isfinite(study.costs[method]) & (table[method] > 0)
            blown = study.dts[~np.isfinite(study.errors[method])]
            suffix = f"; blows up at dt ≥ {blown.min():g}" if len(blown) else ""
            line, = ax.loglog(study.costs[method][ok], table[method][ok], markers[method] + "-",
                              label=f"{method} (order {study.order(method, 'V' if table is study.errors else 'spikes'):.1f}{suffix})")
            for cost, error, dt in zip(study.costs[method][ok], table[method][ok], study.dts[ok]):
                ax.annotate(f"{dt:g}", (cost, error), xytext=(3, 3), textcoords="offset points", fontsize=7,
                            color=line.get_color())
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel("cost: ms of computing per simulated second (C kernel)")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_title("V error against cost (points: dt in ms)")
    axes[1].set_title("Spike-time error against cost (wrong spike counts left out)")
    return save(fig, path)


def save(fig, path: str | Path) -> Path:
    """Write the figure as a PNG and close it."""
    path = Path(path)
    try:
        fig.savefig(path, dpi=110)
    except OSError as e:
        raise InvalidInputError(f"{path}: cannot write: {e.strerror}") from None
    finally:
        plt.close(fig)
    return path
