"""The root key and the data directory: private from the first byte, never silently replaced, rotatable."""
import os
import stat
import subprocess
import threading

from conftest import BINARY, Trent, store_arguments


def modes_while(action, directory):
    """Runs `action` while watching `directory` as fast as possible; returns every (name, mode) seen."""
    seen = set()
    done = threading.Event()

    def watch():
        while not done.is_set():
            try:
                seen.add(("", stat.S_IMODE(os.stat(directory).st_mode)))
                for entry in os.scandir(directory):
                    try:
                        seen.add((entry.name, stat.S_IMODE(entry.stat().st_mode)))
                    except FileNotFoundError:
                        pass
            except FileNotFoundError:
                pass

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        return action(), seen
    finally:
        done.set()
        watcher.join()


def refused_start(*args, env=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    run = subprocess.run([BINARY, "serve", "--port", "0", *store_arguments(args)], capture_output=True, text=True, timeout=30,
                         env=full_env)
    assert run.returncode != 0, "trent started when it must not"
    return run.stdout + run.stderr


def test_a_new_data_directory_and_its_root_key_are_private_at_every_moment(data_dir):
    directory = os.path.join(data_dir, "fresh")
    trent, seen = modes_while(lambda: Trent("--data-dir", directory), directory)
    try:
        trent.client().create_key()
    finally:
        trent.stop()
    assert seen, "the watcher saw nothing"
    exposed = sorted((name or "(directory)", oct(mode)) for name, mode in seen if mode & 0o077)
    assert exposed == [], f"readable by others while starting: {exposed}"
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    for name in os.listdir(directory):
        assert stat.S_IMODE(os.stat(os.path.join(directory, name)).st_mode) == 0o600, name


def test_a_missing_root_key_beside_a_store_with_keys_stops_start_up(data_dir):
    first = Trent("--data-dir", data_dir)
    first.client().create_key()
    first.stop()
    os.remove(os.path.join(data_dir, "root.key"))
    message = refused_start("--data-dir", data_dir)
    assert "root key" in message and "restore" in message.lower()
    assert not os.path.exists(os.path.join(data_dir, "root.key")), "a new root key was generated beside the store"


def test_a_root_key_that_does_not_open_the_store_stops_start_up(data_dir):
    first = Trent("--data-dir", data_dir)
    first.client().create_key()
    first.stop()
    message = refused_start("--data-dir", data_dir, env={"TRENT_ROOT_KEY": "ab" * 32})
    assert "does not open" in message


def test_an_empty_store_gets_its_canary_so_a_later_wrong_key_is_caught(data_dir):
    first = Trent("--data-dir", data_dir)  # no keys at all
    first.stop()
    message = refused_start("--data-dir", data_dir, env={"TRENT_ROOT_KEY": "cd" * 32})
    assert "does not open" in message


def test_rekey_reseals_everything_and_the_old_root_key_no_longer_opens_the_store(data_dir, tmp_path):
    first = Trent("--data-dir", data_dir)
    kms = first.client()
    symmetric = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.rotate_key_on_demand(KeyId=symmetric)  # two material versions
    blob = kms.encrypt(KeyId=symmetric, Plaintext=b"before rekey")["CiphertextBlob"]
    signer = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    signature = kms.sign(KeyId=signer, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    first.stop()
    with open(os.path.join(data_dir, "root.key")) as f:
        old_key = f.read().strip()

    new_file = tmp_path / "new.key"
    new_file.write_text("5a" * 32 + "\n")
    run = subprocess.run([BINARY, "rekey", *store_arguments(["--data-dir", data_dir]), "--new-root-key-file", str(new_file)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Re-sealed 3 material version(s) of 2 key(s)" in run.stdout
    assert stat.S_IMODE(os.stat(os.path.join(data_dir, "root.key")).st_mode) == 0o600

    # The old root key no longer opens the store: start-up is refused with it.
    assert "does not open" in refused_start("--data-dir", data_dir, env={"TRENT_ROOT_KEY": old_key})
    second = Trent("--data-dir", data_dir, "--root-key-file", str(new_file))
    try:
        kms = second.client()
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"before rekey"
        assert kms.verify(KeyId=signer, Message=b"m", Signature=signature,
                          SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"]
        assert kms.sign(KeyId=signer, Message=b"n", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    finally:
        second.stop()
