import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError } from '../sdk/index.js';
import { fakeClock } from '../sdk/fault-server.testkit.js';
import { codedRejection } from '../sdk/testing.js';
import type { ReplicateConnection } from './api.js';
import { startReplicateServer, type ModelBehaviour, type ReplicateContractServer } from './contract-server.testkit.js';
import { downloadOutputs, uploadFile } from './files.js';
import { checkInputNames, forgetModelSchemas, modelInputs } from './model-schema.js';
import type { Prediction } from './prediction.js';
import { runPrediction } from './run-prediction.js';
import { musicModel, MUSIC_VERSION } from './test-models.testkit.js';

const CREATE = /^\/v1\/(models\/[^/]+\/[^/]+\/)?predictions$/;
const POLL = /^\/v1\/predictions\/[^/]+$/;

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'replicate-client-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

function conn(s: ReplicateContractServer, over: Partial<ReplicateConnection> = {}): ReplicateConnection & { clock: ReturnType<typeof fakeClock> } {
  return {
    baseUrl: s.url, apiKey: s.token, waitSeconds: 1, pollIntervalMs: 750,
    policy: { timeoutMs: 5000, maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 400, maxServerWaitMs: 60_000 },
    clock: fakeClock(),
    ...over,
  } as ReplicateConnection & { clock: ReturnType<typeof fakeClock> };
}

async function withServer(models: ModelBehaviour[], fn: (s: ReplicateContractServer) => Promise<void>): Promise<void> {
  const s = await startReplicateServer({ models });
  try { await fn(s); } finally { await s.close(); }
}

const count = (s: ReplicateContractServer, method: string, path: RegExp) => s.requests.filter((r) => r.method === method && path.test(r.path)).length;


describe('prediction lifecycle', () => {
  test('created once with Prefer: wait, then polled starting -> processing -> succeeded', async () => {
    await withServer([musicModel({ polls: 2 })], async (s) => {
      const c = conn(s);
      const seen: string[] = [];
      const p = await runPrediction(c, { model: 'meta/musicgen', input: { prompt: 'calm piano', duration: 3 }, signal: new AbortController().signal, onUpdate: (x) => seen.push(x.status) });
      assert.equal(p.status, 'succeeded');
      assert.deepEqual(seen, ['starting', 'processing', 'succeeded']);
      assert.equal(s.created, 1);
      const create = s.requests.find((r) => r.method === 'POST')!;
      assert.equal(create.path, '/v1/models/meta/musicgen/predictions');
      assert.equal(create.headers.prefer, 'wait=1');
      assert.deepEqual(JSON.parse(create.body.toString()).input, { prompt: 'calm piano', duration: 3 });
      assert.equal(count(s, 'GET', POLL), 2);
      assert.deepEqual(c.clock.waits, [750, 750], 'one poll interval before each poll');
      assert.equal(p.metrics?.predict_time, 3.5);
    });
  });

  test('a prediction that ends within Prefer: wait is taken from the create answer, with no poll', async () => {
    await withServer([musicModel({ polls: 0 })], async (s) => {
      const p = await runPrediction(conn(s), { model: 'meta/musicgen', input: { prompt: 'x' }, signal: new AbortController().signal });
      assert.equal(p.status, 'succeeded');
      assert.equal(count(s, 'GET', POLL), 0);
    });
  });

  test('a pinned version is created through /v1/predictions with `version`', async () => {
    await withServer([musicModel({ polls: 1 })], async (s) => {
      await runPrediction(conn(s), { model: `meta/musicgen:${MUSIC_VERSION}`, input: { prompt: 'x' }, signal: new AbortController().signal });
      const create = s.requests.find((r) => r.method === 'POST')!;
      assert.equal(create.path, '/v1/predictions');
      assert.equal(JSON.parse(create.body.toString()).version, MUSIC_VERSION);
    });
  });

  test('a model not run by name (404, nothing created) is created once by its latest version', async () => {
    await withServer([musicModel({ polls: 0, official: false })], async (s) => {
      await runPrediction(conn(s), { model: 'meta/musicgen', input: { prompt: 'x' }, signal: new AbortController().signal, latestVersion: MUSIC_VERSION });
      assert.deepEqual(s.requests.filter((r) => r.method === 'POST').map((r) => r.path), ['/v1/models/meta/musicgen/predictions', '/v1/predictions']);
      assert.equal(s.created, 1);
    });
  });

  for (const [outcome, code, words] of [
    ['failed', 'E_PROVIDER_FAILED', /failed: CUDA out of memory/],
    ['canceled', 'E_PROVIDER_UNAVAILABLE', /canceled on Replicate/],
    ['aborted', 'E_PROVIDER_FAILED', /aborted by Replicate/],
  ] as const) {
    test(`a prediction that ends ${outcome} is ${code}`, async () => {
      await withServer([musicModel({ polls: 1, outcome, error: 'CUDA out of memory' })], async (s) => {
        const e = await codedRejection(runPrediction(conn(s), { model: 'meta/musicgen', input: {}, signal: new AbortController().signal }));
        assert.equal(e.code, code);
        assert.match(e.message, words);
        assert.equal(e.details?.status, outcome);
        assert.equal(s.created, 1, 'never created again');
      });
    });
  }

  test("the prediction's error text is redacted of the token", async () => {
    const token = 'r8_0123456789abcdefTOKENTOKEN';
    const s = await startReplicateServer({ token, models: [musicModel({ polls: 1, outcome: 'failed', error: `auth with ${token} was refused by the weights host` })] });
    try {
      const e = await codedRejection(runPrediction(conn(s), { model: 'meta/musicgen', input: {}, signal: new AbortController().signal }));
      assert.match(e.message, /refused by the weights host/);
      assert.ok(!e.message.includes(token));
      assert.ok(!JSON.stringify(e.details).includes(token));
    } finally {
      await s.close();
    }
  });

  test('a cancel while it runs sends Replicate\'s cancel, then E_CANCELLED', async () => {
    await withServer([musicModel({ polls: 5 })], async (s) => {
      const ac = new AbortController();
      const e = await codedRejection(runPrediction(conn(s), {
        model: 'meta/musicgen', input: {}, signal: ac.signal,
        // Cancelled when the poll shows it processing: no timer involved.
        onUpdate: (p: Prediction) => { if (p.status === 'processing') ac.abort(); },
      }));
      assert.equal(e.code, 'E_CANCELLED');
      assert.equal(count(s, 'POST', /\/cancel$/), 1);
      assert.equal([...s.predictions.values()][0]!.status, 'canceled');
    });
  });

  test('a cancelled stage creates nothing', async () => {
    await withServer([musicModel()], async (s) => {
      const ac = new AbortController();
      ac.abort();
      const e = await codedRejection(runPrediction(conn(s), { model: 'meta/musicgen', input: {}, signal: ac.signal }));
      assert.equal(e.code, 'E_CANCELLED');
      assert.equal(s.requests.length, 0);
    });
  });
});

