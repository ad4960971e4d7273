"""README's code works as written: every Python block runs, the C example compiles and runs."""

from __future__ import annotations

import re
import subprocess

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


@pytest.mark.parametrize("code", blocks("python"), ids=lambda code: code.splitlines()[0][:40])
def test_python_blocks_run(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})


def test_c_example_compiles_and_prints_spikes(tmp_path):
    (code,) = [b for b in blocks("c") if "int main" in b]
    source = tmp_path / "minimal.c"
    source.write_text(code)
    build = subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-O2", "-ffp-contract=off",
                            f"-I{ROOT / 'c'}", str(source), str(ROOT / "c" / "pyhh.c"), str(ROOT / "c" / "pyhh_fast.c"), "-lm", "-o", str(tmp_path / "minimal")],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(tmp_path / "minimal")], capture_output=True, text=True)
    assert run.returncode == 0
    assert run.stdout.count("spike at") == 4  # 10 uA/cm^2 for 50 ms


def test_the_two_commands_are_there():
    assert "make demo" in README and "make test" in README
