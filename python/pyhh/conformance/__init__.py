"""Conformance: the files that define the model by example, and the grading of ports.

    casefile.py   §10.1  case files (JSON), read strictly and written canonically
    trace.py      §10.2  trace files (CSV)
    golden.py     §10.3  the golden data: manifest, hashes, regeneration (`pyhh golden`)
    grading.py    §11    compare a trace with a golden one and name the level it reaches
    runner.py     §11    `pyhh conform`: run any implementation on every golden case and grade it
"""