describe('faults', () => {
  test('a create that times out after the prediction was made is not sent again', async () => {
    await withServer([musicModel()], async (s) => {
      s.inject('POST', CREATE, [{ createThenHold: true }]);
      // The attempt's timeout is timeoutMs + waitSeconds: the server never answers, so it fires.
      const e = await codedRejection(runPrediction(conn(s, { policy: { timeoutMs: 50, maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 1 } }), { model: 'meta/musicgen', input: {}, signal: new AbortController().signal }));
      assert.equal(e.code, 'E_PROVIDER_FAILED');
      assert.match(e.message, /did not answer/);
      assert.equal(s.created, 1);
      assert.equal(count(s, 'POST', CREATE), 1, 'one create only');
    });
  });

  test('a 5xx answer to a create is not retried (it may have been made); 5xx polls are', async () => {
    await withServer([musicModel({ polls: 1 })], async (s) => {
      s.inject('POST', CREATE, [{ status: 500, body: { title: 'Internal Server Error', status: 500 } }]);
      const e = await codedRejection(runPrediction(conn(s), { model: 'meta/musicgen', input: {}, signal: new AbortController().signal }));
      assert.equal(e.code, 'E_PROVIDER_FAILED');
      assert.equal(count(s, 'POST', CREATE), 1);

      s.inject('GET', POLL, [{ status: 502, body: 'bad gateway' }, { status: 503, body: 'unavailable' }]);
      const p = await runPrediction(conn(s), { model: 'meta/musicgen', input: {}, signal: new AbortController().signal });
      assert.equal(p.status, 'succeeded');
      assert.equal(s.created, 1);
    });
  });

  test('429 on create, with and without Retry-After, is sent again (refused before any work)', async () => {
    await withServer([musicModel({ polls: 0 })], async (s) => {
      s.inject('POST', CREATE, [
        { status: 429, headers: { 'retry-after': '2' }, body: { title: 'Request was throttled.', detail: 'Request was throttled. Expected available in 2 seconds.', status: 429 } },
        { status: 429, body: { title: 'Request was throttled.', status: 429 } },
      ]);
      const c = conn(s);
      const p = await runPrediction(c, { model: 'meta/musicgen', input: {}, signal: new AbortController().signal });
      assert.equal(p.status, 'succeeded');
      assert.equal(count(s, 'POST', CREATE), 3);
      assert.equal(s.created, 1);
      assert.equal(c.clock.waits[0], 2000, 'Retry-After honoured');
      assert.ok(c.clock.waits[1]! <= 200, 'then a jittered backoff');
    });
  });

  test('auth failure, quota and malformed JSON map to coded errors', async () => {
    await withServer([musicModel({ polls: 1 })], async (s) => {
      const bad = await codedRejection(runPrediction(conn(s, { apiKey: 'r8_wrongwrongwrongwrong' }), { model: 'meta/musicgen', input: {}, signal: new AbortController().signal }));
      assert.equal(bad.code, 'E_PROVIDER_AUTH');
      assert.ok(!bad.message.includes('r8_wrongwrongwrongwrong'));

      s.inject('POST', CREATE, [{ status: 402, body: { title: 'Insufficient credit', detail: 'You have insufficient credit to run this model.', status: 402 } }]);
      assert.equal((await codedRejection(runPrediction(conn(s), { model: 'meta/musicgen', input: {}, signal: new AbortController().signal }))).code, 'E_PROVIDER_QUOTA');
      assert.equal(s.created, 0);

      // A garbled poll answer is a failed attempt, asked again.
      s.inject('GET', POLL, [{ malformed: true }]);
      const p = await runPrediction(conn(s), { model: 'meta/musicgen', input: {}, signal: new AbortController().signal });
      assert.equal(p.status, 'succeeded');
      assert.equal(s.created, 1);
    });
  });

  test('a poll slower than the timeout is retried (a poll spends nothing)', async () => {
    await withServer([musicModel({ polls: 1 })], async (s) => {
      s.inject('GET', POLL, [{ hold: true }]);
      const p = await runPrediction(conn(s, { policy: { timeoutMs: 50, maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } }), { model: 'meta/musicgen', input: {}, signal: new AbortController().signal });
      assert.equal(p.status, 'succeeded');
      assert.equal(count(s, 'GET', POLL), 2);
    });
  });
});

