"""A BatchResult as a table: CSV with its sidecar (pyhh.files), or a pandas DataFrame.

With traces: one row per neuron and recorded row (long form: neuron, t, V, m, ...).
Without: one row per neuron (neuron, spike_count, rate).
"""

from __future__ import annotations

import numpy as np

from .api import TRACE_UNITS
from .files import check_csv, require_pandas, spike_columns, write_csv
from .reference.run import COLUMNS


def batch_columns(batch) -> tuple[dict[str, np.ndarray], dict[str, str], str]:
    """The columns, their units and what the table is ("batch_traces" or "batch")."""
    n = batch.n
    if batch.traces is not None:
        rows = batch.traces.shape[0]
        columns = {"neuron": np.repeat(np.arange(n, dtype=np.float64), rows)}
        columns.update({name: batch.traces[:, j, :].T.ravel() for j, name in enumerate(COLUMNS)})
        return columns, {"neuron": "index", **TRACE_UNITS}, "batch_traces"
    columns = {"neuron": np.arange(n, dtype=np.float64), "spike_count": batch.spike_counts,
               "rate": batch.firing_rates}
    return columns, {"neuron": "index", "spike_count": "1", "rate": "Hz (over the whole run)"}, "batch"


def batch_to_csv(batch, path, spikes_path=None):
    """Write the table (and, with spikes_path, the spike times: neuron, spike_time); what would
    stop the second file is found before the first is written."""
    if spikes_path is not None:
        if batch.spikes is None:
            from .reference.errors import PyhhError

            raise PyhhError("no spike times were kept: pass spike_capacity to simulate_batch")
        check_csv(spikes_path)
    columns, units, what = batch_columns(batch)
    written = write_csv(path, columns, units, what, batch.metadata)
    if spikes_path is not None:
        neuron, times = spike_columns(batch.spikes, np.arange(batch.n))
        write_csv(spikes_path, {"neuron": neuron, "spike_time": times}, {"neuron": "index", "spike_time": "ms"},
                  "spikes", batch.metadata)
    return written


def batch_to_dataframe(batch):
    """The table of batch_to_csv as a pandas DataFrame, the metadata and units in .attrs."""
    pd = require_pandas()
    columns, units, _ = batch_columns(batch)
    columns["neuron"] = columns["neuron"].astype(np.int64)
    frame = pd.DataFrame(columns)
    frame.attrs.update(batch.metadata, units=units)
    return frame
