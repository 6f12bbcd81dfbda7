"""Writes random-encodings.json: Hugging Face `tokenizers` encodings of random Unicode strings.

Run from this folder with `tokenizers` installed (0.23.3 was used), passing the two base
directories: python generate.py ../tiny-llama <path to Sources/AsymDefaultModel/kjv-llama-12m>
Each variant is a base tokenizer.json with some top-level keys replaced (`overrides`), so the
Swift test can rebuild the same tokenizer.json without this file storing a vocabulary.
"""
import json
import random
import sys

import tokenizers
from tokenizers import Tokenizer

ALPHABET = [
    "a", "b", "s", "t", "r", "e", "v", "m", "l", "d", "S", "T", "R", "E", "L", "D", "\u017f", "'", "'",
    "0", "7", "42", "\u0663", "\u216b", "\u00b2", " ", " ", " ", " ", "  ", "\t", "\n", "\r", "\r\n", "\x0b",
    "\x0c", "\x85", "\xa0", "\u3000", "\u2028", ".", ",", "-", "(", ")", "#", "!", "\u00e9", "e\u0301",
    "\u00df", "\u65e5", "\u672c", "\u306e", "\u03a9", "\u0436", "\u05e9", "\u093f", "\U0001f642",
    "\U0001f469\u200d\U0001f4bb", "\U0001f1eb\U0001f1f7", "\u200b", "_", "$", "\u2211", "x",
    " the", " and", "Lord", "God", " said", "unto", "<|im_start|>", "<|im_end|>", "<|im_", "<mask>",
    " <mask>", "mask", "\ufb01", "\u212b",
]

LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
QWEN2 = LLAMA3.replace("\\p{N}{1,3}", "\\p{N}")


def byte_level(prefix=False, regex=False):
    return {"type": "ByteLevel", "add_prefix_space": prefix, "trim_offsets": False, "use_regex": regex}


def split(pattern, behavior, kind="Regex", invert=False):
    return {"type": "Split", "pattern": {kind: pattern}, "behavior": behavior, "invert": invert}


def sequence(*steps):
    return {"type": "Sequence", "pretokenizers": list(steps)}


def mask_token(id, **flags):
    entry = {"id": id, "content": "<mask>", "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
    entry.update(flags)
    return entry


def variants(tiny, kjv):
    specials = tiny["added_tokens"]
    return [
        ("tiny-llama", "tiny-llama", {}),
        ("kjv-llama-12m", "kjv-llama-12m", {}),
        ("qwen2-shape", "tiny-llama", {
            "normalizer": {"type": "NFC"},
            "pre_tokenizer": sequence(split(QWEN2, "Isolated"), byte_level()),
            "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False,
                               "use_regex": False},
        }),
        ("llama3-ignore-merges", "tiny-llama", {"model.ignore_merges": True}),
        ("gpt2-prefix-space", "kjv-llama-12m", {"pre_tokenizer": byte_level(prefix=True, regex=True)}),
        ("regex-fallback-merged", "tiny-llama", {
            "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Lowercase"}]},
            "pre_tokenizer": sequence(
                split("[a-z]+|\\d+|\\s+", "MergedWithNext"), split(" ", "MergedWithPrevious", kind="String"),
                split("\\p{P}", "Contiguous"), byte_level()),
        }),
        ("split-removed-inverted", "tiny-llama", {
            "pre_tokenizer": sequence(split("\\s+", "Removed"), split("[0-9]", "Isolated", invert=True),
                                      byte_level()),
        }),
        ("added-lstrip-rstrip", "tiny-llama", {
            "added_tokens": specials + [mask_token(1024, lstrip=True, rstrip=True)],
        }),
        ("added-single-word", "kjv-llama-12m", {
            "added_tokens": kjv["added_tokens"] + [mask_token(4096, single_word=True, special=False)],
        }),
    ]


def apply(base, overrides):
    data = json.loads(json.dumps(base))
    for key, value in overrides.items():
        target = data
        parts = key.split(".")
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value
    return data


def main():
    tiny = json.load(open(sys.argv[1] + "/tokenizer.json"))
    kjv = json.load(open(sys.argv[2] + "/tokenizer.json"))
    bases = {"tiny-llama": tiny, "kjv-llama-12m": kjv}
    rng = random.Random(7)
    out = {"source": f"Hugging Face tokenizers {tokenizers.__version__}, generate.py, seed 7", "variants": []}
    for name, base, overrides in variants(tiny, kjv):
        tok = Tokenizer.from_str(json.dumps(apply(bases[base], overrides)))
        cases = []
        for i in range(60):
            text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40)))
            special = i % 3 != 2
            cases.append({"text": text, "add_special_tokens": special,
                          "ids": tok.encode(text, add_special_tokens=special).ids})
        decodes = []
        vocab = tok.get_vocab_size(with_added_tokens=True)
        for i in range(20):
            ids = [rng.randrange(vocab) for _ in range(rng.randint(1, 12))]
            decodes.append({"ids": ids, "skip_special_tokens": i % 2 == 1,
                            "text": tok.decode(ids, skip_special_tokens=i % 2 == 1)})
        out["variants"].append({"name": name, "base": base, "overrides": overrides, "encodings": cases,
                                "decodings": decodes})
    with open("random-encodings.json", "w") as f:
        json.dump(out, f, ensure_ascii=True, separators=(",", ":"))


main()
