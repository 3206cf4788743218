#!/usr/bin/env python3
"""Rebuilds resources/models.json from a checkout of Portkey's open-source pricing data
(github.com/Portkey-AI/models, MIT licence): pricing/<provider>.json (cents per token) and
general/<provider>.json (max output, capabilities).

Usage: scripts/update_model_catalog.py <models-checkout> <commit> <date> > resources/models.json

Only the families listed below are taken (chat and embedding models of the providers Gatehouse
speaks to). Context windows are not in that data: they come from the providers' model pages and
are given here per family; a model whose window is not listed gets null.
"""
import json
import re
import sys

ROOT, COMMIT, DATE = sys.argv[1], sys.argv[2], sys.argv[3]

# provider id -> regexes of model ids to take (matched against the pricing keys, tier suffix removed)
SELECT = {
    "openai": [r"gpt-4o(-mini)?(-2024-\d\d-\d\d)?", r"chatgpt-4o-latest", r"gpt-4\.1(-mini|-nano)?(-2025-04-14)?",
               r"o1(-mini|-pro)?(-\d{4}-\d\d-\d\d)?", r"o3(-mini|-pro)?(-\d{4}-\d\d-\d\d)?", r"o4-mini(-2025-04-16)?",
               r"gpt-4-turbo(-2024-04-09)?", r"gpt-4", r"gpt-4-0613", r"gpt-3\.5-turbo(-0125)?",
               r"gpt-5(\.\d)?(-mini|-nano|-pro|-chat-latest)?(-\d{4}-\d\d-\d\d)?",
               r"text-embedding-3-(small|large)", r"text-embedding-ada-002"],
    "anthropic": [r"claude-.*"],
    "google": [r"gemini-1\.5-(pro|flash|flash-8b)(-00\d)?", r"gemini-2\.0-flash(-lite)?(-001)?",
               r"gemini-2\.5-(pro|flash|flash-lite)", r"gemini-3(\.1)?-(pro|flash|flash-lite)(-preview)?",
               r"gemini-embedding-001", r"text-embedding-004"],
    "mistral-ai": [r"mistral-(large|medium|small)-(latest|\d{4})", r"magistral-(medium|small)-(latest|\d{4})",
                   r"codestral-(latest|\d{4})", r"devstral-(small|medium)-(latest|\d{4})", r"ministral-(3b|8b|14b)-(latest|\d{4})",
                   r"pixtral-(large|12b)-(latest|\d{4})", r"open-mistral-nemo", r"mistral-embed", r"codestral-embed"],
    "groq": [r"llama-3\.3-70b-versatile", r"llama-3\.1-8b-instant", r"meta-llama/llama-4-.*", r"openai/gpt-oss-(120b|20b)",
             r"qwen/qwen3-32b", r"moonshotai/kimi-k2-instruct-0905", r"gemma2-9b-it", r"meta-llama/llama-guard-4-12b"],
    "deepseek": [r"deepseek-.*"],
    "x-ai": [r"grok-(2|3|4)(-mini|-fast|-mini-fast|-vision)?(-\d{4})?", r"grok-4-fast-(non-)?reasoning", r"grok-4-1-fast-(non-)?reasoning",
             r"grok-code-fast-1", r"grok-4\.\d+"],
    "cerebras": [r".*"],
    "perplexity-ai": [r"sonar(-pro|-reasoning|-reasoning-pro|-deep-research)?"],
    "moonshot": [r"moonshot-v1-(8k|32k|128k)", r"kimi-.*"],
    "zhipu": [r"glm-.*"],
    "cohere": [r"command-r(-plus|7b)?", r"embed-(english|multilingual)(-light)?-v3\.0"],
    "bedrock": [r"anthropic\.claude-(3|3-5|3-7|sonnet-4|opus-4|haiku-4)[-\w]*-v\d:0", r"amazon\.nova-(pro|lite|micro)-v1:0",
                r"meta\.llama3-(1|2|3)?-?\d+b-instruct-v1:0"],
    # Vertex AI ids as they go into the URL: Gemini, Claude (publishers/anthropic, "@date" versions),
    # embeddings, Llama (meta) and Mistral (mistralai).
    "vertex-ai": [r"gemini-2\.0-flash(-lite)?(-001)?", r"gemini-2\.5-(pro|flash|flash-lite)", r"gemini-3(\.\d)?-(pro|flash|flash-lite)(-preview)?",
                  r"claude-.*", r"text-embedding-00[45]", r"text-multilingual-embedding-002", r"gemini-embedding-001",
                  r"llama-[\w.-]+-instruct-maas", r"mistral-(small|medium)-\w+", r"codestral-2"],
}

