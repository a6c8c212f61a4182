/**
 * Pulls against a local server that behaves like Hugging Face (test/fixtures/fake-hugging-face.ts):
 * redirects to a CDN on another origin, ETag / X-Linked-Etag, Range, a gated repository. Each
 * test hands the manager its own catalogue entries with the sha256 of the bytes the fake serves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openModel } from '../../plugins/sdk/models.js';
import { distinctBytes, FakeHuggingFace, sha256, type FakeRepo } from '../../test/fixtures/fake-hugging-face.js';
import { codedError, entryFor, withFake } from '../../test/fixtures/model-manager-kit.js';
import { pino } from 'pino';
import { ModelManager } from './model-manager.js';
import type { PullProgress } from './pull-model.js';

const REVISION = '8f6c2a1e0b9d4c3f2e1a0b9c8d7e6f5a4b3c2d1e';

/**
 * Cuts the next response for `path` after `bytes`, once the pull has written them all (its
 * onProgress says so), so the test knows exactly what is on disk when the connection dies.
 */
function cutOnceTaken(hf: FakeHuggingFace, path: string, bytes: number): (p: PullProgress) => void {
  let taken!: () => void;
  hf.cut(path, bytes, new Promise<void>((r) => { taken = r; }));
  return (p) => { if (p.file === path && p.fileBytes >= bytes) taken(); };
}

test('a gated repository: 401 without a token and 403 with a wrong one are E_MODEL_AUTH (no token in any message, nothing left); with HF_TOKEN the pull follows a rename (307) and the hub\'s 302 to the CDN, and the token reaches the hub only', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const repo: FakeRepo = {
      revision: REVISION, token: 'hf_right_token',
      files: { 'model.onnx': distinctBytes(300_000, 'gated'), 'config.json': Buffer.from('{"d_model": 8}\n') },
      small: ['config.json'],
    };
    hf.repo('org/gated-model', repo).rename('org/old-name', 'org/gated-model');
    catalogue.push(entryFor('gated-asr', 'org/old-name', repo, { gated: true }));

    const anonymous = await codedError(kit.manager().pull('gated-asr'), 'E_MODEL_AUTH');
    assert.match(anonymous.message, /HF_TOKEN/);
    assert.match(anonymous.message, /licence/);
    assert.deepEqual(await kit.contents(), [], 'nothing left behind');
    assert.equal(hf.count('cdn'), 0);

    const wrong = await codedError(kit.manager({ token: 'hf_wrong_token' }).pull('gated-asr'), 'E_MODEL_AUTH');
    assert.match(wrong.message, /refused HF_TOKEN/);
    assert.doesNotMatch(JSON.stringify({ message: wrong.message, details: wrong.details, stack: wrong.stack }), /hf_wrong_token/);

    hf.requests.length = 0;
    const m = kit.manager({ token: 'hf_right_token' });
    const outcome = await m.pull('gated-asr');
    assert.equal(outcome.downloaded, true);
    assert.deepEqual(await kit.contents(), ['gated-asr', 'gated-asr/config.json', 'gated-asr/dubarr-model.json', 'gated-asr/model.onnx']);
    assert.deepEqual(await readFile(join(kit.dir, 'gated-asr', 'model.onnx')), repo.files['model.onnx']);
    const opened = await openModel(join(kit.dir, 'gated-asr'), { task: 'asr', provider: 'whisper' });
    assert.deepEqual(opened.entry, catalogue[0]);

    const hub = hf.requests.filter((r) => r.server === 'hub');
    const cdn = hf.requests.filter((r) => r.server === 'cdn');
    assert.deepEqual(hub.map((r) => [r.path.split('/resolve/')[0], r.status]), [
      ['/org/old-name', 307], ['/org/gated-model', 302], ['/org/old-name', 307], ['/org/gated-model', 200],
    ], 'model.onnx: rename then CDN; config.json: rename then served by the hub');
    assert.ok(hub.every((r) => r.headers.authorization === 'Bearer hf_right_token'), 'the hub got the token on every hop');
    assert.deepEqual(cdn.map((r) => [r.status, r.headers.authorization]), [[200, undefined]], 'the CDN never saw it');

    const again = await m.pull('gated-asr');
    assert.equal(again.downloaded, false);
    assert.equal(hf.count(), 5, 'an installed model is not asked for again');
  });
});

