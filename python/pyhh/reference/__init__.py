"""The reference: spec/SPEC.md in Python, one function per spec step.

This folder is what a porter reads beside the spec. It imports nothing but the
standard library (tests/test_layout.py enforces it, and runs a copy of this
folder with no other package importable), names everything with the spec's
symbols, and cites the section each function implements:

    §      what                                      where
    3.1    parameters, defaults, ranges              parameters.Parameters, parameters.PARAMETER_TABLE, parameters.parameter_overrides, checks.check_names
    3.2    temperature factor phi                    rates.temperature_factor
    4.1.1  the exact helpers                         exponential.round_to_integer, exponential.pow2, exponential.scale, exponential.two_sum, exponential.split
    4.1.2  the reduction, exp's polynomial           exponential.reduce, exponential.exp_poly
    4.1.3  exp                                       exponential.exp_sum, exponential.exp
    4.1.4  expm1                                     exponential.expm1, exponential.expm1_series, exponential.expm1_table
    4.1.5  exprel                                    rates.exprel
    4.3    the six rates                             rates.alpha_m, rates.beta_m, rates.alpha_h, rates.beta_h, rates.alpha_n, rates.beta_n
    4.4    the rates at V                            rates.rates
    4.5    steady state x_inf                        rates.steady_state
    5.1    conductances G_Na, G_K, G_L               currents.conductances
    5.2    ionic currents                            currents.currents
    5.3    membrane equation dV/dt                   currents.dV_dt
    5.4    gate equation dx/dt                       currents.dx_dt
    5.5    the right-hand side f                     currents.f
    6.1    initial state                             run.initial_state
    6.2    the drive u_k                             stimulus.drive, stimulus.Stimulus, stimulus.StepPulse
    6.3    the clamp current I_clamp                 currents.clamp_current
    7.1    euler                                     methods.euler_step
    7.2    exp_euler                                 methods.exp_euler_step, methods.exp_euler_gate
    7.3    rk4                                       methods.rk4_step, methods.rk4_stage, methods.rk4_combine
    7.4    staggered_cn, the state at t_k            methods.staggered_cn_step, methods.staggered_gates, methods.staggered_state
    7.5    staggered_exp                             methods.staggered_exp_step
    8.1    the run loop                              run.run
    8.2    recording a row                           run.record_row, run.state_at
    8.3    leaving the finite range                  run.check_finite
    8.4    input checks                              case.Case, case.check_run, checks.check_real, checks.check_range, checks.check_positive, checks.check_integer, checks.check_last_time, checks.check_at_most, checks.check_choice, stimulus.waveform_values
    9      spike detection                           run.spike_time, run.hermite_crossing, run.linear_crossing
    13.1   the cable's parameters                    cable.CABLE_TABLE, cable.NSEG_DEFAULT, cable.CableCase
    13.2   the drive u_j of each node                cable.injected, cable.CablePulse
    13.3   geometry, couplings, node positions       cable.geometry, cable.couplings, cable.node_position
    13.4   the net current F_i of a centre           cable.membrane_rhs
    13.5   the staggered Crank-Nicolson step         cable.cable_step, cable.assemble
    13.6   the tridiagonal solve                     cable.tridiagonal_solve
    13.7   the run, the state at t_k                 cable.run_cable, cable.initial_cable, cable.cable_state_at, cable.check_finite
    13.8   arrival times at the sites                cable.site_arrival, cable.node_dV_dt
    13.9   the conduction velocity                   cable.velocity
    13.10  cable case checks                         cable.check_sites, cable.check_node, cable.check_pulses
    13.11  the recorded row and its columns          cable.record_row, cable.columns

The errors the spec names (§8.3, §8.4) are in errors.py. Everything around the
reference lives outside this folder: case and trace files, golden data and
grading (pyhh.conformance, §10-11), the C kernel (pyhh.cbackend) and the
friendly API (pyhh.simulate and the rest).
"""
