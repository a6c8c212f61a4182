import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../core/config/load.js';
import { corpusBleu } from '../../../core/eval/bleu.js';
import { runEval, type EvalOptions } from '../../../core/eval/run-eval.js';
import { buildTinyModel, installTinyModel, testEntry } from '../../fixtures/tiny-models.js';

// `npm run eval` through the real plugin host, worker pool and stages: the Debian engines on
// the bundled set (speech made by espeak-ng at test time), and a provider that runs an ONNX
// model given by --model.

const run = promisify(execFile);
const evalPlugins = fileURLToPath(new URL('../../eval-plugins', import.meta.url));
const cli = fileURLToPath(new URL('../../../core/cli/eval.js', import.meta.url));

async function withEval(fn: (o: { dir: string; eval(task: EvalOptions['task'], more?: Partial<EvalOptions>): ReturnType<typeof runEval> }) => Promise<void>, models: object = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-eval-test-'));
  try {
    const config = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: dir, models: { dir: join(dir, 'models'), ...models }, plugins: { dirs: [evalPlugins] } } });
    await fn({ dir, eval: (task, more = {}) => runEval({ task, config, ...more }) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('mt: apertium on the bundled sentences gets real BLEU and chrF against the references', async () => {
  await withEval(async ({ eval: evaluate }) => {
    const r = await evaluate('mt', { provider: 'apertium', from: 'en', to: 'es' });
    assert.equal(r.provider, 'apertium');
    assert.equal(r.language, 'en-es');
    assert.equal(r.rows.length, 10);
    assert.ok(r.rows.every((x) => x.hypothesis.length > 0));
    assert.ok(r.rows.some((x) => /\b(el|la|los|en)\b/i.test(x.hypothesis)), 'the translations are Spanish');
    assert.ok(r.bleu! > 5 && r.bleu! < 100, `BLEU ${r.bleu}`);
    assert.ok(r.chrf! > 30 && r.chrf! < 100, `chrF ${r.chrf}`);
    assert.equal(r.bleu, corpusBleu(r.rows.map((x) => x.hypothesis), r.rows.map((x) => x.reference)).score, 'BLEU is of the rows shown');
    assert.ok(r.msPerSentence! > 0);
  });
});

test('asr: pocketsphinx on bundled sentences spoken by espeak-ng gets a WER below 1 and a real-time factor', async () => {
  await withEval(async ({ eval: evaluate }) => {
    const r = await evaluate('asr', { provider: 'pocketsphinx', lang: 'en', limit: 4 });
    assert.equal(r.rows.length, 4);
    assert.ok(r.rows.every((x) => x.audioMs! > 500 && x.ms! > 0));
    assert.ok(r.wer! < 1, `WER ${r.wer}: some words are recognized`);
    assert.ok(r.rows.some((x) => x.hypothesis.split(' ').length > 1));
    assert.ok(r.rtf! > 0);
    assert.deepEqual(r.executionProviders, [], 'no ONNX model ran');
  });
});

test('tts: espeak-ng speech heard back by the best transcriber (pocketsphinx here) gets a round-trip WER below 1', async () => {
  await withEval(async ({ eval: evaluate }) => {
    const r = await evaluate('tts', { provider: 'espeak-ng', lang: 'en', limit: 3 });
    assert.equal(r.transcriber, 'pocketsphinx');
    assert.equal(r.rows.length, 3);
    assert.ok(r.rows.every((x) => x.audioMs! > 500));
    assert.ok(r.wer! < 1, `round-trip WER ${r.wer}`);
    assert.ok(r.rtf! > 0);
  });
});

test('--model runs the plugin its entry names with that model (here an ONNX one on the CPU), on the user\'s clips', async () => {
  await withEval(async ({ dir, eval: evaluate }) => {
    const built = await buildTinyModel('scale.py', ['3']);
    await installTinyModel(join(dir, 'models'), built, { ...testEntry({ id: 'echo-3', task: 'asr', provider: 'onnx-echo' }), files: ['scale.onnx'] });
    await installTinyModel(join(dir, 'models'), await buildTinyModel('scale.py', ['2']), { ...testEntry({ id: 'echo-2', task: 'asr', provider: 'onnx-echo' }), files: ['scale.onnx'] });
    await installTinyModel(join(dir, 'models'), built, { ...testEntry({ id: 'not-asr', task: 'mt', provider: 'onnx-echo' }), files: ['scale.onnx'] });
    const clips = join(dir, 'clips');
    await run('mkdir', ['-p', clips]);
    await run('espeak-ng', ['-w', join(clips, 'three.wav'), 'the the the']);
    await writeFile(join(clips, 'three.txt'), 'the the the\n');
    await run('espeak-ng', ['-w', join(clips, 'untranscribed.wav'), 'no text beside me']);

    // First (the defaults are per thread): its options as configured (model option default echo-3): models.executionProviders is
    // their default, so the provider tried tensorrt first and says why it ran on the CPU.
    const lines: string[] = [];
    const configured = await evaluate('asr', { provider: 'onnx-echo', clips, onLog: (_level, msg) => lines.push(msg) });
    assert.equal(configured.wer, 0);
    assert.ok(lines.some((l) => /^ONNX model echo-3 runs on cpu \(tensorrt: /.test(l)), `models.executionProviders reached the provider in its worker thread: ${lines.join(' | ')}`);
    const three = await evaluate('asr', { model: 'echo-3', clips });
    assert.deepEqual([three.provider, three.model, three.executionProviders], ['onnx-echo', 'echo-3', ['cpu']]);
    assert.deepEqual(three.rows.map((x) => [x.id, x.hypothesis, x.score]), [['three', 'the the the', 0]], 'audio without a transcript is skipped');
    const two = await evaluate('asr', { model: 'echo-2', clips });
    assert.deepEqual(two.rows.map((x) => x.hypothesis), ['the the'], 'the other model ran');
    assert.equal(two.wer, 1 / 3);

    await assert.rejects(evaluate('asr', { model: 'not-asr', clips }), { code: 'E_INVALID_ARGUMENT', message: /the model not-asr is a mt model; `eval asr` needs a asr model/ });
    await assert.rejects(evaluate('asr', { model: 'whisper-nothing', clips }), { code: 'E_MODEL_MISSING' });
    await assert.rejects(evaluate('asr', { model: 'echo-3', provider: 'pocketsphinx', clips }), { code: 'E_INVALID_ARGUMENT', message: /run by the onnx-echo provider, not pocketsphinx/ });
  }, { executionProviders: ['tensorrt', 'cpu'] });
});

test('the command prints a table and ends with one EVAL line', async () => {
  await withEval(async ({ dir }) => {
    const { stdout } = await run(process.execPath, [cli, 'mt', '--provider', 'apertium', '--to', 'ca', '--limit', '3', '--data-dir', dir], { cwd: dir, env: { ...process.env, DUBARR_CONFIG: '' } });
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^sentence\s+chrF\s+translation$/);
    assert.equal(lines.filter((l) => /^(train|door|brother)\s/.test(l)).length, 3);
    assert.match(lines.at(-2)!, /^apertium, en-ca, 3 sentences: BLEU \d+\.\d, chrF \d+\.\d/);
    assert.match(lines.at(-1)!, /^EVAL mt provider=apertium model=- lang=en-ca clips=3 bleu=\d+\.\d\d chrf=\d+\.\d\d ms_per_sentence=[\d.]+ ep=- warmup_ms=\d+$/);
  });
});
