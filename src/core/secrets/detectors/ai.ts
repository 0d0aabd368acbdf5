import type { Detector } from '../detector.js';
import { sequentialShare } from '../false-positives.js';
import { at, lower, near, token, UUID } from './shapes.js';

const COHERE_WORDS = ['cohere', 'co_api_key'];
const MISTRAL_WORDS = ['mistral'];
const TOGETHER_WORDS = ['together_api_key', 'together_key', 'togetherai', 'together.ai', 'together_ai'];
const DEEPSEEK_WORDS = ['deepseek'];
const ELEVENLABS_WORDS = ['elevenlabs', 'eleven_labs', 'xi-api-key', 'xi_api_key'];
const WANDB_WORDS = ['wandb'];
const ASSEMBLYAI_WORDS = ['assemblyai', 'assembly_ai'];
const DEEPGRAM_WORDS = ['deepgram'];
const STABILITY_WORDS = ['stability'];
const AZURE_OPENAI_WORDS = ['azure_openai', 'azure-openai', 'azureopenai'];

/** A prefix-anchored AI provider key; most share one shape, so the table lists what differs. */
function aiKey(d: { id: string; title: string; provider: string; prefix: string; body: string; samples: { good: string[]; bad: string[] }; entropy?: number }): Detector {
  return {
    id: d.id,
    title: d.title,
    provider: d.provider,
    level: 'error',
    keywords: [d.prefix.toLowerCase()],
    pattern: token(d.body),
    entropy: d.entropy ?? 4,
    // Documentation stand-ins spell the alphabet (`…abc123xyz-456def789ghij-klmnop…`); issued keys never do.
    validate: (secret) => sequentialShare(secret.slice(d.prefix.length)) < 0.3,
    redactPrefix: d.prefix,
    // The row's `samples` are read only here, so that the bundles leave them out (scripts/drop-samples.mjs).
    samples: {
      positive: [at(`${d.id.split('-')[0].toUpperCase()}_API_KEY=§`, d.samples.good[0]), at("  api_key: '§'", d.samples.good[1], 'config/llm.yml')],
      negative: d.samples.bad,
    },
  };
}

