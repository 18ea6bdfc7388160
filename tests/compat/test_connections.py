"""Idle and slow connections cannot take the server down: idle ones are closed after --idle-timeout, at most
--max-connections are open at once, and running out of file descriptors refuses connections instead of spinning."""
import os
import resource
import socket
import subprocess
import time

import pytest

from conftest import Trent


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def limited_trent(*args, descriptors=256):
    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (descriptors, descriptors))
    original = subprocess.Popen

    def popen(*a, **kw):
        kw["preexec_fn"] = limit
        return original(*a, **kw)
    subprocess.Popen = popen
    try:
        return Trent("--in-memory", *args)
    finally:
        subprocess.Popen = original


def open_idle(endpoint, count):
    host, port = endpoint.split("//")[1].split(":")
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.settimeout(2)
        try:
            s.connect((host, int(port)))
            sockets.append(s)
        except OSError:
            s.close()
    return sockets


@pytest.mark.parametrize("slow_headers", [False, True])
def test_idle_connections_time_out_and_a_new_client_is_served(slow_headers):
    trent = limited_trent("--idle-timeout", "1", "--max-connections", "200")
    try:
        idle = open_idle(trent.endpoint, 300)
        if slow_headers:  # a request whose headers never finish
            for s in idle:
                try:
                    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.ListKeys\r\n")
                except OSError:
                    pass
        before = cpu_seconds(trent.proc.pid)
        time.sleep(3)
        spent = cpu_seconds(trent.proc.pid) - before
        assert spent < 1.5, f"the server spent {spent:.2f} s of CPU in 3 s with only idle connections"
        closed = 0
        for s in idle:
            try:
                s.settimeout(0.5)
                closed += s.recv(1) == b""
            except socket.timeout:
                pass
            except OSError:  # reset by the server: closed too
                closed += 1
            finally:
                s.close()
        started = time.time()
        kms = trent.client()
        assert "Keys" in kms.list_keys()
        assert closed >= 250, f"only {closed} of {len(idle)} idle connections were closed"
        assert time.time() - started < 10
        import urllib.request
        # Every idle connection the server accepted is closed: none is left open but this scrape's and the
        # client's, and the closes are counted. (How many of the 300 the server accepted at all depends on the
        # listen backlog and the machine's load, so the count is not pinned to the limit of 200.)
        def gauge(text, name):
            lines = [l for l in text.splitlines() if l.startswith(name + " ")]
            return float(lines[0].split()[-1]) if lines else None
        deadline = time.time() + 5
        while True:
            metrics = urllib.request.urlopen(trent.endpoint + "/metrics").read().decode()
            settled = (gauge(metrics, "trent_connections_open") or 0) <= 3
            if settled or time.time() > deadline:
                break
            time.sleep(0.2)
        assert (gauge(metrics, "trent_connections_open") or 0) <= 3, metrics
        assert (gauge(metrics, "trent_connections_idle_closed_total") or 0) >= 100, metrics
    finally:
        trent.stop()


def test_over_the_connection_limit_new_connections_are_refused_and_counted():
    trent = limited_trent("--idle-timeout", "30", "--max-connections", "20")
    try:
        idle = open_idle(trent.endpoint, 40)
        time.sleep(0.5)
        refused = 0
        for s in idle:
            s.settimeout(0.5)
            try:
                if s.recv(1) == b"":
                    refused += 1
            except socket.timeout:
                pass
            except OSError:
                refused += 1
        assert refused >= 15
        for s in idle:
            s.close()
        time.sleep(0.3)
        import urllib.request
        metrics = urllib.request.urlopen(trent.endpoint + "/metrics").read().decode()
        line = [l for l in metrics.splitlines() if l.startswith("trent_connections_refused_total")]
        assert line and float(line[0].split()[-1]) >= 15
    finally:
        trent.stop()


def test_a_body_that_trickles_in_is_cut_off_after_the_request_timeout():
    trent = Trent("--in-memory", "--idle-timeout", "30", "--request-timeout", "1")
    try:
        host, port = trent.endpoint.split("//")[1].split(":")
        s = socket.create_connection((host, int(port)), timeout=5)
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.ListKeys\r\n"
                  b"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n{")
        started = time.time()
        closed = False
        while time.time() - started < 8:
            try:
                s.sendall(b" ")
            except OSError:
                closed = True
                break
            time.sleep(0.2)
        s.close()
        assert closed, "the connection was still open while its body trickled in"
        assert "Keys" in trent.client().list_keys()
        import urllib.request
        metrics = urllib.request.urlopen(trent.endpoint + "/metrics").read().decode()
        assert [l for l in metrics.splitlines() if l.startswith("trent_requests_timed_out_total")]
    finally:
        trent.stop()
