"""Drives a running `asymcache serve` with the official openai client.

Covers completions and chat, streaming and not, stream_options.include_usage, a stop sequence,
the cache-aware extensions, and error answers; and checks that greedy output through the server
equals `asymcache generate` on the same model. Exits non-zero when a check fails.
"""
import argparse
import json
import subprocess
import sys
import time
import urllib.request

import openai

FAILURES = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        FAILURES.append(what)


def wait_until_ready(base, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as r:
                if r.status == 200:
                    return json.loads(r.read())
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not become ready")


def generate(binary, model_dir, prompt, max_tokens, chat=False):
    """`asymcache generate` output (its stdout ends with one newline)."""
    args = [binary, "generate", "--model", model_dir, "--prompt", prompt, "--max-tokens", str(max_tokens)]
    if chat:
        args.append("--chat")
    out = subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8", errors="replace")
    return out[:-1] if out.endswith("\n") else out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--asymcache", required=True, help="the asymcache binary, for `generate`")
    parser.add_argument("--model-dir", required=True)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    health = wait_until_ready(base)
    check(health["kv_used_blocks"] == 0, "health: empty KV pool at start")

    client = openai.OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0, timeout=120)
    models = client.models.list()
    model = models.data[0].id
    check(len(models.data) == 1, f"models: one model listed ({model})")

    prompt = "The quick brown fox"
    # Non-streaming completion, greedy, equals `asymcache generate`.
    c = client.completions.create(model=model, prompt=prompt, max_tokens=12, temperature=0)
    expected = generate(args.asymcache, args.model_dir, prompt, 12)
    check(c.choices[0].text == expected, f"completion: greedy text equals generate ({c.choices[0].text!r} vs {expected!r})")
    check(c.usage.completion_tokens <= 12 and c.usage.prompt_tokens > 0, "completion: usage counts")
    check(c.choices[0].finish_reason in ("stop", "length"), "completion: finish_reason")

    # Streaming completion with include_usage.
    chunks = list(client.completions.create(model=model, prompt=prompt, max_tokens=12, temperature=0, stream=True,
                                            stream_options={"include_usage": True}))
    text = "".join(ch.choices[0].text for ch in chunks if ch.choices)
    check(text == c.choices[0].text, "completion stream: same text as non-streaming")
    check(chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == c.usage.completion_tokens,
          "completion stream: include_usage gives the usage chunk last")
    finishes = [ch.choices[0].finish_reason for ch in chunks if ch.choices and ch.choices[0].finish_reason]
    check(finishes == [c.choices[0].finish_reason], "completion stream: one finish_reason at the end")

    # Chat, non-streaming, greedy, equals `asymcache generate --chat`.
    question = "Who made the heaven and the earth?"
    messages = [{"role": "user", "content": question}]
    r = client.chat.completions.create(model=model, messages=messages, max_tokens=10, temperature=0)
    expected = generate(args.asymcache, args.model_dir, question, 10, chat=True)
    check(r.choices[0].message.content == expected, "chat: greedy reply equals generate --chat")
    check(r.choices[0].message.role == "assistant", "chat: assistant role")
    check(r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens, "chat: usage adds up")

    # Chat streaming, without and with include_usage.
    plain = list(client.chat.completions.create(model=model, messages=messages, max_tokens=10, temperature=0,
                                                stream=True))
    check(all(ch.usage is None for ch in plain), "chat stream: no usage without include_usage")
    check("".join(ch.choices[0].delta.content or "" for ch in plain if ch.choices) == r.choices[0].message.content,
          "chat stream: same text as non-streaming")
    with_usage = list(client.chat.completions.create(model=model, messages=messages, max_tokens=10, temperature=0,
                                                     stream=True, stream_options={"include_usage": True}))
    check(with_usage[-1].usage is not None and with_usage[-1].choices == [], "chat stream: usage chunk last")

    # A stop sequence taken from the middle of the greedy answer.
    full = client.completions.create(model=model, prompt=prompt, max_tokens=16, temperature=0).choices[0].text
    stop = full[len(full) // 2:len(full) // 2 + 2]
    s = client.completions.create(model=model, prompt=prompt, max_tokens=16, temperature=0, stop=[stop])
    check(s.choices[0].text == full[:full.index(stop)] and s.choices[0].finish_reason == "stop",
          f"stop sequence {stop!r}: text cut before it, finish_reason stop")

    # Seeded sampling repeats; cache-aware extensions through extra_body.
    a = client.completions.create(model=model, prompt=prompt, max_tokens=8, temperature=0.9, top_p=0.9, seed=7)
    b = client.completions.create(model=model, prompt=prompt, max_tokens=8, temperature=0.9, top_p=0.9, seed=7)
    check(a.choices[0].text == b.choices[0].text, "seed: same sampled text")
    system = "You are a careful assistant who answers from the King James Bible. " * 4
    turn = [{"role": "system", "content": system}, {"role": "user", "content": question}]
    client.chat.completions.create(model=model, messages=turn, max_tokens=2, extra_body={"session_id": "s1", "pin_ttl": 5})
    again = client.chat.completions.create(model=model, messages=turn, max_tokens=2,
                                           extra_body={"session_id": "s1", "pin_ttl": 5})
    cached = again.usage.prompt_tokens_details.cached_tokens if again.usage.prompt_tokens_details else 0
    check(cached >= 16, f"extensions: second turn reuses the cache ({cached} cached tokens)")

    # Errors.
    for label, call, status in [
        ("n = 2", lambda: client.completions.create(model=model, prompt=prompt, n=2), 400),
        ("unknown model", lambda: client.completions.create(model="no-such-model", prompt=prompt), 404),
        ("empty messages", lambda: client.chat.completions.create(model=model, messages=[]), 400),
        ("temperature 7", lambda: client.completions.create(model=model, prompt=prompt, temperature=7), 400),
    ]:
        try:
            call()
            check(False, f"error {label}: expected HTTP {status}")
        except openai.APIStatusError as e:
            body = e.response.json()
            check(e.status_code == status and "message" in body.get("error", {}),
                  f"error {label}: HTTP {e.status_code}, OpenAI error body")

    metrics = urllib.request.urlopen(base + "/metrics").read().decode()
    check("vllm:prefix_cache_hits_total" in metrics and "vllm:time_to_first_token_seconds_bucket" in metrics,
          "metrics: vLLM names exposed")
    # The engine publishes its statistics after each pass: a 1-token probe forces one.
    for _ in range(100):
        client.completions.create(model=model, prompt="probe", max_tokens=1)
        health = json.loads(urllib.request.urlopen(base + "/health").read())
        if health["running"] == 0 and health["waiting"] == 0:
            break
        time.sleep(0.1)
    check(health["kv_used_blocks"] == 0 and health["running"] == 0, "health: KV pool back to empty")

    print(f"{len(FAILURES)} failure(s)")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
