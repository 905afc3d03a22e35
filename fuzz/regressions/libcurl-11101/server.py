import socket, sys
responses = [
    b"HTTP/1.1 480 Fuzz\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx",
    b"HTTP/1.1 135 Fuzz\r\n\tcting\",\"created_at\":\"2019-05-10T07:59:12.733403\",\"vaul\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
for r in responses:
    c, _ = s.accept()
    data = b""
    while b"\r\n\r\n" not in data:
        data += c.recv(65536)
    c.sendall(r); c.shutdown(socket.SHUT_WR); c.close()