# Context windows in tokens, from the providers' model pages (first match wins).
CONTEXT = [
    ("openai", r"gpt-4\.1.*", 1047576), ("openai", r"gpt-5.*", 400000), ("openai", r"o1-mini.*", 128000),
    ("openai", r"o[134].*", 200000), ("openai", r"(chatgpt-)?gpt-4o.*|chatgpt-4o-latest|gpt-4-turbo.*", 128000),
    ("openai", r"gpt-4(-0613)?", 8192), ("openai", r"gpt-3\.5-turbo.*", 16385), ("openai", r"text-embedding-.*", 8191),
    ("anthropic", r"claude-(3|opus-4|sonnet-4|haiku-4|4-).*", 200000),
    ("google", r"gemini-1\.5-pro.*", 2097152), ("google", r"gemini-(1\.5-flash|2\.0-flash|2\.5|3).*", 1048576),
    ("google", r"(gemini-embedding-001|text-embedding-004)", 2048),
    ("mistral-ai", r"mistral-large-(2411|2407)|pixtral-large-.*|open-mistral-nemo|ministral-8b-.*", 128000),
    ("mistral-ai", r"codestral-2501", 256000), ("mistral-ai", r"mistral-embed", 8192),
    ("groq", r"llama-3\.(3-70b-versatile|1-8b-instant)|openai/gpt-oss-.*|meta-llama/llama-4-.*|qwen/qwen3-32b", 131072),
    ("groq", r"moonshotai/kimi-k2-instruct-0905", 262144), ("groq", r"gemma2-9b-it", 8192),
    ("deepseek", r"deepseek-(chat|reasoner)", 128000),
    ("x-ai", r"grok-4-(1-)?fast.*", 2000000), ("x-ai", r"grok-4(-0709)?|grok-code-fast-1", 256000),
    ("x-ai", r"grok-3.*|grok-2-1212", 131072), ("x-ai", r"grok-2-vision-1212", 32768),
    ("perplexity-ai", r"sonar-pro", 200000), ("perplexity-ai", r"sonar(-reasoning-pro|-reasoning|-deep-research)?", 128000),
    ("bedrock", r"anthropic\.claude-.*", 200000), ("bedrock", r"amazon\.nova-(pro|lite)-v1:0", 300000),
    ("bedrock", r"amazon\.nova-micro-v1:0", 128000),
    ("cohere", r"command-r(-plus|7b)?", 128000), ("cohere", r"embed-.*-v3\.0", 512),
    ("moonshot", r"moonshot-v1-8k", 8192), ("moonshot", r"moonshot-v1-32k", 32768), ("moonshot", r"moonshot-v1-128k", 131072),
    ("moonshot", r"kimi-k2-(0905-preview|thinking|thinking-turbo|turbo-preview)", 262144), ("moonshot", r"kimi-k2-0711-preview", 131072),
    ("vertex-ai", r"claude-.*", 200000), ("vertex-ai", r"gemini-(2|3).*", 1048576),
    ("vertex-ai", r"text-embedding-00[45]|text-multilingual-embedding-002|gemini-embedding-001", 2048),
]

# Capabilities the general data leaves out for whole families (documented by the providers).
TOOLS = [("openai", r"(gpt-4o|gpt-4\.1|gpt-5|o1|o3|o4-mini)(?!-mini-2024).*"), ("anthropic", r"claude-(3|opus|sonnet|haiku).*"),
         ("google", r"gemini-(1\.5|2|3).*"), ("x-ai", r"grok-(3|4|code).*"), ("deepseek", r"deepseek-(chat|v4.*)"), ("cohere", r"command-r.*"), ("bedrock", r"(anthropic\.claude|amazon\.nova).*"),
         ("mistral-ai", r"(mistral-(large|medium|small)|magistral|codestral|devstral|ministral|pixtral).*(?<!embed)"),
         ("vertex-ai", r"(gemini-(2|3)|claude-(3|opus|sonnet|haiku)).*")]
VISION = [("openai", r"(gpt-4o|gpt-4\.1|gpt-5(\.\d)?(-mini|-nano)?|o1|o3|o4-mini)(-\d{4}-\d\d-\d\d)?"),
          ("anthropic", r"claude-(3|opus|sonnet|haiku).*"), ("x-ai", r"grok-4(-0709)?|grok-2-vision.*"), ("google", r"gemini-(1\.5|2|3).*"),
          ("vertex-ai", r"(gemini-(2|3)|claude-(3|opus|sonnet|haiku)).*")]
