"""Throwaway SoftHSM2 tokens for the HSM tests: a configuration of their own in a temporary directory (passed to
processes as SOFTHSM2_CONF), so no test touches the machine's tokens."""
import os
import subprocess

MODULE = "/usr/lib/softhsm/libsofthsm2.so"


def tokens(directory, *labels, pin, so_pin="97531"):
    """Makes a SoftHSM2 configuration in `directory` and a token per label with the user PIN `pin`; returns the
    environment that points SoftHSM2 at it."""
    (directory / "tokens").mkdir()
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {directory}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {"SOFTHSM2_CONF": str(conf)}
    for label in labels:
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", so_pin, "--pin", pin],
                       check=True, capture_output=True, env={**os.environ, **env})
    return env