test('a connection cut midway is resumed with Range at the bytes on disk and If-Range with the CDN\'s ETag; the file comes out whole', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const repo: FakeRepo = { revision: REVISION, files: { 'weights.onnx': distinctBytes(1_000_000, 'cut') } };
    hf.repo('org/cut', repo);
    catalogue.push(entryFor('cut-asr', 'org/cut', repo));
    const cut = cutOnceTaken(hf, 'weights.onnx', 300_000);
    const progress: PullProgress[] = [];
    await kit.manager().pull('cut-asr', { onProgress: (p) => { progress.push(p); cut(p); } });

    const [first, second, ...more] = hf.requests.filter((r) => r.server === 'cdn');
    assert.equal(more.length, 0);
    assert.deepEqual([first!.status, first!.sent, first!.headers.range], [200, 300_000, undefined]);
    assert.deepEqual([second!.headers.range, second!.status, second!.sent], ['bytes=300000-', 206, 700_000]);
    assert.match(second!.headers['if-range'] ?? '', /^"cdn-/);
    assert.equal(sha256(await readFile(join(kit.dir, 'cut-asr', 'weights.onnx'))), sha256(repo.files['weights.onnx']!));
    assert.deepEqual(kit.waits, [1000], 'one retry, after the first backoff step');
    assert.ok(progress.every((p, i) => i === 0 || p.bytes >= progress[i - 1]!.bytes), 'progress never goes back');
    assert.deepEqual(progress.at(-1), { id: 'cut-asr', file: 'weights.onnx', fileBytes: 1_000_000, fileTotal: 1_000_000, bytes: 1_000_000, total: 1_000_000 });
    assert.deepEqual(await kit.contents(), ['cut-asr', 'cut-asr/dubarr-model.json', 'cut-asr/weights.onnx']);
  });
});

test('a pull that gives up keeps its bytes; the next one (another process) asks for exactly the rest', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const repo: FakeRepo = { revision: REVISION, files: { 'voice.onnx': distinctBytes(500_000, 'resume') } };
    hf.repo('org/resume', repo);
    catalogue.push(entryFor('resume-tts', 'org/resume', repo, { task: 'tts', provider: 'piper' }));
    const cut = cutOnceTaken(hf, 'voice.onnx', 200_000);
    const first = kit.manager({ retry: { attempts: 1, baseMs: 1000, maxMs: 1000 } });
    await codedError(first.pull('resume-tts', { onProgress: cut }), 'E_MODEL_DOWNLOAD');
    const partial = join(kit.dir, '.partial', 'resume-tts', 'files', 'voice.onnx');
    const onDisk = (await stat(partial)).size;
    assert.equal(onDisk, 200_000);
    assert.equal((await first.get('resume-tts'))?.partialBytes, onDisk);
    assert.equal((await first.get('resume-tts'))?.installed, false);
    await codedError(openModel(join(kit.dir, 'resume-tts')), 'E_MODEL_MISSING');

    await kit.manager().pull('resume-tts');
    const resumed = hf.requests.filter((r) => r.server === 'cdn').at(-1)!;
    assert.equal(resumed.headers.range, `bytes=${onDisk}-`);
    assert.match(resumed.headers['if-range'] ?? '', /^"cdn-/);
    assert.equal(resumed.sent, 500_000 - onDisk);
    assert.deepEqual(await readFile(join(kit.dir, 'resume-tts', 'voice.onnx')), repo.files['voice.onnx']);
    assert.deepEqual(await kit.contents(), ['resume-tts', 'resume-tts/dubarr-model.json', 'resume-tts/voice.onnx']);
  });
});

