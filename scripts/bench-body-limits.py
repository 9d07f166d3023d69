#!/usr/bin/env python3
"""Memory of the service under six 200 MB search bodies at once (issue 17, item 4).

    python3 scripts/bench-body-limits.py [SERVICE_DLL] [PORT]

Starts the built service (default src/Sgraf.Api/bin/Debug/net10.0/Sgraf.Api.dll) with an empty gallery on
127.0.0.1:PORT (default 18941), warms it with three searches, then sends six POST /search/text-to-image bodies of
200 MB at once, three with Content-Length and three chunked, and prints their statuses and the service's RSS before,
at its peak, right after and 10 s later. Needs about 1.2 GB of memory for the bodies, and for a service without body
limits about 5 GB more.
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
dll = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "src/Sgraf.Api/bin/Debug/net10.0/Sgraf.Api.dll")
port = int(sys.argv[2]) if len(sys.argv) > 2 else 18941
env = dict(os.environ, ASPNETCORE_URLS=f"http://127.0.0.1:{port}", ASPNETCORE_ENVIRONMENT="Production",
           Sgraf__BundleDirectory=os.path.join(repo, "models/shapes-bundle"), Sgraf__DataDirectory=tempfile.mkdtemp(),
           Sgraf__DemoGallery__Enabled="false", Sgraf__Runtime__IntraOpThreads="1")
service = subprocess.Popen(["dotnet", dll], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def rss_mb():
    with open(f"/proc/{service.pid}/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))


def request(method, path, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
    status = connection.getresponse().status
    connection.close()
    return status


def send(body, chunked, statuses):
    head = b"POST /search/text-to-image HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.settimeout(600)
        try:
            if chunked:
                connection.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n")
                for at in range(0, len(body), 1 << 20):
                    part = body[at:at + (1 << 20)]
                    connection.sendall(b"%X\r\n" % len(part) + part + b"\r\n")
                connection.sendall(b"0\r\n\r\n")
            else:
                connection.sendall(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        except OSError:
            pass  # the service answered and closed before the body was all sent
        try:
            statuses.append(connection.recv(64).split(b" ")[1].decode())
        except (OSError, IndexError) as error:
            statuses.append(repr(error))


try:
    for _ in range(1200):
        try:
            if request("GET", "/health/ready") == 200:
                break
        except OSError:
            pass
        time.sleep(0.2)
    for _ in range(3):
        request("POST", "/search/text-to-image", json.dumps({"queries": ["a red circle"], "k": 3}))
    time.sleep(1)
    before = rss_mb()
    body = b'{"queries":["' + b"a" * (200_000_000 - 16) + b'"]}'
    statuses, peak = [], before
    senders = [threading.Thread(target=send, args=(body, n >= 3, statuses)) for n in range(6)]
    for sender in senders:
        sender.start()
    while any(sender.is_alive() for sender in senders):
        peak = max(peak, rss_mb())
        time.sleep(0.2)
    after = rss_mb()
    time.sleep(10)
    print(f"statuses {sorted(statuses)}; RSS before {before} MB, peak {peak} MB, after {after} MB, 10 s later {rss_mb()} MB")
finally:
    service.kill()
