import { Tokenizer } from '@huggingface/tokenizers';

export interface TokenBatch {
  /** Row-major [rows, length] token ids. */
  ids: BigInt64Array;
  mask: BigInt64Array;
  rows: number;
  length: number;
}

/**
 * A Hugging Face tokenizer.json (CLIP's byte-level BPE, WordLevel, WordPiece ...) with the
 * padding and truncation the text encoder needs: every text becomes at most `maxLength` tokens
 * (keeping the end-of-text token, which CLIP pools at), padded to the longest in the batch or
 * to the graph's fixed sequence length.
 */
export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  readonly padId: number;
  private readonly eosId: number | undefined;
  /** The unknown-word token, when the vocabulary has one (WordLevel and WordPiece do, byte-level BPE does not need one). */
  private readonly unkId: number | undefined;
  private readonly specialIds: Set<number>;

  constructor(
    tokenizerJson: Record<string, unknown>,
    tokenizerConfig: Record<string, unknown>,
    readonly maxLength: number,
  ) {
    const model = (tokenizerJson.model ?? {}) as Record<string, unknown>;
    // WordLevel models have no class of their own in tokenizers.js; its fallback reads the
    // unknown token from the tokenizer config, so hand it the model's.
    const config = { ...tokenizerConfig };
    if (config.unk_token === undefined && typeof model.unk_token === 'string') config.unk_token = model.unk_token;
    this.tokenizer = new Tokenizer(tokenizerJson, config);
    const name = (value: unknown): string | undefined =>
      typeof value === 'string' ? value : typeof value === 'object' && value ? ((value as { content?: string }).content ?? undefined) : undefined;
    const padName = name(config.pad_token) ?? name(config.eos_token);
    const pad = padName === undefined ? undefined : this.tokenizer.token_to_id(padName);
    this.padId = pad ?? 0;
    const eosName = name(config.eos_token);
    this.eosId = eosName === undefined ? undefined : this.tokenizer.token_to_id(eosName);
    const unkName = name(config.unk_token);
    this.unkId = unkName === undefined ? undefined : this.tokenizer.token_to_id(unkName);
    const added = Array.isArray(tokenizerJson.added_tokens) ? (tokenizerJson.added_tokens as { id?: number; special?: boolean }[]) : [];
    this.specialIds = new Set(added.filter((t) => t.special && typeof t.id === 'number').map((t) => t.id!));
    if (this.unkId !== undefined) this.specialIds.delete(this.unkId);
  }

  /**
   * Whether every word of `text` is unknown to the vocabulary: the encoder then sees only the
   * unknown token, and every such text gets the same embedding (a CLIP cannot read it).
   */
  unreadable(text: string): boolean {
    if (this.unkId === undefined) return false;
    const ids = (this.tokenizer.encode(text).ids as number[]).filter((id) => !this.specialIds.has(id));
    return ids.length > 0 && ids.every((id) => id === this.unkId);
  }

  encodeOne(text: string): number[] {
    const ids = this.tokenizer.encode(text).ids;
    if (ids.length <= this.maxLength) return ids;
    // Truncate but keep the closing special token in place, as transformers does.
    const cut = ids.slice(0, this.maxLength);
    const last = ids[ids.length - 1];
    if (last !== undefined && last === this.eosId) cut[this.maxLength - 1] = last;
    return cut;
  }

  /** Tokenise a batch; `fixedLength` pads every row to that length (static graph inputs). */
  encodeBatch(texts: string[], fixedLength?: number): TokenBatch {
    const encoded = texts.map((t) => this.encodeOne(t));
    const length = fixedLength ?? Math.max(1, ...encoded.map((e) => e.length));
    const ids = new BigInt64Array(texts.length * length).fill(BigInt(this.padId));
    const mask = new BigInt64Array(texts.length * length);
    encoded.forEach((row, r) => {
      row.slice(0, length).forEach((id, j) => {
        ids[r * length + j] = BigInt(id);
        mask[r * length + j] = 1n;
      });
    });
    return { ids, mask, rows: texts.length, length };
  }

  tokens(text: string): string[] {
    return this.tokenizer.tokenize(text, { add_special_tokens: true });
  }
}