test('a file that changed on the server since the partial is started over, never spliced: If-Range answered 200 on the hub, a new X-Linked-Etag before the CDN', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const v1 = { 'tokens.txt': distinctBytes(50_000, 'v1-small'), 'model.onnx': distinctBytes(400_000, 'v1-lfs') };
    const v2 = { 'tokens.txt': distinctBytes(50_000, 'v2-small'), 'model.onnx': distinctBytes(400_000, 'v2-lfs') };
    const repo: FakeRepo = { revision: 'main', files: { ...v1 }, small: ['tokens.txt'] };
    hf.repo('org/moving', repo);
    // Two models of the repository, one file each; the catalogue lists v2's files.
    const only = (path: keyof typeof v2) => ({ ...repo, files: { [path]: v2[path] } });
    catalogue.push(entryFor('moving-small', 'org/moving', only('tokens.txt')), entryFor('moving-lfs', 'org/moving', only('model.onnx')));
    // Each first pull gets part of v1 and stops at its cut.
    const once = kit.manager({ retry: { attempts: 1, baseMs: 1, maxMs: 1 } });
    await codedError(once.pull('moving-small', { onProgress: cutOnceTaken(hf, 'tokens.txt', 20_000) }), 'E_MODEL_DOWNLOAD');
    await codedError(once.pull('moving-lfs', { onProgress: cutOnceTaken(hf, 'model.onnx', 150_000) }), 'E_MODEL_DOWNLOAD');
    assert.deepEqual((await kit.contents()).filter((p) => p.includes('files/')), ['.partial/moving-lfs/files/model.onnx', '.partial/moving-small/files/tokens.txt']);

    // The branch moves to v2.
    repo.files = { ...v2 };
    hf.requests.length = 0;
    await kit.manager().pull('moving-small');
    const [small, ...rest] = hf.requests;
    assert.equal(rest.length, 0);
    assert.equal(small!.headers.range, 'bytes=20000-', 'the partial was offered');
    assert.match(small!.headers['if-range'] ?? '', /^"[0-9a-f]{40}"$/, "with v1's ETag");
    assert.equal(small!.status, 200, 'the hub sent all of v2');
    hf.requests.length = 0;
    await kit.manager().pull('moving-lfs');
    const asked = hf.requests.map((r) => [r.server, r.status, r.headers.range]);
    assert.deepEqual(asked, [['hub', 302, 'bytes=150000-'], ['hub', 302, undefined], ['cdn', 200, undefined]],
      'a new X-Linked-Etag on the hub\'s answer: asked again from byte 0, and the CDN sends the whole file');
    assert.deepEqual(await readFile(join(kit.dir, 'moving-small', 'tokens.txt')), v2['tokens.txt']);
    assert.deepEqual(await readFile(join(kit.dir, 'moving-lfs', 'model.onnx')), v2['model.onnx']);
  });
});

test('a wrong checksum is E_MODEL_CHECKSUM and leaves nothing in models.dir, even after a good file; a size that differs fails before the download', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const repo: FakeRepo = { revision: REVISION, files: { 'a.onnx': distinctBytes(120_000, 'good'), 'b.onnx': distinctBytes(80_000, 'served') } };
    hf.repo('org/bad', repo);
    const entry = entryFor('bad-mt', 'org/bad', repo, { task: 'mt', provider: 'marian' });
    catalogue.push({ ...entry, files: [entry.files[0]!, { ...entry.files[1]!, sha256: sha256(distinctBytes(80_000, 'expected')) }] });
    const m = kit.manager();
    const err = await codedError(m.pull('bad-mt'), 'E_MODEL_CHECKSUM');
    assert.match(err.message, /b\.onnx/);
    assert.deepEqual(await kit.contents(), []);
    assert.equal((await m.get('bad-mt'))?.installed, false);
    assert.equal(m.pullState('bad-mt')?.status, 'failed');

    catalogue[0] = { ...entry, files: [entry.files[0]!, { ...entry.files[1]!, size: 90_000 }] };
    hf.requests.length = 0;
    const sized = await codedError(m.pull('bad-mt'), 'E_MODEL_CHECKSUM');
    assert.match(sized.message, /80000 bytes on the server, the catalogue says 90000/);
    assert.equal(hf.requests.filter((r) => r.path.includes('b.onnx') && r.server === 'cdn')[0]?.sent, 80_000, 'the server began sending');
    assert.deepEqual(await kit.contents(), []);
  });
});

