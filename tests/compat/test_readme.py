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


def test_every_operation_is_found_by_its_aws_name():
    """DESIGN.md: a newcomer finds an operation in one step, in Sources/TrentOperations/<Folder>/<Action>.swift."""
    served = dict(line.split("\t") for line in subprocess.run(
        [BINARY, "operations"], capture_output=True, text=True, check=True).stdout.splitlines())
    files = {}
    for folder, _, names in os.walk(os.path.join(ROOT, "Sources", "TrentOperations")):
        for name in names:
            files[name] = os.path.join(folder, name)
    for action, status in served.items():
        if status != "implemented":
            continue
        path = files.get(action + ".swift")
        assert path, f"{action} has no file {action}.swift"
        text = open(path, encoding="utf-8").read()
        assert re.search(rf"^enum {action}: KMSOperation", text, re.MULTILINE), path
        assert len(re.findall(r"^enum \w+: KMSOperation", text, re.MULTILINE)) == 1, path
