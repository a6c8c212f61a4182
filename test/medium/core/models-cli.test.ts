/**
 * `dubarr models list|pull|remove|verify`, the real CLI in child processes, against the fake
 * Hugging Face server (models.hfEndpoint) with a catalogue of the test's own (models.catalogue):
 * lines with the id first, a pull with HF_TOKEN from the environment that the CDN never sees,
 * coded errors and exit codes, a progress bar on a terminal (script(1) gives the CLI a pty).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readCatalogue, type ModelEntry } from '../../../plugins/sdk/models.js';
import { distinctBytes, FakeHuggingFace, sha256, type FakeRepo } from '../../fixtures/fake-hugging-face.js';
import { entryFor } from '../../fixtures/model-manager-kit.js';
import { CLI, exited } from './cli-harness.js';

interface Run { code: number | null; out: string; err: string }

async function setup() {
  const hf = await FakeHuggingFace.start();
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-models-cli-'));
  const gated: FakeRepo = { revision: 'a'.repeat(40), token: 'hf_cli_secret_token', files: { 'encoder.onnx': distinctBytes(250_000, 'cli-enc'), 'config.json': Buffer.from('{"n": 1}') }, small: ['config.json'] };
  const voice: FakeRepo = { revision: 'b'.repeat(40), files: { 'voice.onnx': distinctBytes(90_000, 'cli-voice') } };
  hf.repo('org/whisper-tiny-test', gated).repo('org/voice', voice);
  const catalogue: ModelEntry[] = [
    entryFor('whisper-test', 'org/whisper-tiny-test', gated, { gated: true, sizeMb: 0.25, languages: ['en', 'es'], license: 'MIT', improves: 'speech recognition: Whisper instead of pocketsphinx' }),
    entryFor('voice-test', 'org/voice', voice, { task: 'tts', provider: 'piper', sizeMb: 63, languages: ['es'], license: 'CC-BY-4.0', improves: 'voices: Piper instead of espeak-ng' }),
    entryFor('broken-test', 'org/voice', voice, { files: [{ path: 'voice.onnx', sha256: sha256(Buffer.from('something else')), size: 90_000 }], pairs: [['en', 'es']] }),
  ];
  await writeFile(join(dir, 'catalogue.yaml'), stringify({ models: catalogue }));
  await writeFile(join(dir, 'dubarr.yaml'), [
    `dataDir: ${join(dir, 'data')}`, 'log: { level: warn }', 'watch: { enabled: false }',
    `models: { hfEndpoint: "${hf.endpoint}", catalogue: ${join(dir, 'catalogue.yaml')} }`,
  ].join('\n'));
  // The developer's own Hugging Face or dubarr settings must not reach the child.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HF_') && !k.startsWith('DUBARR_')));
  const run = async (args: string[], env: Record<string, string> = {}): Promise<Run> => {
    const p = spawn(process.execPath, [CLI, '--config', join(dir, 'dubarr.yaml'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...base, ...env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    return { code: await exited(p), out, err };
  };
  const modelsDir = join(dir, 'data', 'models');
  return { hf, dir, run, modelsDir, gated, async close() { await hf.close(); await rm(dir, { recursive: true, force: true }); } };
}

test('models list/pull/verify/remove: one model a line with its id first; a pull with HF_TOKEN (never shown, never sent to the CDN); coded errors exit 1', async () => {
  const s = await setup();
  try {
    const before = await s.run(['models', 'list']);
    assert.equal(before.code, 0, before.err);
    const all = before.out.trimEnd().split('\n');
    // The user's catalogue is merged over the shipped one: every shipped model is listed too.
    const shipped = readCatalogue().map((m) => m.id);
    assert.deepEqual(all.map((l) => l.split(/\s+/)[0]), [...shipped, 'broken-test', 'voice-test', 'whisper-test'].sort());
    const lines = all.filter((l) => /^(broken|voice|whisper)-test\s/.test(l));
    assert.match(lines[2]!, /^whisper-test\s+asr\s+not installed\s+1 MB\s+en,es\s+MIT\s+speech recognition: Whisper instead of pocketsphinx$/);
    assert.match(lines[1]!, /^voice-test\s+tts\s+not installed\s+63 MB\s+es\s+CC-BY-4\.0\s+voices: Piper/);
    assert.match(lines[0]!, /\sen>es\s/);

    const anonymous = await s.run(['models', 'pull', 'whisper-test']);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.err, /^error E_MODEL_AUTH: .*HF_TOKEN/m);
    assert.match(anonymous.err, /^hint: .*accept its licence/m);

    s.hf.requests.length = 0;
    const pulled = await s.run(['models', 'pull', 'whisper-test', 'voice-test'], { HF_TOKEN: 'hf_cli_secret_token' });
    assert.equal(pulled.code, 0, pulled.err);
    assert.match(pulled.out, /^installed whisper-test in .*whisper-test$/m);
    assert.match(pulled.out, /^installed voice-test in /m);
    assert.match(pulled.err, /^pull whisper-test: 100% \(0\.3 of 0\.3 MB, /m, 'progress lines off a terminal');
    assert.doesNotMatch(pulled.out + pulled.err, /hf_cli_secret_token/);
    const cdn = s.hf.requests.filter((r) => r.server === 'cdn');
    assert.equal(cdn.length, 2);
    assert.ok(cdn.every((r) => r.headers.authorization === undefined), 'the CDN never got the token');
    assert.ok(s.hf.requests.filter((r) => r.server === 'hub' && r.path.includes('whisper-tiny-test')).every((r) => r.headers.authorization === 'Bearer hf_cli_secret_token'));
    assert.deepEqual(await readFile(join(s.modelsDir, 'whisper-test', 'encoder.onnx')), s.gated.files['encoder.onnx']);

    const after = await s.run(['models', 'list']);
    assert.match(after.out, /^whisper-test\s+asr\s+installed\s/m);
    assert.match(after.out, /^broken-test\s+asr\s+not installed\s/m);
    const json = JSON.parse((await s.run(['models', 'list', '--json'])).out) as Array<{ id: string; installed: boolean }>;
    assert.deepEqual(json.filter((m) => m.id.endsWith('-test')).map((m) => [m.id, m.installed]), [['broken-test', false], ['voice-test', true], ['whisper-test', true]]);
    assert.ok(json.filter((m) => !m.id.endsWith('-test')).every((m) => !m.installed), 'no shipped model is installed');
    const again = await s.run(['models', 'pull', 'voice-test']);
    assert.match(again.out, /voice-test is already installed/);

    const bad = await s.run(['models', 'pull', 'broken-test']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^error E_MODEL_CHECKSUM: voice\.onnx of org\/voice has sha256 /m);
    assert.ok(!(await s.run(['models', 'list'])).out.includes('partial'), 'nothing of it left');

    const offline = await s.run(['models', 'pull', 'broken-test'], { DUBARR_MODELS_OFFLINE: 'true' });
    assert.equal(offline.code, 1);
    assert.match(offline.err, /^error E_MODELS_OFFLINE: /m);

    const ok = await s.run(['models', 'verify']);
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(ok.out.trimEnd().split('\n'), ['voice-test  ok, 1 files', 'whisper-test  ok, 2 files']);
    const file = join(s.modelsDir, 'voice-test', 'voice.onnx');
    const bytes = await readFile(file);
    bytes[10] ^= 0xff;
    await writeFile(file, bytes);
    const failed = await s.run(['models', 'verify', 'voice-test']);
    assert.equal(failed.code, 1);
    assert.match(failed.out, /^voice-test {2}FAILED\n {2}voice\.onnx: sha256 [0-9a-f]{64}, the manifest says /);
    assert.match(failed.err, /^error E_MODEL_CHECKSUM: voice-test failed verification: dubarr models remove voice-test && dubarr models pull voice-test/m);

    const removed = await s.run(['models', 'remove', 'voice-test']);
    assert.equal(removed.out, 'removed voice-test\n');
    assert.match((await s.run(['models', 'list'])).out, /^voice-test\s+tts\s+not installed/m);
    const nothing = await s.run(['models', 'remove', 'voice-test']);
    assert.equal(nothing.code, 1);
    assert.match(nothing.err, /E_MODEL_MISSING/);
    const badId = await s.run(['models', 'pull', '../etc']);
    assert.equal(badId.code, 2);
  } finally {
    await s.close();
  }
});

test('models pull on a terminal draws a progress bar', async () => {
  const s = await setup();
  try {
    // script(1) runs the command on a pseudo-terminal, so stderr is a TTY.
    const cmd = [process.execPath, CLI, '--config', join(s.dir, 'dubarr.yaml'), 'models', 'pull', 'voice-test'].map((a) => `'${a}'`).join(' ');
    const p = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    assert.equal(await exited(p), 0, out);
    assert.match(out, /voice-test [\u2588\u2591]+ 100% \| 0\.1\/0\.1 MB \| voice\.onnx/);
    assert.match(out, /installed voice-test in /);
    assert.doesNotMatch(out, /^pull voice-test: /m, 'no progress lines on a terminal');
  } finally {
    await s.close();
  }
});