test('models.offline: a pull is E_MODELS_OFFLINE and makes no request at all; an installed model still pulls as a no-op', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const repo: FakeRepo = { revision: REVISION, files: { 'm.onnx': distinctBytes(10_000, 'offline') } };
    hf.repo('org/offline', repo);
    catalogue.push(entryFor('offline-asr', 'org/offline', repo));
    let fetches = 0;
    const counting: typeof fetch = (...a) => { fetches++; return fetch(...a); };
    const offline = kit.manager({ offline: true, fetch: counting });
    const err = await codedError(offline.pull('offline-asr'), 'E_MODELS_OFFLINE');
    assert.match(err.message, /models\.offline/);
    await codedError(offline.startPull('offline-asr'), 'E_MODELS_OFFLINE');
    assert.deepEqual([fetches, hf.count()], [0, 0]);
    assert.deepEqual(await kit.contents(), []);

    await kit.manager().pull('offline-asr');
    const before = hf.count();
    assert.equal((await offline.pull('offline-asr')).downloaded, false);
    assert.deepEqual([fetches, hf.count()], [0, before]);
  });
});

test('concurrent pulls of one id: two callers in one process share one download; a second process waits for the first and finds the model installed', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const repo: FakeRepo = { revision: REVISION, files: { 'big.onnx': distinctBytes(600_000, 'shared'), 'small.json': Buffer.from('{}') } };
    hf.repo('org/shared', repo);
    catalogue.push(entryFor('shared', 'org/shared', repo));
    const m = kit.manager();
    const [a, b] = await Promise.all([m.pull('shared'), m.pull('shared')]);
    assert.deepEqual([a.downloaded, b.downloaded], [true, true]);
    assert.equal(hf.requests.filter((r) => r.server === 'cdn').length, 2, 'each file once');
    assert.equal((await m.verify('shared')).ok, true);
    await m.remove('shared');

    // Two managers on one models.dir, as two processes: the first is held mid-file by the server.
    hf.requests.length = 0;
    const held = hf.hold('big.onnx', 100_000);
    const first = kit.manager().pull('shared');
    await held.reached;
    let waiting!: () => void;
    const sawWait = new Promise<void>((r) => { waiting = r; });
    const second = kit.manager().pull('shared', { onWait: (h) => { assert.equal(h.pid, process.pid); waiting(); } });
    await sawWait;
    assert.equal((await kit.manager().get('shared'))?.installed, false, 'not installed while the first pull holds its file');
    held.release();
    const [one, two] = await Promise.all([first, second]);
    assert.deepEqual([one.downloaded, two.downloaded], [true, false]);
    assert.equal(hf.requests.filter((r) => r.server === 'cdn').length, 2, 'the waiting pull downloaded nothing');
    const check = await kit.manager().verify('shared');
    assert.deepEqual([check.ok, check.files.map((f) => f.ok)], [true, [true, true]]);
    assert.deepEqual(await kit.contents(), ['shared', 'shared/big.onnx', 'shared/dubarr-model.json', 'shared/small.json']);
  });
});

test('server errors are retried with doubling waits, then E_MODEL_DOWNLOAD; a server that stops sending fails the attempt; a 404 is not retried', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const repo: FakeRepo = { revision: REVISION, files: { 'w.onnx': distinctBytes(30_000, 'flaky') } };
    hf.repo('org/flaky', repo);
    catalogue.push(entryFor('flaky', 'org/flaky', repo));
    hf.fail('w.onnx', 503, 2);
    await kit.manager().pull('flaky');
    assert.deepEqual(kit.waits, [1000, 2000]);
    await kit.manager().remove('flaky');

    kit.waits.length = 0;
    hf.fail('w.onnx', 500, 10);
    const err = await codedError(kit.manager({ retry: { attempts: 3, baseMs: 100, maxMs: 150 } }).pull('flaky'), 'E_MODEL_DOWNLOAD');
    assert.match(err.message, /answered 500/);
    assert.equal(err.retryable, true);
    assert.deepEqual(kit.waits, [100, 150]);
    assert.deepEqual(await kit.contents(), [], 'no bytes: no staging folder');

    hf.fail('w.onnx', 500, 0);
    hf.stall('w.onnx');
    kit.waits.length = 0;
    const stalled = await codedError(kit.manager({ stallMs: 50, retry: { attempts: 2, baseMs: 1, maxMs: 1 } }).pull('flaky'), 'E_MODEL_DOWNLOAD');
    assert.match(stalled.message, /no data from the server/);
    assert.deepEqual(kit.waits, [1]);

    catalogue.push(entryFor('missing', 'org/flaky', { ...repo, files: { 'nope.onnx': Buffer.from('x') } }));
    hf.requests.length = 0;
    const gone = await codedError(kit.manager().pull('missing'), 'E_MODEL_DOWNLOAD');
    assert.match(gone.message, /404/);
    assert.equal(hf.count(), 1);
  });
});

