#!/usr/bin/env python3
"""Misbehaving clients of ldmd's socket, for daemon.sh.

  daemon_client.py hold SOCKET N SECONDS     keep N silent connections open (reconnecting each one
                                             ldmd drops) for SECONDS; prints how many were dropped
  daemon_client.py send SOCKET               send stdin as is, print the reply (what ldmd sends
                                             until it closes), exit 0
  daemon_client.py noread SOCKET SECONDS     send stdin, read nothing for SECONDS, then report
                                             whether ldmd closed the connection ("closed"/"open")
  daemon_client.py stream SOCKET             copy stdin to the socket until ldmd drops the
                                             connection; prints the bytes it took
  daemon_client.py listen PORT SECONDS       hold a TCP listener on 127.0.0.1:PORT
  daemon_client.py fake SOCKET REPLY...      a fake ldmd: the i-th connection gets its request
                                             line read and REPLY[i] written (Python bytes literal
                                             syntax, e.g. 'b"\\xff\\n"'), then closed
"""
import ast
import os
import select
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def hold(path, n, seconds):
    socks = [connect(path) for _ in range(n)]
    print("connected", flush=True)
    dropped = 0
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select(socks, [], [], 0.1)
        for s in ready:
            if s.recv(4096) == b"":   # ldmd dropped it: a new silent one takes its place
                dropped += 1
                socks[socks.index(s)] = connect(path)
                s.close()
    print(dropped)


def send(path):
    s = connect(path)
    s.sendall(sys.stdin.buffer.read())
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    sys.stdout.buffer.write(out)


def noread(path, seconds):
    s = connect(path)
    s.sendall(sys.stdin.buffer.read())
    time.sleep(seconds)
    # ldmd has closed it if a read returns data-then-EOF or a reset; a still-open connection
    # with the reply waiting in the buffer reads data but no EOF within a short wait.
    s.setblocking(False)
    try:
        while True:
            b = s.recv(1 << 20)
            if b == b"":
                print("closed")
                return
    except BlockingIOError:
        print("open")
    except ConnectionResetError:
        print("closed")


def stream(path):
    s = connect(path)
    sent = 0
    try:
        while True:
            b = os.read(0, 65536)   # as it comes: a pause in stdin is a pause on the socket
            if not b:
                break
            s.sendall(b)
            sent += len(b)
    except (BrokenPipeError, ConnectionResetError):
        pass
    print(sent)


def listen(port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", port))
    s.listen(1)
    print("listening", flush=True)
    time.sleep(seconds)


def fake(path, replies):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(8)
    print("listening", flush=True)
    for r in replies:
        c, _ = srv.accept()
        req = b""
        while not req.endswith(b"\n"):
            b = c.recv(65536)
            if not b:
                break
            req += b
        c.sendall(ast.literal_eval(r))
        c.close()


cmd = sys.argv[1]
if cmd == "hold":
    hold(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
elif cmd == "send":
    send(sys.argv[2])
elif cmd == "noread":
    noread(sys.argv[2], float(sys.argv[3]))
elif cmd == "stream":
    stream(sys.argv[2])
elif cmd == "fake":
    fake(sys.argv[2], sys.argv[3:])
elif cmd == "listen":
    listen(int(sys.argv[2]), float(sys.argv[3]))
else:
    sys.exit("unknown command " + cmd)
