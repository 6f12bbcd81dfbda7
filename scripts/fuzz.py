"""Malformed-input run against a local `asymcache serve` (127.0.0.1 only).

Sends N random or mutated request bodies (byte flips, truncations, inserted junk, wrong types,
bad values, deep nesting, invalid UTF-8, oversize bodies, unknown routes and methods) and
requires that no answer is a 5xx, that every 4xx carries an OpenAI error body, that no
connection fails, and that the server is healthy with an empty KV pool at the end. Bodies that
stay valid may legitimately get 200; their max_tokens is kept small so the run stays fast.
    python3 scripts/fuzz.py --port 8000 [--count 1000] [--seed 1]
"""
import argparse
import http.client
import json
import random
import sys
import time

TEMPLATES = [
    ("/v1/completions", {"prompt": "In the beginning", "max_tokens": 2, "temperature": 0}),
    ("/v1/completions", {"prompt": [1, 2, 3], "max_tokens": 2, "stream": True, "stop": ["x"]}),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 2}),
    ("/v1/chat/completions", {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "q"}],
                              "max_completion_tokens": 2, "stream": True, "stream_options": {"include_usage": True},
                              "seed": 3, "top_p": 0.5, "session_id": "f", "pin_ttl": 1}),
]
WEIRD = [None, True, False, -1, 0, 1.5, -0.0, 2 ** 70, -2 ** 70, "", "x" * 300, "\u0000", "\ud7ff", [], {}, [[]],
         {"a": [1, {"b": None}]}, [1, "a", None], 1e300, -1e-300]
JUNK = [b"{", b"}", b"[", b"]", b",", b":", b"\"", b"\\", b"\x00", b"\xff", b"\xc3", b"nul", b"tru", b"1e999",
        b"-", b"NaN", b"Infinity", b"\\u12", b"\n"]
ROUTES = ["/v1/completions", "/v1/chat/completions"]
ODD_ROUTES = [("POST", "/v1/embeddings"), ("GET", "/v1/completions"), ("DELETE", "/v1/models"),
              ("POST", "/v1/models"), ("PUT", "/health"), ("POST", "/v1/chat/completions/x"), ("GET", "/%zz")]
MAX_SMALL = 4  # largest max_tokens a still-valid body may keep


def mutate_value(rng, body):
    body = json.loads(json.dumps(body))
    target = body
    if "messages" in body and rng.random() < 0.4:
        target = rng.choice(body["messages"]) if body["messages"] else body
    key = rng.choice(list(target.keys()) + ["n", "stop", "temperature", "model", "extra"])
    choice = rng.random()
    if choice < 0.2:
        target.pop(key, None)
    else:
        target[key] = rng.choice(WEIRD)
    return json.dumps(body).encode()


def mutate_bytes(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        pos = rng.randrange(len(data) + 1)
        if op < 0.3 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op < 0.55:
            data[pos:pos] = rng.choice(JUNK)
        elif op < 0.8:
            del data[pos:pos + rng.randint(1, 8)]
        else:
            data = data[:pos]
    return bytes(data)


def random_body(rng):
    kind = rng.random()
    if kind < 0.08:
        depth = rng.choice([100, 600, 5000])
        return b"[" * depth + b"]" * depth
    if kind < 0.14:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    if kind < 0.18:
        return json.dumps(rng.choice(WEIRD)).encode()
    if kind < 0.20:
        return b'{"prompt": "' + b"a" * (5 << 20) + b'"}'  # over the 4 MiB body limit
    return None


def too_expensive(data):
    """A mutated body that still parses and asks for many tokens is re-rolled (time bound)."""
    if len(data) > (4 << 20):
        return False  # refused by size before it is parsed
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    if not isinstance(body, dict):
        return False
    for key in ("max_tokens", "max_completion_tokens"):
        value = body.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > MAX_SMALL:
            return True
    return ("max_tokens" not in body and "max_completion_tokens" not in body) or body.get("ignore_eos") is True


def make_case(rng):
    if rng.random() < 0.05:
        method, path = rng.choice(ODD_ROUTES)
        return method, path, b'{"prompt": "x"}'
    while True:
        route, template = rng.choice(TEMPLATES)
        data = random_body(rng)
        if data is None:
            data = mutate_value(rng, template) if rng.random() < 0.5 else mutate_bytes(rng, json.dumps(template).encode())
        if not too_expensive(data):
            return "POST", rng.choice(ROUTES) if rng.random() < 0.1 else route, data


def send(port, method, path, data):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_for_idle(port, seconds=30):
    """/health once nothing runs. The engine's statistics refresh after a forward pass, so each
    poll first sends a one-token probe (which finishes within that pass)."""
    deadline = time.time() + seconds
    probe = json.dumps({"prompt": "probe", "max_tokens": 1}).encode()
    while True:
        send(port, "POST", "/v1/completions", probe)
        status, body = send(port, "GET", "/health", None)
        health = json.loads(body) if status == 200 else {}
        if (health.get("running") == 0 and health.get("waiting") == 0) or time.time() > deadline:
            return health
        time.sleep(0.1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 1 <= args.count <= 100_000:
        raise SystemExit("--count must be in 1...100000")
    rng = random.Random(args.seed)
    counts, problems = {}, []
    start = time.time()
    for i in range(args.count):
        method, path, data = make_case(rng)
        try:
            status, body = send(args.port, method, path, data)
        except (OSError, http.client.HTTPException) as e:
            if len(data) > (4 << 20):  # the server may close before reading an oversize body
                status, body = 413, b'{"error": {"message": "closed"}}'
            else:
                problems.append(f"#{i} {method} {path}: connection failed: {e!r}; body {data[:80]!r}")
                continue
        counts[status] = counts.get(status, 0) + 1
        if status >= 500:
            problems.append(f"#{i} {method} {path}: HTTP {status} for body {data[:120]!r}: {body[:200]!r}")
        elif status >= 400:
            try:
                error = json.loads(body)["error"]
                assert isinstance(error["message"], str) and "type" in error
            except (ValueError, KeyError, TypeError, AssertionError):
                problems.append(f"#{i}: HTTP {status} without an OpenAI error body: {body[:200]!r}")
    health = wait_for_idle(args.port)
    if health.get("kv_used_blocks") != 0:
        problems.append(f"KV blocks still in use after the run: {health}")
    four = sum(n for s, n in counts.items() if 400 <= s < 500)
    print(f"fuzz: {args.count} requests in {time.time() - start:.1f} s; statuses {dict(sorted(counts.items()))}; "
          f"{four} 4xx; health {health}")
    for p in problems[:20]:
        print("FAIL  " + p)
    print("ok    fuzz: no 5xx, no failed connection" if not problems else f"FAIL  fuzz: {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
