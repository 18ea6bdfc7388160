"""The README's operations table agrees with the server's operation table and lists all 54 operations."""
import os
import re
import subprocess

from conftest import BINARY, ROOT


def test_operations_table_matches_the_server():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    rows = dict(re.findall(r"^\| (\w+) \| (full|partial|not yet) \|", readme, re.MULTILINE))
    served = dict(line.split("\t") for line in subprocess.run(
        [BINARY, "operations"], capture_output=True, text=True, check=True).stdout.splitlines())
    assert len(served) == 54
    assert set(rows) == set(served)
    for name, status in rows.items():
        assert (status != "not yet") == (served[name] == "implemented"), name