/** AI and ML platforms. */
export const aiDetectors: Detector[] = [
  // OpenAI project (`sk-proj-`), service account (`sk-svcacct-`) and admin (`sk-admin-`) keys:
  // prefix + base64url, most carrying the `T3BlbkFJ` ("OpenAI" in base64) marker mid-way.
  aiKey({
    id: 'openai-project-key',
    title: 'OpenAI project API key',
    provider: 'OpenAI',
    prefix: 'sk-proj-',
    body: 'sk-proj-[0-9A-Za-z_\\-]{40,300}',
    samples: {
      good: ['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', 'sk-proj-lyrjoItlFfiyWzu_eSxxHgnZlQYJL-ELcgzCe9pKunXW0XdT'],
      bad: ['OPENAI_API_KEY=sk-proj-rgA3ifU1wvZkEHMJTvNZ', 'OPENAI_API_KEY=sk-proj-...', 'OPENAI_API_KEY=sk-proj-${OPENAI_KEY}'],
    },
  }),
  aiKey({
    id: 'openai-service-account-key',
    title: 'OpenAI service account API key',
    provider: 'OpenAI',
    prefix: 'sk-svcacct-',
    body: 'sk-svcacct-[0-9A-Za-z_\\-]{40,300}',
    samples: {
      good: ['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', 'sk-svcacct-yjRe-E-oaZhsGfMZWweqt-Zue6aKEpyxSjjep4ypScBv1rQPtYD8ifuBVc'],
      bad: ['OPENAI_API_KEY=sk-svcacct-FjKNhZFwzdckeGi-lwBp', 'OPENAI_API_KEY=xsk-svcacct-40nJN6T_NbsKCZ23jJ6DhDNIJS2pNE2Sz0_8qeXJpiOqs0SVs5F7DIEWsb'],
    },
  }),
  aiKey({
    id: 'openai-admin-key',
    title: 'OpenAI admin API key',
    provider: 'OpenAI',
    prefix: 'sk-admin-',
    body: 'sk-admin-[0-9A-Za-z_\\-]{40,300}',
    samples: {
      good: ['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', 'sk-admin-Kc7wftiMjKdTHMdFK3i2bRYs-a8imFijScD050x62bQcXOavBDEuhB8Lu_5Qv-JP'],
      bad: ['OPENAI_ADMIN_KEY=sk-admin-h44hQ6S0Cx2Q59UYVshl', 'route = "/sk-admin-panel"'],
    },
  }),
  {
    // Legacy OpenAI user key: `sk-` + 20 base62 + `T3BlbkFJ` + 20 base62.
    id: 'openai-legacy-key',
    title: 'OpenAI API key (legacy user key)',
    provider: 'OpenAI',
    level: 'error',
    keywords: ['t3blbkfj'],
    pattern: token('sk-[0-9A-Za-z]{20}T3BlbkFJ[0-9A-Za-z]{20}'),
    entropy: 4,
    redactPrefix: 'sk-',
    samples: {
      positive: [at('OPENAI_API_KEY=§', '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'), at('openai.api_key = "§"', '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', 'chat.py')],
      negative: ['OPENAI_API_KEY=sk-rZtAoFL6R9MygBljJLmHT3BlbkFJmt9DsaaMqW', 'OPENAI_API_KEY=sk-zigWDig0vcM3YJekuSWa4KNV4HLZdRSZvfrwFXdZNxDvq7Jl'],
    },
  },
  aiKey({
    // Anthropic API key: `sk-ant-api03-` + 93 base64url + `AA`.
    id: 'anthropic-api-key',
    title: 'Anthropic API key',
    provider: 'Anthropic',
    prefix: 'sk-ant-api03-',
    body: 'sk-ant-api03-[0-9A-Za-z_\\-]{93}AA',
    samples: {
      good: ['sk-ant-api03-xZjvN9e2dOEXaQEBhht4qjEoGzKLdRQwO09GzRq9f05DsfL7kSzkfzc4lhJ2FAlE0cITQV8SO5ZxTlXJVmpgH-BW2tfMaAA', 'sk-ant-api03-9IDD5fJiYx-TyO1mYfzOxw1wiO2ssWygo4yF_YcsUKZ8iHaB2rBsfbUfGjchoYtMJeFw-wW13rMIBUYMR9j-gutSEahzZAA'],
      bad: ['ANTHROPIC_API_KEY=sk-ant-api03-VgaQRJVElPY1BZd4Pd9Ydlz7b79sveWWniot7BuuAA', 'ANTHROPIC_API_KEY=sk-ant-api03-37T66Aigt_CcBw57A6VYHixZEUMtRafqzpRALnZEfhxUrTIc89ulxceLi8zaYDGAlBABtRLZPzapXkE78hdva0HEQqbxUBB'],
    },
  }),
  aiKey({
    // Anthropic Admin API key: `sk-ant-admin01-` + 93 base64url + `AA`.
    id: 'anthropic-admin-key',
    title: 'Anthropic Admin API key',
    provider: 'Anthropic',
    prefix: 'sk-ant-admin01-',
    body: 'sk-ant-admin01-[0-9A-Za-z_\\-]{93}AA',
    samples: {
      good: ['sk-ant-admin01-9EHy2jXuLKU8FMQxj3zet71c31yAOBVUtaCUz2UzESdefTTM18CWBxRzK2lF94yErsfQTlhgI5XELNb9pAvRKytfEWXw9AA', 'sk-ant-admin01-mjojSb4IZ4QStvKpzqNuNQQR8wlPBFjOCg7JA35UbFrp8RFNkLtP_KgpJoUPddFg4OFS_yOWOURBblYLCjeTizn_G6CCJAA'],
      bad: ['ANTHROPIC_ADMIN_KEY=sk-ant-admin01-d5qza9DAs6hVip5LbaPwjZDNDFm2JViRPOj8qfGTZfOOHpJvnVAA', 'ANTHROPIC_ADMIN_KEY=sk-ant-admin01-0q7SzUi7P5pSyH4k7hVZEMgxOnvkJZ0kPQCBiG_o_J5p5DQDoA5393ljtZ76JlsEjSMo1cq71V5f3mIE1rQAHF0THATfBxp'],
    },
  }),
  aiKey({
    // Hugging Face user access token: `hf_` + 34 alphanumerics.
    id: 'huggingface-token',
    title: 'Hugging Face access token',
    provider: 'Hugging Face',
    prefix: 'hf_',
    body: 'hf_[0-9A-Za-z]{34}',
    samples: {
      good: ['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', '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'],
      bad: ['HF_TOKEN=hf_CrAQVJYweKJaEoMRAYow', 'model_path = "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_v2"'],
    },
  }),
  aiKey({
    // Hugging Face organization API token (legacy): `api_org_` + 34 letters.
    id: 'huggingface-org-token',
    title: 'Hugging Face organization API token',
    provider: 'Hugging Face',
    prefix: 'api_org_',
    body: 'api_org_[0-9A-Za-z]{34}',
    samples: {
      good: ['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', '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'],
      bad: ['HF_ORG_TOKEN=api_org_ACzorlZZMb', 'def api_org_members_list_endpoint_handler(): pass'],
    },
  }),
  aiKey({
    // Perplexity API key: `pplx-` + 48 alphanumerics.
    id: 'perplexity-api-key',
    title: 'Perplexity API key',
    provider: 'Perplexity',
    prefix: 'pplx-',
    body: 'pplx-[0-9A-Za-z]{48}',
    samples: {
      good: ['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', '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'],
      bad: ['PPLX_API_KEY=pplx-noFdDI4nLfhfKm90m9KI', 'PPLX_API_KEY=pplx-zHg1ChAOCH4tjZDvvU60XGqkkmCdeMdJk1gw2D6Q1y2YXJ7Oxq97BY7a'],
    },
  }),
  aiKey({
    // Groq API key: `gsk_` + 52 alphanumerics.
    id: 'groq-api-key',
    title: 'Groq API key',
    provider: 'Groq',
    prefix: 'gsk_',
    body: 'gsk_[0-9A-Za-z]{52}',
    samples: {
      good: ['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', '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'],
      bad: ['GROQ_API_KEY=gsk_irAJn07gire3Mv67cdJjgseHLqfyJ4', 'GROQ_API_KEY=gsk_YSGFvYs5lq6yzUHkfvnNx3UP2ZlJdxmwNAak6dck168XB0z4hNe6sKP7Sd8w'],
    },
  }),
  aiKey({
    // Replicate API token: `r8_` + 37 alphanumerics.
    id: 'replicate-api-token',
    title: 'Replicate API token',
    provider: 'Replicate',
    prefix: 'r8_',
    body: 'r8_[0-9A-Za-z]{37}',
    samples: {
      good: ['r8_L2RrNpbi1qBZbJN2bPMjL3QLYERJinfubjYr1', 'r8_2KcrbFoVYNF6SExQH3WxP8sUn80qq7sDYGkCs'],
      bad: ['REPLICATE_API_TOKEN=r8_bJzb22DjwPw4h53qvCBs', 'REPLICATE_API_TOKEN=r8_iu2lJfkNH4gBudM1oBouDgz1Rd9BmoKxBo7O0XedmYErk'],
    },
  }),
  aiKey({
    // xAI (Grok) API key: `xai-` + 80 alphanumerics.
    id: 'xai-api-key',
    title: 'xAI API key',
    provider: 'xAI',
    prefix: 'xai-',
    body: 'xai-[0-9A-Za-z]{80}',
    samples: {
      good: ['xai-HcvNnrgEZhrkxLIfSo8oopeSz9NCj4jKWu1rjcSrLlswsahwcrRg5vCyGSbWEWxQLEBtPe33sj9xge2T', 'xai-YjAZC6QrThcRwg4IPPxnu4vVthpsYwfsHCDXYYz01lPkNUic1EsRgmrb5ZMDCylH0MRjLM4ZttEqSlfb'],
      bad: ['XAI_API_KEY=xai-PIIYsC5EqNNRHPSMb3LFQ6Fid0lH6rWksHgB1DB5', 'XAI_API_KEY=xai-wfupIRYDeoJ2haqWeepi2g0jGHa1zZ9TtcLBdq60VRoGcFuOvHEnbLWLpR9rvioBy8LPgVUd4mjAWET49UQvbV4H5l'],
    },
  }),
  aiKey({
    // OpenRouter API key: `sk-or-v1-` + 64 hex.
    id: 'openrouter-api-key',
    title: 'OpenRouter API key',
    provider: 'OpenRouter',
    prefix: 'sk-or-v1-',
    body: 'sk-or-v1-[0-9a-f]{64}',
    entropy: 3.2,
    samples: {
      good: ['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', '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'],
      bad: ['OPENROUTER_API_KEY=sk-or-v1-ceb04ec76e618206bdd626fea42995c9', 'OPENROUTER_API_KEY=sk-or-v2-f354edd14068fcf518518b289939ca6883422bc50efce2f35c044411b428d5b2'],
    },
  }),
  aiKey({
    // Fireworks AI API key: `fw_` + 24 alphanumerics.
    id: 'fireworks-api-key',
    title: 'Fireworks AI API key',
    provider: 'Fireworks AI',
    prefix: 'fw_',
    body: 'fw_[0-9A-Za-z]{24}',
    entropy: 3.8,
    samples: {
      good: ['fw_Ss77CWxzaNLLdmBok3iiNGje', 'fw_ey5QVWOsjo5aTQ0kGEWUYg8r'],
      bad: ['FIREWORKS_API_KEY=fw_RvxCiUhboZg5', 'const fw_update_handler_for_device = 1;'],
    },
  }),
  aiKey({
    // LangSmith API key: `lsv2_pt_` (personal) or `lsv2_sk_` (service) + 32 hex + `_` + 10 hex.
    id: 'langsmith-api-key',
    title: 'LangSmith API key',
    provider: 'LangChain',
    prefix: 'lsv2_',
    body: 'lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}',
    entropy: 3.2,
    samples: {
      good: ['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', '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'],
      bad: ['LANGSMITH_API_KEY=lsv2_pt_dfc4b0c43d3a7c809dd4b10403b7be17', 'LANGSMITH_API_KEY=lsv2_xx_73df9c5c9e8bef3277cc0bbb1e5017ee_fd0fc68982'],
    },
  }),
  aiKey({
    // Pinecone API key: `pcsk_` + short key id + `_` + secret.
    id: 'pinecone-api-key',
    title: 'Pinecone API key',
    provider: 'Pinecone',
    prefix: 'pcsk_',
    body: 'pcsk_[0-9A-Za-z]{4,8}_[0-9A-Za-z]{50,80}',
    samples: {
      good: ['pcsk_JN0ksL_hizrxOkR6hXgldXqJHf9XJopvsCQqp5KoQ76pPNgpaGVYPEoIQyva3y6ORNaHZF', 'pcsk_vN1Xp_P9fnY8h4nASkF3xX1wruZBNhyOMyDiSibVwSrEsEkIWh3UnfWUTVxUYjDvW1HAw'],
      bad: ['PINECONE_API_KEY=pcsk_5rbAqo_1U3HGuiXauQ4iEGoGsim', 'PINECONE_API_KEY=pcsk_k2GPYSHRaJgawTNeiV3gI05YwG8gCjRrBOJlcmOS86UXmoz5ATB7e0el15STEWMVUrzxgE'],
    },
  }),
  aiKey({
    // NVIDIA API catalog / NIM key: `nvapi-` + 64 base64url.
    id: 'nvidia-api-key',
    title: 'NVIDIA API key',
    provider: 'NVIDIA',
    prefix: 'nvapi-',
    body: 'nvapi-[0-9A-Za-z_\\-]{64}',
    samples: {
      good: ['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', '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'],
      bad: ['NVIDIA_API_KEY=nvapi-eWKNVq7l6PuGrl6rAe42SGctfKC2qF', 'NVIDIA_API_KEY=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'],
    },
  }),
  aiKey({
    // Langfuse secret key: `sk-lf-` + UUID (the `pk-lf-` public key is not secret).
    id: 'langfuse-secret-key',
    title: 'Langfuse secret key',
    provider: 'Langfuse',
    prefix: 'sk-lf-',
    body: `sk-lf-${UUID}`,
    entropy: 3,
    samples: {
      good: ['sk-lf-7d406993-bfac-ab1b-574e-d1af34c922fe', 'sk-lf-d5b15318-3717-f6ae-3070-a993da20541e'],
      bad: ['LANGFUSE_PUBLIC_KEY=pk-lf-39668135-c0d5-e122-9c6a-690058f10b78', 'LANGFUSE_SECRET_KEY=sk-lf-4e099e91'],
    },
  }),
  {
    // Cohere API key: 40 alphanumerics next to a Cohere name.
    id: 'cohere-api-key',
    title: 'Cohere API key',
    provider: 'Cohere',
    level: 'error',
    keywords: lower(COHERE_WORDS),
    pattern: near(COHERE_WORDS, '[0-9A-Za-z]{40}'),
    entropy: 4,
    samples: {
      positive: [at('COHERE_API_KEY=§', 'dRNtzMl8nycQc9LklFLLie87qIelncdJLTCS4wqo'), at("co = cohere.Client('§')", 'jfiEmmI5lFDddUKgklHbQFxis5ctXw4Ja11yytJq', 'rerank.py')],
      negative: ['COHERE_API_KEY=c20JznbvjurB0BeKUapk', 'COHERE_MODEL=command-r-plus-08-2024'],
    },
  },
  {
    // Mistral API key: 32 alphanumerics next to a Mistral name.
    id: 'mistral-api-key',
    title: 'Mistral AI API key',
    provider: 'Mistral AI',
    level: 'error',
    keywords: lower(MISTRAL_WORDS),
    pattern: near(MISTRAL_WORDS, '[0-9A-Za-z]{32}'),
    entropy: 4,
    samples: {
      positive: [at('MISTRAL_API_KEY=§', 'ncEsUr8D0J18thZqqauIsbmaEwX5rOyT'), at("client = Mistral(api_key='§')", 'fLJPOxkVFAIPA9IOgWvmBuaNEnuMFm9l', 'chat.py')],
      negative: ['MISTRAL_API_KEY=3fNRgmjKZNm3f8TS', 'MISTRAL_MODEL=mistral-large-latest'],
    },
  },
  {
    // Together AI API key: 64 hex next to a Together name.
    id: 'together-api-key',
    title: 'Together AI API key',
    provider: 'Together AI',
    level: 'error',
    keywords: lower(TOGETHER_WORDS),
    pattern: near(TOGETHER_WORDS, '(?:tgp_v1_[0-9A-Za-z_\\-]{43}|[0-9a-f]{64})'),
    entropy: 3.2,
    samples: {
      positive: [at('TOGETHER_API_KEY=§', 'e27dfc34a37218e02d44beb031edc31af63cffdaa909fb85ab52be98e31752bb'), at('together_api_key: "§"', 'tgp_v1_33MtkzNC6Gsvamsi5FdmsseWzChwEQ1_N7SymAt8997', 'llm.yml')],
      negative: ['TOGETHER_API_KEY=26304e1ea039fd1c9d1c7e3cbc79fbb9', 'TOGETHER_BASE_URL=https://api.together.xyz/v1'],
    },
  },
  {
    // DeepSeek API key: `sk-` + 32 hex next to a DeepSeek name.
    id: 'deepseek-api-key',
    title: 'DeepSeek API key',
    provider: 'DeepSeek',
    level: 'error',
    keywords: lower(DEEPSEEK_WORDS),
    pattern: near(DEEPSEEK_WORDS, 'sk-[0-9a-f]{32}'),
    entropy: 3.2,
    redactPrefix: 'sk-',
    samples: {
      positive: [at('DEEPSEEK_API_KEY=§', 'sk-3ada7cb9a324706cf2b756269068f213'), at("deepseek_client = OpenAI(api_key='§')", 'sk-e681642136ce1c174530f245d363787a', 'ds.py')],
      negative: ['DEEPSEEK_API_KEY=sk-5712ef863100fdad0df9', 'DEEPSEEK_API_KEY=sk-gTyZkSD0fPiYtHV1UWgdciIfJaWQMwZb'],
    },
  },
  {
    // ElevenLabs API key: `sk_` + 48 hex (current) or 32 hex (older), next to an ElevenLabs name.
    id: 'elevenlabs-api-key',
    title: 'ElevenLabs API key',
    provider: 'ElevenLabs',
    level: 'error',
    keywords: lower(ELEVENLABS_WORDS),
    pattern: near(ELEVENLABS_WORDS, '(?:sk_[0-9a-f]{48}|[0-9a-f]{32})'),
    entropy: 3.2,
    samples: {
      positive: [at('ELEVENLABS_API_KEY=§', 'sk_0928f22577cbc98fb1abe563e9719d60bbca2fe1d4838f71'), at("headers = {'xi-api-key': '§'}", '881795438c1d697554da2368ce21527c', 'tts.py')],
      negative: ['ELEVENLABS_API_KEY=sk_77a3302e1c0d0c2d2b94', 'ELEVENLABS_VOICE_ID=21m00Tcm4TlvDq8ikWAM'],
    },
  },
  {
    // Weights & Biases API key: 40 hex next to a wandb name.
    id: 'wandb-api-key',
    title: 'Weights & Biases API key',
    provider: 'Weights & Biases',
    level: 'error',
    keywords: lower(WANDB_WORDS),
    pattern: near(WANDB_WORDS, '[0-9a-f]{40}'),
    entropy: 3.2,
    samples: {
      positive: [at('WANDB_API_KEY=§', '86af98e12cbd437d49bc458f11ce063239f4eaa0'), at("wandb.login(key='§')", '1c05f4e0a4016ffe97b14ba9bdbdf62f3300fd9d', 'train.py')],
      negative: ['WANDB_API_KEY=1f4f5b7f4edf28a97388f5e2bc6d2f35', 'WANDB_PROJECT=acme-llm'],
    },
  },
  {
    // AssemblyAI API key: 32 hex next to an AssemblyAI name.
    id: 'assemblyai-api-key',
    title: 'AssemblyAI API key',
    provider: 'AssemblyAI',
    level: 'error',
    keywords: lower(ASSEMBLYAI_WORDS),
    pattern: near(ASSEMBLYAI_WORDS, '[0-9a-f]{32}'),
    entropy: 3.2,
    samples: {
      positive: [at('ASSEMBLYAI_API_KEY=§', '8c3dd1c93067c377723ba62284c3d5ac'), at("assemblyai_key: '§'", 'c94d42498215b693ad8df5fa68b114ca', 'stt.yml')],
      negative: ['ASSEMBLYAI_API_KEY=eaafaa068eadb57e', 'ASSEMBLYAI_REGION=eu'],
    },
  },
  {
    // Deepgram API key: 40 hex next to a Deepgram name.
    id: 'deepgram-api-key',
    title: 'Deepgram API key',
    provider: 'Deepgram',
    level: 'error',
    keywords: lower(DEEPGRAM_WORDS),
    pattern: near(DEEPGRAM_WORDS, '[0-9a-f]{40}'),
    entropy: 3.2,
    samples: {
      positive: [at('DEEPGRAM_API_KEY=§', '7fcccc74f8eeb19cb3239188c682e0712089c194'), at("const deepgram = createClient('§');", '4653decb8d107b440ac37730cd9c30b22e28e39a', 'stt.ts')],
      negative: ['DEEPGRAM_API_KEY=7839c7a2ec3ad9a387b74b2db938f740', 'DEEPGRAM_MODEL=nova-2'],
    },
  },
  {
    // Stability AI API key: `sk-` + 48 alphanumerics next to a Stability name.
    id: 'stability-api-key',
    title: 'Stability AI API key',
    provider: 'Stability AI',
    level: 'error',
    keywords: lower(STABILITY_WORDS),
    pattern: near(STABILITY_WORDS, 'sk-[0-9A-Za-z]{48}'),
    entropy: 4,
    redactPrefix: 'sk-',
    samples: {
      positive: [at('STABILITY_API_KEY=§', 'sk-EkCFfP1KIVNHlwilF7Q9FwAwtVUaOB6UO10qa04kMKw39kTQ'), at("stability_key: '§'", 'sk-DafraSzNCOM9t2DAkGEYHbEuplcqDCgZobdDV2dLMFWx9DiN', 'img.yml')],
      negative: ['STABILITY_API_KEY=sk-1IqQ3x57f2NMi4lDdSEu', 'STABILITY_ENGINE=stable-diffusion-xl-1024-v1-0'],
    },
  },
  {
    // Azure OpenAI resource key: 32 hex (older) or 84 base62 (current) next to an Azure OpenAI name.
    id: 'azure-openai-api-key',
    title: 'Azure OpenAI API key',
    provider: 'Azure',
    level: 'error',
    keywords: lower(AZURE_OPENAI_WORDS),
    pattern: near(AZURE_OPENAI_WORDS, '(?:[0-9a-f]{32}|[0-9A-Za-z]{84})'),
    entropy: 3.2,
    samples: {
      positive: [at('AZURE_OPENAI_API_KEY=§', 'b49b6375836f6fbd37ff195d624fea28'), at('azure_openai_key: "§"', 'JEkLQl9UC2K4MUu3JLbhCxOetzd8EL7vx8YZsRHqTLZ9oou0Dhf3WPDLaK7fsO8OfWY6YD6yEwdW4DNfd9sT', 'llm.yml')],
      negative: ['AZURE_OPENAI_API_KEY=7ce9779d93955a80d48c', 'AZURE_OPENAI_ENDPOINT=https://acme.openai.azure.com/'],
    },
  },
];
