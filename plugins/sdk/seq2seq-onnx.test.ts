import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installTinyMarian, installTinyNllb } from '../../test/fixtures/tiny-translators.js';
import { onnxSession } from './onnx-session.js';
import { generate, readSeq2SeqConfig, type GenerateOptions, type Seq2SeqConfig, type Seq2SeqSessions } from './seq2seq-onnx.js';
import { loadSeq2SeqTokenizer, type Seq2SeqTokenizer } from './seq2seq-tokenizer.js';

// The tiny models' rules (test/fixtures/onnx/translate_tiny.py): words by a table, a padded
// position read through a wrong mask writes BAD, "again" repeats the output two tokens back
// (from the KV cache), "bank" is banco by greedy search and orilla by a beam of 2.
interface Loaded { sessions: Seq2SeqSessions; config: Seq2SeqConfig; tokenizer: Seq2SeqTokenizer }
let root: string;
let marian: Loaded;
let nllb: Loaded;

async function load(dir: string): Promise<Loaded> {
  const json = async (name: string) => JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
  return {
    sessions: {
      encoder: (await onnxSession(join(dir, 'onnx/encoder_model.onnx'))).session,
      decoder: (await onnxSession(join(dir, 'onnx/decoder_model_merged.onnx'))).session,
    },
    config: readSeq2SeqConfig(await json('config.json'), await json('generation_config.json')),
    tokenizer: await loadSeq2SeqTokenizer(dir),
  };
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'dubarr-seq2seq-'));
  marian = await load(await installTinyMarian(root));
  nllb = await load(await installTinyNllb(root));
});
after(() => rm(root, { recursive: true, force: true }));

const run = async (m: Loaded, texts: string[], o: Partial<GenerateOptions> & { language?: string } = {}) => {
  const out = await generate(m.sessions, m.config, texts.map((t) => m.tokenizer.encode(t, o.language)), {
    beams: 1, maxNewTokens: (n) => 2 * n + 10, ...o,
  });
  return out.map((ids) => m.tokenizer.decode(ids));
};

test('config: the special ids and cache shape come from config.json and generation_config.json', () => {
  assert.equal(marian.config.decoderStartTokenId, marian.tokenizer.tokenId('<pad>'), 'opus-mt starts decoding with its pad token');
  assert.equal(marian.config.eosTokenId, 0);
  assert.deepEqual(marian.config.suppressTokenIds, [marian.tokenizer.tokenId('<pad>')], 'bad_words_ids: the pad token is never generated');
  assert.equal(nllb.config.decoderStartTokenId, nllb.tokenizer.tokenId('</s>'), 'NLLB starts decoding with </s>');
  assert.equal(marian.config.headDim * marian.config.decoderHeads, 2 * marian.config.headDim);
});

test('tokenizer: opus-mt appends </s>; NLLB puts the source language token first', () => {
  const eos = marian.tokenizer.tokenId('</s>')!;
  const ids = marian.tokenizer.encode('hello friend.');
  assert.deepEqual(ids.slice(-1), [eos]);
  assert.equal(ids.length, 4, '▁hello ▁friend . </s>');
  const n = nllb.tokenizer.encode('hello friend.', 'spa_Latn');
  assert.equal(n[0], nllb.tokenizer.tokenId('spa_Latn'));
  assert.equal(n[n.length - 1], nllb.tokenizer.tokenId('</s>'));
  assert.equal(nllb.tokenizer.decode(n), 'hello friend.', 'special tokens (language, end) are left out of text');
  assert.equal(marian.tokenizer.represents('Zorblax 123'), true);
  assert.equal(marian.tokenizer.represents('⟦0⟧'), false, 'the glossary\'s brackets are unknown to the model');
});

test('greedy decoding through the KV cache: words by the table, "again" read back from the cache', async () => {
  assert.deepEqual(await run(marian, ['hello friend again.', 'the house is big', 'Zorblax 123']),
    ['hola amigo hola.', 'el casa es grande', 'Zorblax 123']);
});

test('batched = one by one: padding and masks leave every unit as it is alone', async () => {
  const texts = ['hello', 'the bank by river.', 'my brother works at the hospital near the river again.', 'big dog', 'hello friend again.'];
  const alone = [];
  for (const t of texts) alone.push(...(await run(marian, [t])));
  const batched = await run(marian, texts);
  assert.deepEqual(batched, alone);
  assert.ok(batched.every((t) => !t.includes('BAD')), `a padded position leaked: ${batched.join(' | ')}`);
  assert.equal(batched[2], 'mi hermano trabaja en el hospital cerca el río el.');
  const beams = await run(marian, texts, { beams: 3 });
  assert.deepEqual(beams.filter((_, i) => i !== 1), alone.filter((_, i) => i !== 1), 'a sharp model gives the same with beams');
});

test('beam search finds the better sentence greedy search misses', async () => {
  assert.deepEqual(await run(marian, ['the bank by river.']), ['el banco junto río.']);
  assert.deepEqual(await run(marian, ['the bank by river.'], { beams: 2 }), ['el orilla junto río.']);
  assert.deepEqual(await run(marian, ['hello', 'the bank by river.', 'big dog'], { beams: 2 }), ['hola', 'el orilla junto río.', 'grande perro']);
});

test('the forced first token picks NLLB\'s target language, read back from the cache at every step', async () => {
  const text = ['hello my friend, the house is big.'];
  const forced = (lang: string) => run(nllb, text, { language: 'eng_Latn', forcedFirstTokenId: nllb.tokenizer.tokenId(lang) });
  assert.deepEqual(await forced('spa_Latn'), ['hola mi amigo, el casa es grande.']);
  assert.deepEqual(await forced('fra_Latn'), ['bonjour mon ami, la maison est grande.']);
  assert.deepEqual(await forced('deu_Latn'), ['hallo mein Freund, das Haus ist groß.']);
});

test('the output length is capped by the source length, and the cap ends with the end token', async () => {
  assert.deepEqual(await run(marian, ['hello friend again.'], { maxNewTokens: () => 3 }), ['hola amigo']);
  assert.deepEqual(await run(marian, ['hello friend again.'], { maxNewTokens: () => 1 }), ['']);
});

test('time inside session.run is counted', async () => {
  const timing = { sessionRunMs: 0, runs: 0 };
  await run(marian, ['hello friend.'], { timing });
  assert.equal(timing.runs, 1 + 4, 'one encoder run, then one decoder run per token (hola amigo . </s>)');
  assert.ok(timing.sessionRunMs > 0);
});
