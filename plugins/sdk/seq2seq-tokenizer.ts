/**
 * A translation model's tokenizer, read from its `tokenizer.json` (and `tokenizer_config.json`)
 * by @huggingface/tokenizers: SentencePiece Unigram for opus-mt (Metaspace pieces), SentencePiece
 * BPE for NLLB-200 and M2M-100.
 *
 * The special tokens around a source text follow the file's TemplateProcessing post-processor
 * (opus-mt: `text </s>`; NLLB: `<src_lang> text </s>`), with the language token swapped for the
 * source language where the model has language tokens, as Hugging Face's tokenizers do.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { DubarrError } from './errors.js';

type TemplatePiece = { Sequence: { id: string } } | { SpecialToken: { id: string } };

export interface Seq2SeqTokenizer {
  /** Source token ids with the model's special tokens; `languageToken` replaces the template's. */
  encode(text: string, languageToken?: string): number[];
  /** Text of generated ids, special tokens (end, language codes) left out. */
  decode(ids: readonly number[]): string;
  tokenId(token: string): number | undefined;
  /** Whether the text tokenizes without the unknown token (the model can read it all). */
  represents(text: string): boolean;
  /** Special tokens of the vocabulary, for finding language codes. */
  readonly specialTokens: readonly string[];
  /** Every token of the vocabulary (for Marian's >>lang<< target tokens). */
  vocabulary(): IterableIterator<string>;
}

const cache = new Map<string, Promise<Seq2SeqTokenizer>>();

/** The tokenizer of the model in `dir`, parsed once per thread (NLLB's file is ~17 MB). */
export function loadSeq2SeqTokenizer(dir: string): Promise<Seq2SeqTokenizer> {
  let t = cache.get(dir);
  if (!t) {
    t = readTokenizer(dir);
    cache.set(dir, t);
    t.catch(() => cache.delete(dir));
  }
  return t;
}

async function readTokenizer(dir: string): Promise<Seq2SeqTokenizer> {
  const read = async (name: string, required: boolean): Promise<Record<string, any> | undefined> => {
    try {
      return JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, any>;
    } catch (e) {
      if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new DubarrError('E_PROVIDER_UNAVAILABLE', `cannot read ${join(dir, name)}: ${(e as Error).message}; pull the model again (dubarr models pull <id>)`, { cause: e });
    }
  };
  const json = (await read('tokenizer.json', true))!;
  const config = (await read('tokenizer_config.json', false)) ?? {};
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, config);
  } catch (e) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `${join(dir, 'tokenizer.json')} is not a tokenizer this version can read: ${(e as Error).message}`, { cause: e });
  }
  const added = (json.added_tokens ?? []) as Array<{ id: number; content: string; special?: boolean }>;
  const specialTokens = added.filter((t) => t.special).map((t) => t.content);
  const specialIds = new Set(added.filter((t) => t.special).map((t) => t.id));
  const eos = tokenizer.token_to_id(typeof config.eos_token === 'string' ? config.eos_token : '</s>');
  const unk = tokenizer.token_to_id(typeof config.unk_token === 'string' ? config.unk_token : '<unk>');
  const template = json.post_processor?.type === 'TemplateProcessing' ? json.post_processor.single as TemplatePiece[] : undefined;
  const languageLike = (token: string) => /^[a-z]{3}_[A-Z][a-z]{3}$/.test(token) || /^__[a-z]{2,3}__$/.test(token);

  const idOf = (token: string): number => {
    const id = tokenizer.token_to_id(token);
    if (id === undefined) throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the tokenizer in ${dir} has no token ${token}`);
    return id;
  };
  const pieces = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids;

  return {
    specialTokens,
    encode(text, languageToken) {
      const ids = pieces(text);
      if (!template) return eos === undefined ? ids : [...ids, eos];
      const out: number[] = [];
      for (const piece of template) {
        if ('Sequence' in piece) out.push(...ids);
        else out.push(idOf(languageToken !== undefined && languageLike(piece.SpecialToken.id) ? languageToken : piece.SpecialToken.id));
      }
      return out;
    },
    decode(ids) {
      const text = ids.filter((id) => !specialIds.has(id));
      return text.length === 0 ? '' : tokenizer.decode(text, { skip_special_tokens: true }).trim();
    },
    tokenId: (token) => tokenizer.token_to_id(token),
    represents(text) {
      return unk === undefined || !pieces(text).includes(unk);
    },
    vocabulary: () => tokenizer.get_vocab(true).keys(),
  };
}
