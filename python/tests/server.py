"""A throwaway PostgreSQL 15 with cmodel, for the tests that need a server.

``Server()`` starts one in a temporary directory (in /dev/shm when it can):
initdb and the server run as the postgres OS user when the tests run as
root (initdb refuses root), the socket is in the directory and
``listen_addresses`` is empty, so nothing listens on a network.
``stop()`` stops it (by its PID if pg_ctl cannot) and removes the
directory.  Where PostgreSQL 15 or the installed extension is missing,
``Server()`` raises unittest.SkipTest.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import unittest

BIN = "/usr/lib/postgresql/15/bin"
SHARE = "/usr/share/postgresql/15"
PORT = 54361


def _as_postgres(argv):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + argv
    return argv


class Server:
    def __init__(self):
        if not os.path.exists(os.path.join(BIN, "initdb")):
            raise unittest.SkipTest("PostgreSQL 15 is not installed")
        if not os.path.exists(os.path.join(SHARE, "extension", "cmodel.control")):
            raise unittest.SkipTest("cmodel is not installed (make install)")
        base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
        self.dir = tempfile.mkdtemp(prefix="cmodel-pytest.", dir=base)
        self.data = os.path.join(self.dir, "data")
        self.pid = None
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        try:
            subprocess.run(_as_postgres([os.path.join(BIN, "initdb"), "-D", self.data, "-A", "trust",
                                         "-U", "postgres"]),
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            subprocess.run(_as_postgres([os.path.join(BIN, "pg_ctl"), "-D", self.data, "-w", "-l",
                                         os.path.join(self.dir, "log"), "-o",
                                         "-p %d -k %s -c listen_addresses='' -c fsync=off" % (PORT, self.dir),
                                         "start"]),
                           check=True, stdout=subprocess.DEVNULL)
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                self.pid = int(f.readline())
        except Exception:
            self.stop()
            raise
        self.dsn = "host=%s port=%d dbname=postgres user=postgres" % (self.dir, PORT)

    def stop(self):
        if self.pid is not None:
            done = subprocess.run(_as_postgres([os.path.join(BIN, "pg_ctl"), "-D", self.data, "-m", "fast",
                                                "-w", "stop"]),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if done.returncode != 0:
                try:
                    os.kill(self.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            self.pid = None
        shutil.rmtree(self.dir, ignore_errors=True)
