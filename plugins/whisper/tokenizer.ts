/**
 * Token ids to text for Whisper's byte-level BPE vocabulary (tokenizer.json). The provider
 * only decodes (it never conditions on a text prompt), so it needs no merges: each token is a
 * string of GPT-2's byte-to-character alphabet, mapped back to bytes and read as UTF-8.
 * Special tokens (<|en|>, <|0.00|>, ...) come from added_tokens and never reach the text.
 */
import { z } from 'zod';

const TokenizerJson = z.object({
  added_tokens: z.array(z.object({ id: z.int(), content: z.string(), special: z.boolean().optional() })).default([]),
  model: z.object({ vocab: z.record(z.string(), z.int()) }),
});

/** GPT-2's reversible map from bytes to printable characters, inverted. */
function byteDecoder(): Map<string, number> {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const map = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const ch = printable.includes(b) ? b : 256 + extra++;
    map.set(String.fromCodePoint(ch), b);
  }
  return map;
}

const BYTES = byteDecoder();
const utf8 = new TextDecoder('utf-8', { fatal: false });

export class WhisperTokenizer {
  private readonly text: Array<string | undefined> = [];
  private readonly special = new Map<string, number>();

  constructor(json: unknown) {
    const t = TokenizerJson.parse(json);
    for (const [s, id] of Object.entries(t.model.vocab)) this.text[id] = s;
    for (const a of t.added_tokens) {
      this.special.set(a.content, a.id);
      this.text[a.id] = undefined;
    }
  }

  /** The id of a special token such as '<|nospeech|>', if the vocabulary has it. */
  specialId(content: string): number | undefined {
    return this.special.get(content);
  }

  /** Bytes of the text tokens (special ones skipped), for joining tokens before decoding. */
  bytes(ids: readonly number[]): Uint8Array {
    const out: number[] = [];
    for (const id of ids) {
      const s = this.text[id];
      if (s === undefined) continue;
      for (const ch of s) {
        const b = BYTES.get(ch);
        if (b !== undefined) out.push(b);
      }
    }
    return Uint8Array.from(out);
  }

  decode(ids: readonly number[]): string {
    return utf8.decode(this.bytes(ids));
  }
}
