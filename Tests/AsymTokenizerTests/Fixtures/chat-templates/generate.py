"""Writes chat-templates.json: Jinja2 renderings of chat templates, for the native renderers.

Run from this folder with jinja2 installed: python generate.py ../tiny-llama <kjv-llama-12m dir>
Rendering uses transformers' settings (sandboxed, trim_blocks, lstrip_blocks). The Llama-3 and
Qwen templates are written here from the published model cards' format (Qwen2.5's tool branches
omitted); `unsupported` lists templates the Swift side must reject.
"""
import json
import sys

from jinja2.sandbox import ImmutableSandboxedEnvironment

LLAMA3 = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
    "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + "
    "'<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
    "{{ content }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)
QWEN2 = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
QWEN25 = """{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "<|im_end|>\\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
    {%- else %}
        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant") %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
"""
UNSUPPORTED = {
    "mistral": "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
               "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% else %}{{ message['content'] + eos_token }}"
               "{% endif %}{% endfor %}",
    "gemma": "{{ bos_token }}{% for message in messages %}{{ '<start_of_turn>' + message['role'] + '\n' + "
             "message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}",
    "qwen3-thinking": "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + "
                      "message['content'] + '<|im_end|>\n' }}{% endfor %}{% if add_generation_prompt %}"
                      "{{ '<|im_start|>assistant\n<think>\n\n</think>\n\n' }}{% endif %}",
    "plain": "{% for message in messages %}{{ message['role'] + ': ' + message['content'] + '\n' }}{% endfor %}",
}
CONVERSATIONS = [
    [{"role": "user", "content": "Hello!"}],
    [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "  What is 2+2? \n"},
     {"role": "assistant", "content": "4"}, {"role": "user", "content": "And 3+3? 🙂"}],
    [{"role": "user", "content": "first"}, {"role": "assistant", "content": " padded answer\n"},
     {"role": "user", "content": "second"}],
]


def main():
    templates = {
        "tiny-llama": json.load(open(sys.argv[1] + "/tokenizer_config.json"))["chat_template"],
        "kjv-llama-12m": json.load(open(sys.argv[2] + "/tokenizer_config.json"))["chat_template"],
        "llama3": LLAMA3, "qwen2": QWEN2, "qwen2.5": QWEN25,
    }
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    cases = []
    for name, template in templates.items():
        compiled = env.from_string(template)
        for messages in CONVERSATIONS:
            for generation in (True, False):
                text = compiled.render(messages=messages, add_generation_prompt=generation,
                                       bos_token="<|begin_of_text|>", eos_token="<|end_of_text|>")
                cases.append({"template": name, "messages": messages, "add_generation_prompt": generation,
                              "text": text})
    out = {"source": "jinja2 rendering, generate.py", "templates": templates, "cases": cases,
           "unsupported": UNSUPPORTED}
    with open("chat-templates.json", "w") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)


main()