NOT_TOOLS = re.compile(r"^(o1-mini.*|o1-preview.*|chatgpt-4o-latest|text-embedding.*|gemini-embedding.*)$")
NOT_VISION = re.compile(r"^(o1-mini.*|o3-mini.*|text-embedding.*|gemini-embedding.*)$")


def family(table, provider, model):
    return any(prov == provider and re.fullmatch(rx, model) for prov, rx in table)


# Google bills Gemini 2.5 Pro and 3.x Pro at the higher rate above 200k prompt tokens (the data's
# tier names say 128k for these).
TIER_200K = re.compile(r"gemini-(2\.5|3(\.\d)?)-pro.*")

SKIP = re.compile(r"(^default$|realtime|audio|tts|transcribe|image|search|computer-use|deep-research|^ft:|customtools|-exp|vision-preview)")
TIER = re.compile(r"^(.*)-(lte|gt)-(\d+)k$")


def usd_per_million(cents_per_token):
    if cents_per_token is None:
        return None
    return round(cents_per_token * 1e4, 6)   # cents/token -> USD per 1M tokens


def prices(entry):
    pc = ((entry or {}).get("pricing_config") or {}).get("pay_as_you_go") or {}
    get = lambda k: (pc.get(k) or {}).get("price")
    p = {"input": usd_per_million(get("request_token")), "output": usd_per_million(get("response_token")),
         "cached_input": usd_per_million(get("cache_read_input_token")),
         "cache_write_input": usd_per_million(get("cache_write_input_token"))}
    if not p["cache_write_input"]:
        p["cache_write_input"] = None
    # A cache read never costs more than a plain input token; such a value is a data error.
    if p["cached_input"] is not None and p["input"] is not None and p["cached_input"] > p["input"]:
        p["cached_input"] = None
    if p["input"] == 0 and p["output"] == 0:
        return None   # placeholder entries: unknown, not free
    return p


def context_window(provider, model):
    for prov, rx, n in CONTEXT:
        if prov == provider and re.fullmatch(rx, model):
            return n
    return None


def load(kind, provider):
    try:
        with open(f"{ROOT}/{kind}/{provider}.json") as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


models = []
for provider, patterns in SELECT.items():
    pricing, general = load("pricing", provider), load("general", provider)
    seen = {}
    for key, entry in sorted(pricing.items(), key=lambda kv: "-gt-" in kv[0]):   # base tier first
        if SKIP.search(key):
            continue
        m = TIER.match(key)
        model, tier, limit = (m.group(1), m.group(2), int(m.group(3)) * 1000) if m else (key, None, None)
        if not any(re.fullmatch(p, model) for p in patterns):
            continue
        g = general.get(model) or {}
        kind = (g.get("type") or {}).get("primary", "chat")
        if kind not in ("chat", "embedding", "text"):
            continue
        supported = (g.get("type") or {}).get("supported") or []
        max_out = next((p.get("maxValue") for p in g.get("params", []) if p.get("key") in ("max_tokens", "max_completion_tokens")), None)
        embedding = kind == "embedding" or "embed" in model
        row = seen.get(model)
        if row is None:
            row = {"provider": provider, "id": model, "context_window": context_window(provider, model),
                   "max_output": None if embedding else max_out, "price": None,
                   "capabilities": {"tools": not embedding and not NOT_TOOLS.match(model) and ("tools" in supported or family(TOOLS, provider, model)),
                                    "vision": not embedding and not NOT_VISION.match(model) and ("image" in supported or family(VISION, provider, model)),
                                    "embeddings": embedding, "streaming": not embedding}}
            seen[model] = row
            models.append(row)
        p = prices(entry)
        if tier == "gt":
            if p and row.get("price") is not None and p != row["price"]:
                row["long_context_price"] = dict(p, above_tokens=200000 if TIER_200K.fullmatch(model) else limit)
        else:
            row["price"] = p

models.sort(key=lambda r: (r["provider"], r["id"]))
catalog = {
    "source": {
        "prices": f"Portkey-AI/models (github.com/Portkey-AI/models, MIT licence), pricing/*.json at commit {COMMIT}",
        "prices_date": DATE,
        "context_windows": "the providers' model documentation pages",
        "units": "USD per 1M tokens; null = unknown (never free); long_context_price applies when the prompt exceeds above_tokens",
    },
    "models": models,
}
json.dump(catalog, sys.stdout, indent=1)
sys.stdout.write("\n")
