/**
 * The model manager through GraphQL on a real server (127.0.0.1, port 0, an API key required),
 * pulling from the fake Hugging Face server with a catalogue of the test's own: `models`,
 * `pullModel` returning at once while the download is held by the server, its progress over
 * `modelPullUpdated` as server-sent events and over WebSocket, a failed pull's coded error in
 * the stream, `verifyModel` and `removeModel`, and no door without the key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { distinctBytes, FakeHuggingFace, sha256, type FakeRepo } from '../../fixtures/fake-hugging-face.js';
import { entryFor } from '../../fixtures/model-manager-kit.js';
import { dataOf, errorOf, gqlServer, readEventStream, wsClient, wsSubscribe, type GqlResult } from './graphql-harness.js';
import { testRuntime } from './harness.js';

interface Pull { id: string; status: string; bytes: number; total: number; file: string | null; waiting: boolean; error: { code: string; hint: string } | null }
interface Model { id: string; task: string; installed: boolean; license: string; improves: string | null; sizeMb: number; repo: string; languages: string[] | null; pull: Pull | null }

const PULL = 'id status bytes total file waiting error { code hint }';
const UPDATES = `subscription($id: ID!) { modelPullUpdated(id: $id) { ${PULL} } }`;
const MODELS = 'query { models { id task installed license improves sizeMb repo languages pull { status } } }';

test('GraphQL models: list, pullModel returns at once, progress over SSE and WebSocket to SUCCEEDED, a failed pull ends with its code, verify, remove; the key is required', async () => {
  const hf = await FakeHuggingFace.start();
  const a: FakeRepo = { revision: 'c'.repeat(40), files: { 'model.onnx': distinctBytes(600_000, 'gql-a'), 'tokens.txt': Buffer.from('a\nb\n') }, small: ['tokens.txt'] };
  const b: FakeRepo = { revision: 'd'.repeat(40), files: { 'voice.onnx': distinctBytes(200_000, 'gql-b') } };
  hf.repo('org/asr', a).repo('org/voice', b);
  const catalogueDir = await mkdtemp(join(tmpdir(), 'dubarr-gql-catalogue-'));
  const catalogueFile = join(catalogueDir, 'my-catalogue.yaml');
  await writeFile(catalogueFile, stringify({ models: [
    entryFor('gql-asr', 'org/asr', a, { languages: ['en'], improves: 'speech recognition (test)' }),
    entryFor('gql-voice', 'org/voice', b, { task: 'tts', provider: 'piper', license: 'CC-BY-4.0' }),
    entryFor('gql-broken', 'org/voice', b, { files: [{ path: 'voice.onnx', sha256: sha256(Buffer.from('other')), size: 200_000 }] }),
  ] }));
  const r = await testRuntime({}, { server: { requireApiKey: true }, models: { hfEndpoint: hf.endpoint, catalogue: catalogueFile } });
  const s = await gqlServer(r);
  const { key } = r.rt.apiKeys.create('models test');
  const auth = { 'x-api-key': key };
  const gql = <T>(q: string, v?: Record<string, unknown>) => s.gql<T>(q, v, auth);
  try {
    const refused = await fetch(`${s.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: MODELS }) });
    assert.equal(refused.status, 401);

    const mine = (list: Model[]) => list.filter((m) => m.id.startsWith('gql-'));
    const before = mine(dataOf(await gql<{ models: Model[] }>(MODELS)).models);
    assert.deepEqual(before.map((m) => [m.id, m.task, m.installed, m.license]), [['gql-asr', 'asr', false, 'MIT'], ['gql-broken', 'asr', false, 'MIT'], ['gql-voice', 'tts', false, 'CC-BY-4.0']]);
    assert.deepEqual([before[0]!.improves, before[0]!.repo, before[0]!.languages, before[0]!.pull], ['speech recognition (test)', 'org/asr', ['en'], null]);

    // The server holds each file mid-way: the mutation answers while the pull runs, and the
    // stream certainly shows it at the first file and at the second.
    const held = hf.hold('model.onnx', 100_000);
    const heldSecond = hf.hold('tokens.txt', 2);
    const started = dataOf(await gql<{ pullModel: Pull }>(`mutation($id: ID!) { pullModel(id: $id) { ${PULL} } }`, { id: 'gql-asr' })).pullModel;
    assert.deepEqual([started.status, started.total], ['RUNNING', 600_004]);
    await held.reached;
    const q = new URLSearchParams({ query: UPDATES, variables: JSON.stringify({ id: 'gql-asr' }) });
    const events = await readEventStream(await fetch(`${s.base}/graphql?${q}`, { headers: { accept: 'text/event-stream', ...auth } }), (e) => {
      if (e.event !== 'next') return;
      const pull = dataOf(JSON.parse(e.data) as GqlResult<{ modelPullUpdated: Pull }>).modelPullUpdated;
      held.release(); // the stream has shown the held state
      if (pull.file === 'tokens.txt') heldSecond.release();
    });
    const pulls = events.filter((e) => e.event === 'next').map((e) => dataOf(JSON.parse(e.data) as GqlResult<{ modelPullUpdated: Pull }>).modelPullUpdated);
    assert.equal(pulls[0]!.status, 'RUNNING');
    assert.ok(pulls[0]!.bytes < 600_004, 'the first event is the state while the server holds the file');
    assert.ok(pulls.some((p) => p.status === 'RUNNING' && p.file === 'tokens.txt' && p.bytes >= 600_000), 'the second file under way');
    assert.ok(pulls.every((p, i) => i === 0 || p.bytes >= pulls[i - 1]!.bytes), 'never back');
    assert.deepEqual(pulls.at(-1), { id: 'gql-asr', status: 'SUCCEEDED', bytes: 600_004, total: 600_004, file: null, waiting: false, error: null });
    assert.equal(events.at(-1)!.event, 'complete');
    const installed = mine(dataOf(await gql<{ models: Model[] }>(MODELS)).models);
    assert.deepEqual(installed.map((m) => [m.id, m.installed, m.pull?.status ?? null]), [['gql-asr', true, 'SUCCEEDED'], ['gql-broken', false, null], ['gql-voice', false, null]]);

    // Over WebSocket, with the key in connection_init.
    const client = wsClient(s, { connectionParams: { apiKey: key } });
    try {
      const heldB = hf.hold('voice.onnx', 50_000);
      assert.equal(dataOf(await gql<{ pullModel: Pull }>('mutation { pullModel(id: "gql-voice") { status } }')).pullModel.status, 'RUNNING');
      await heldB.reached;
      const ws = await wsSubscribe<{ modelPullUpdated: Pull }>(client, UPDATES, { id: 'gql-voice' }, () => heldB.release());
      const statuses = ws.map((x) => dataOf(x).modelPullUpdated);
      assert.equal(statuses[0]!.status, 'RUNNING');
      assert.deepEqual([statuses.at(-1)!.status, statuses.at(-1)!.bytes], ['SUCCEEDED', 200_000]);

      // A pull that fails its checksum ends its stream FAILED, with the code and hint.
      await gql('mutation { pullModel(id: "gql-broken") { status } }');
      const failed = (await wsSubscribe<{ modelPullUpdated: Pull }>(client, UPDATES, { id: 'gql-broken' })).map((x) => dataOf(x).modelPullUpdated).at(-1)!;
      assert.deepEqual([failed.status, failed.error?.code], ['FAILED', 'E_MODEL_CHECKSUM']);
      assert.match(failed.error!.hint, /pull the model again/);
    } finally {
      await client.dispose();
    }

    const verified = dataOf(await gql<{ verifyModel: { ok: boolean; files: Array<{ path: string; ok: boolean }> } }>('mutation { verifyModel(id: "gql-asr") { ok files { path ok } } }')).verifyModel;
    assert.deepEqual(verified, { ok: true, files: [{ path: 'model.onnx', ok: true }, { path: 'tokens.txt', ok: true }] });
    assert.deepEqual(dataOf(await gql<{ removeModel: unknown }>('mutation { removeModel(id: "gql-asr") { id removedInstall removedPartialBytes } }')).removeModel,
      { id: 'gql-asr', removedInstall: true, removedPartialBytes: 0 });
    errorOf(await gql('mutation { removeModel(id: "gql-asr") { id } }'), 'E_MODEL_MISSING');
    errorOf(await gql('mutation { pullModel(id: "no-such-model") { id } }'), 'E_INVALID_ARGUMENT');
    errorOf(await gql('mutation { verifyModel(id: "gql-asr") { ok } }'), 'E_MODEL_MISSING');
    // Already installed: SUCCEEDED at once, nothing asked of the server.
    const count = hf.count();
    assert.equal(dataOf(await gql<{ pullModel: Pull }>('mutation { pullModel(id: "gql-voice") { status } }')).pullModel.status, 'SUCCEEDED');
    assert.equal(hf.count(), count);
  } finally {
    await s.close();
    await r.close();
    await rm(catalogueDir, { recursive: true, force: true });
    await hf.close();
  }
});
