# Opens N idle TCP connections to 127.0.0.1:PORT and holds them until stdin closes. Usage: idle.py PORT N
import socket, sys, resource
port, n = int(sys.argv[1]), int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
conns = []
for i in range(n):
    s = socket.socket()
    s.connect(("127.0.0.1", port))
    conns.append(s)
print("open", flush=True)
sys.stdin.read()