describe('schema, files and outputs', () => {
  test('input names are checked against the model schema, which is read once per version', async () => {
    forgetModelSchemas();
    await withServer([musicModel()], async (s) => {
      const signal = new AbortController().signal;
      const inputs = (await modelInputs(conn(s), 'meta/musicgen', signal))!;
      assert.equal(inputs.version, MUSIC_VERSION);
      checkInputNames('meta/musicgen', inputs, ['prompt', 'duration'], 'music');
      assert.throws(() => checkInputNames('meta/musicgen', inputs, ['prompt', 'length'], 'plugins.options.replicate.music'), (e: DubarrError) => {
        assert.equal(e.code, 'E_CONFIG_INVALID');
        assert.match(e.message, /no input 'length'/);
        assert.match(e.message, /its inputs are: prompt, duration, model_version, output_format, seed/);
        return true;
      });
      await modelInputs(conn(s), 'meta/musicgen', signal);
      await modelInputs(conn(s), `meta/musicgen:${MUSIC_VERSION}`, signal);
      assert.equal(count(s, 'GET', /^\/v1\/models\//), 1, 'cached');
      await assert.rejects(modelInputs(conn(s), 'meta/nosuchmodel', signal), (e: DubarrError) => e.code === 'E_CONFIG_INVALID');
    });
  });

  test('local inputs are uploaded through /v1/files; outputs are downloaded without the token', async () => {
    let seen: Buffer | undefined;
    const model = musicModel({ polls: 1, output: (_input, uploads) => { seen = uploads[0]?.bytes; return [{ name: 'a.wav', type: 'audio/wav', bytes: Buffer.from('RIFFa') }, { name: 'b.wav', type: 'audio/wav', bytes: Buffer.from('RIFFb') }]; } });
    await withServer([model], async (s) => {
      const local = join(dir, 'still.png');
      await writeFile(local, Buffer.from('not really a png, but bytes to carry'));
      const c = conn(s);
      const signal = new AbortController().signal;
      const url = await uploadFile(c, local, signal);
      assert.match(url, new RegExp(`^${s.url}/v1/files/`));
      const p = await runPrediction(c, { model: 'meta/musicgen', input: { melody: url }, signal });
      assert.deepEqual(seen, await readFile(local));
      const files = await downloadOutputs(c, p, dir, signal);
      assert.deepEqual(await Promise.all(files.map((f) => readFile(f, 'utf8'))), ['RIFFa', 'RIFFb']);
      assert.deepEqual(s.downloads.map((d) => d.authorized), [false, false], 'the token stays with the API');

      s.expireOutputs();
      const e = await codedRejection(downloadOutputs(c, p, dir, signal));
      assert.equal(e.code, 'E_PROVIDER_FAILED');
      assert.match(e.message, /deletes API outputs after about an hour/);
    });
  });
});
