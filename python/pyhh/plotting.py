"""Figures (matplotlib, drawn off-screen): pyHH's demo figure, made richer."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .api import Result  # noqa: E402


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
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
