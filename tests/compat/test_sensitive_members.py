"""No value of a member the model marks sensitive reaches a response, a log line or an audit record, whatever the
operation and whether or not the value is valid."""
import base64
import json
import urllib.error
import urllib.request

import botocore.session
import pytest

from conftest import audited_trent

MODEL = botocore.session.get_session().get_service_model("kms")


def sensitive_paths(shape, path=()):
    """Paths (member names) from an input shape to every sensitive member below it."""
    if getattr(shape, "serialization", None) is not None and shape.metadata.get("sensitive"):
        yield path, shape
        return
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            yield from sensitive_paths(member, path + (name,))


def markers_for(shape, tag):
    """Values that break each constraint of the shape, and one that keeps them, all carrying a unique marker."""
    base = f"PLANTED{tag}x"
    if shape.type_name == "blob":
        return [base64.b64encode(base.encode()).decode()]
    values = [base, base * 20, base + " !@#%", "P" + tag[:3]]
    return values


@pytest.fixture(scope="module")
def audited():
    trent = audited_trent()
    yield trent
    trent.stop()


def post(server, operation, body):
    request = urllib.request.Request(server.endpoint + "/", data=json.dumps(body).encode(), method="POST", headers={
        "X-Amz-Target": "TrentService." + operation, "Content-Type": "application/x-amz-json-1.1"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:
        return error.read().decode()


def test_planted_values_of_sensitive_members_appear_nowhere(audited):
    planted = []
    answers = []
    for operation in MODEL.operation_names:
        input_shape = MODEL.operation_model(operation).input_shape
        if input_shape is None:
            continue
        for index, (path, shape) in enumerate(sensitive_paths(input_shape)):
            for variant, value in enumerate(markers_for(shape, f"{operation}{index}v")):
                body = {}
                node = body
                for name in path[:-1]:
                    node = node.setdefault(name, {})
                node[path[-1]] = value
                # The other members a request of that kind carries, so later checks run too.
                if operation == "CreateCustomKeyStore":
                    body.update({"CustomKeyStoreName": "planted", "CustomKeyStoreType": "EXTERNAL_KEY_STORE"
                                 if "Xks" in "".join(path) else "AWS_CLOUDHSM"})
                planted.append(value)
                answers.append(post(audited, operation, body))
    assert len(planted) >= 20, "the model's sensitive members were not found"
    with open(audited.audit_path) as f:
        trail = f.read()
    log = "".join(audited.output)
    replies = "\n".join(answers)
    for value in planted:
        core = value if len(value) < 60 else value[:40]
        for where, text in [("a response", replies), ("the audit log", trail), ("the server log", log)]:
            assert core not in text, f"{value[:30]}… appears in {where}"
    # The refusals still say which member and which constraint.
    assert "keyStorePassword" in replies and "failed to satisfy constraint" in replies