test('a partial longer than the server\'s file (416) starts over; a file of the wrong size then fails its check and nothing is left', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const repo: FakeRepo = { revision: REVISION, files: { 'short.bin': distinctBytes(300, 'short') } };
    hf.repo('org/short', repo);
    catalogue.push(entryFor('short', 'org/short', repo, { files: [{ path: 'short.bin', sha256: sha256(distinctBytes(500, 'long')), size: 500 }] }));
    const staged = join(kit.dir, '.partial', 'short', 'files');
    await mkdir(staged, { recursive: true });
    await writeFile(join(staged, 'short.bin'), distinctBytes(400, 'long'));
    await codedError(kit.manager().pull('short'), 'E_MODEL_CHECKSUM');
    assert.deepEqual(hf.requests.filter((r) => r.server === 'cdn').map((r) => [r.headers.range, r.status]), [['bytes=400-', 416], [undefined, 200]]);
    assert.deepEqual(await kit.contents(), []);
  });
});

test('a pull cancelled from its progress keeps its bytes and resumes later; the model appears only when whole', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const repo: FakeRepo = { revision: REVISION, files: { 'one.onnx': distinctBytes(400_000, 'one'), 'two.onnx': distinctBytes(400_000, 'two') } };
    hf.repo('org/cancel', repo);
    catalogue.push(entryFor('cancel-me', 'org/cancel', repo));
    const stop = new AbortController();
    const m = kit.manager();
    await codedError(m.pull('cancel-me', { signal: stop.signal, onProgress: (p) => { if (p.file === 'two.onnx') stop.abort(); } }), 'E_CANCELLED');
    assert.equal(m.pullState('cancel-me')?.status, 'cancelled');
    const listing = (await m.list()).find((x) => x.id === 'cancel-me')!;
    assert.deepEqual([listing.installed, listing.partialBytes >= 400_000], [false, true]);
    assert.ok(!(await kit.contents()).includes('cancel-me'), 'no model folder yet');
    await m.pull('cancel-me');
    const one = hf.requests.filter((r) => r.server === 'cdn' && r.path.includes(sha256(repo.files['one.onnx']!)));
    assert.equal(one.length, 1, 'the finished file was not asked for again');
    assert.equal((await m.verify('cancel-me')).ok, true);
  });
});

test('the endpoint: models.hfEndpoint as given (a trailing slash dropped), https://huggingface.co when empty; revision and path encoded as Hugging Face\'s clients do; a redirect loop ends after 10 hops, not retried', async () => {
  const asked: string[] = [];
  const refuse: typeof fetch = async (url) => { asked.push(String(url)); return new Response(null, { status: 401 }); };
  const entry = entryFor('encoded', 'org/model', { revision: 'refs/pr/1', files: { 'onnx/decoder model.onnx': Buffer.from('x') } });
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-endpoint-'));
  try {
    for (const endpoint of ['', 'http://mirror.example/hf/']) {
      const m = new ModelManager({ dir, catalogue: () => [entry], endpoint, token: '', offline: false, log: pino({ level: 'silent' }), fetch: refuse });
      await codedError(m.pull('encoded'), 'E_MODEL_AUTH');
    }
    assert.deepEqual(await readdir(dir), [], 'a refused pull leaves nothing');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.deepEqual(asked, [
    'https://huggingface.co/org/model/resolve/refs%2Fpr%2F1/onnx/decoder%20model.onnx',
    'http://mirror.example/hf/org/model/resolve/refs%2Fpr%2F1/onnx/decoder%20model.onnx',
  ]);

  await withFake(async (hf, kit, catalogue) => {
    hf.rename('org/loop-a', 'org/loop-b').rename('org/loop-b', 'org/loop-a');
    catalogue.push(entryFor('loop', 'org/loop-a', { revision: REVISION, files: { 'm.onnx': Buffer.from('m') } }));
    const err = await codedError(kit.manager().pull('loop'), 'E_MODEL_DOWNLOAD');
    assert.match(err.message, /more than 10 redirects/);
    assert.equal(hf.count(), 11);
    assert.deepEqual(kit.waits, []);
  });
});
