/**
 * The model manager's list, verify, remove, and pulls followed as the doors follow them
 * (startPull + pullUpdates), against the fake Hugging Face server and a temp models.dir.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INSTALLED_MANIFEST } from '../../plugins/sdk/models.js';
import { distinctBytes, sha256, type FakeRepo } from '../../test/fixtures/fake-hugging-face.js';
import { codedError, entryFor, withFake } from '../../test/fixtures/model-manager-kit.js';
import type { PullState } from './model-manager.js';

const REV = '0123456789abcdef0123456789abcdef01234567';

test('list: catalogue models with what is installed (outdated when the catalogue moved on), models copied in by hand, bytes left to resume; folders that are no model are named or skipped', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const a: FakeRepo = { revision: REV, files: { 'a.onnx': distinctBytes(2000, 'a') } };
    const c: FakeRepo = { revision: REV, files: { 'c.onnx': distinctBytes(3000, 'c-old') } };
    hf.repo('org/a', a).repo('org/c', c);
    catalogue.push(entryFor('model-a', 'org/a', a), entryFor('model-b', 'org/b', { revision: REV, files: { 'b.onnx': Buffer.from('b') } }), entryFor('model-c', 'org/c', c));
    const m = kit.manager();
    await m.pull('model-a');
    await m.pull('model-c');
    // The catalogue now lists another file for model-c.
    c.files = { 'c.onnx': distinctBytes(3000, 'c-new') };
    catalogue[2] = entryFor('model-c', 'org/c', c);
    // A voice copied in by hand, a folder without a manifest, one with a broken manifest under a catalogue id.
    const voice = join(kit.dir, 'my-voice');
    await mkdir(voice);
    await writeFile(join(voice, 'voice.onnx'), 'weights');
    await writeFile(join(voice, INSTALLED_MANIFEST), JSON.stringify({ ...catalogue[0], id: 'my-voice', task: 'tts', provider: 'piper', files: [{ path: 'voice.onnx', sha256: sha256(Buffer.from('weights')), size: 7 }] }));
    await mkdir(join(kit.dir, 'not-a-model'));
    await mkdir(join(kit.dir, 'model-b'));
    await writeFile(join(kit.dir, 'model-b', INSTALLED_MANIFEST), '{"id": "model-b"');

    const list = await m.list();
    assert.deepEqual(list.map((x) => [x.id, x.inCatalogue, x.installed, x.outdated, x.entry.task, x.problem !== undefined]), [
      ['model-a', true, true, false, 'asr', false],
      ['model-b', true, false, false, 'asr', true],
      ['model-c', true, true, true, 'asr', false],
      ['my-voice', false, true, false, 'tts', false],
    ]);
    assert.match(list[1]!.problem!, /not JSON/);
    assert.equal(list[0]!.pull?.status, 'succeeded');
    assert.equal(await m.get('not-a-model'), undefined);
    assert.equal((await m.verify('model-c')).outdated, true);
    await codedError(m.pull('my-voice'), 'E_INVALID_ARGUMENT');
    await codedError(m.pull('no-such-model'), 'E_INVALID_ARGUMENT');
    await codedError(m.get('../escape'), 'E_INVALID_ARGUMENT');
    await codedError(m.remove('.partial'), 'E_INVALID_ARGUMENT');

    // Pulling the outdated model replaces its folder whole.
    await m.pull('model-c');
    assert.deepEqual(await readFile(join(kit.dir, 'model-c', 'c.onnx')), c.files['c.onnx']);
    assert.equal((await m.get('model-c'))?.outdated, false);
    // A folder of a catalogue id that is no model is left alone.
    const refused = await codedError(m.pull('model-b'), 'E_INVALID_ARGUMENT');
    assert.match(refused.message, /move it out of models\.dir/);
    assert.ok((await kit.contents()).includes('model-b/dubarr-model.json'));
  });
});

test('verify re-hashes installed files against the manifest: a changed byte, a short file and a missing one are each named', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const repo: FakeRepo = { revision: REV, files: { 'x.onnx': distinctBytes(5000, 'x'), 'y.onnx': distinctBytes(5000, 'y'), 'z.json': Buffer.from('{}') } };
    hf.repo('org/v', repo);
    catalogue.push(entryFor('verify-me', 'org/v', repo));
    const m = kit.manager();
    await m.pull('verify-me');
    assert.deepEqual(await m.verify('verify-me'), { id: 'verify-me', ok: true, outdated: false, files: [{ path: 'x.onnx', ok: true }, { path: 'y.onnx', ok: true }, { path: 'z.json', ok: true }] });
    const x = join(kit.dir, 'verify-me', 'x.onnx');
    const bytes = await readFile(x);
    bytes[2500] ^= 1;
    await writeFile(x, bytes);
    await truncate(join(kit.dir, 'verify-me', 'y.onnx'), 4000);
    await rm(join(kit.dir, 'verify-me', 'z.json'));
    const v = await m.verify('verify-me');
    assert.equal(v.ok, false);
    assert.deepEqual(v.files.map((f) => [f.path, f.ok, f.problem?.replace(/[0-9a-f]{64}/g, 'H')]), [
      ['x.onnx', false, 'sha256 H, the manifest says H'],
      ['y.onnx', false, '4000 bytes, the manifest says 5000'],
      ['z.json', false, 'missing'],
    ]);
    await codedError(m.verify('not-installed'), 'E_MODEL_MISSING');
  });
});

test('remove deletes the model and any bytes left to resume; refused while a pull of it runs here or in another process; nothing to remove is E_MODEL_MISSING', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const repo: FakeRepo = { revision: REV, files: { 'r.onnx': distinctBytes(200_000, 'r') } };
    hf.repo('org/r', repo);
    catalogue.push(entryFor('removable', 'org/r', repo));
    const m = kit.manager();
    await m.pull('removable');
    assert.deepEqual(await m.remove('removable'), { id: 'removable', removedInstall: true, removedPartialBytes: 0 });
    assert.deepEqual(await kit.contents(), []);
    await codedError(m.remove('removable'), 'E_MODEL_MISSING');

    const held = hf.hold('r.onnx', 50_000);
    const pulling = m.pull('removable');
    await held.reached;
    assert.match((await codedError(m.remove('removable'), 'E_INVALID_ARGUMENT')).message, /this process/);
    assert.match((await codedError(kit.manager().remove('removable'), 'E_INVALID_ARGUMENT')).message, new RegExp(`process ${process.pid}`));
    held.release();
    await pulling;
    assert.equal((await m.verify('removable')).ok, true, 'the refused removals left the pull alone');

    // Bytes of a stopped pull alone are removed too.
    await m.remove('removable');
    const stop = new AbortController();
    await codedError(m.pull('removable', { signal: stop.signal, onProgress: (p) => { if (p.fileBytes > 0) stop.abort(); } }), 'E_CANCELLED');
    const left = (await m.get('removable'))!.partialBytes;
    assert.ok(left > 0);
    assert.deepEqual(await m.remove('removable'), { id: 'removable', removedInstall: false, removedPartialBytes: left });
    assert.deepEqual(await kit.contents(), []);
  });
});

test('startPull returns at once; pullUpdates gives the state, then progress that never goes back, ending with the outcome; a late subscriber gets the outcome alone', async () => {
  await withFake(async (hf, kit, catalogue) => {
    const repo: FakeRepo = { revision: REV, files: { 'p.onnx': distinctBytes(400_000, 'p'), 'q.onnx': distinctBytes(100_000, 'q') } };
    hf.repo('org/p', repo);
    catalogue.push(entryFor('followed', 'org/p', repo));
    const m = kit.manager();
    assert.deepEqual(await collect(m.pullUpdates('followed')), [], 'no pull yet: nothing to follow');
    const held = hf.hold('p.onnx', 100_000);
    const heldSecond = hf.hold('q.onnx', 10);
    const started = await m.startPull('followed');
    assert.deepEqual(started, { id: 'followed', status: 'running', bytes: 0, total: 500_000 });
    await held.reached;
    const again = await m.startPull('followed');
    assert.equal(again.status, 'running', 'a second start joins the pull under way');
    const seen: PullState[] = [];
    // Each hold is released once the updates have shown the pull at it.
    const following = (async () => {
      for await (const s of m.pullUpdates('followed')) {
        seen.push(s);
        held.release();
        if (s.file === 'q.onnx') heldSecond.release();
      }
    })();
    await following;
    assert.equal(seen[0]!.status, 'running');
    assert.ok(seen.some((s) => s.status === 'running' && s.file === 'q.onnx'), 'seen at the second file');
    assert.ok(seen.every((s, i) => i === 0 || s.bytes >= seen[i - 1]!.bytes), 'never back');
    assert.deepEqual(seen.at(-1), { id: 'followed', status: 'succeeded', bytes: 500_000, total: 500_000 });
    assert.deepEqual(await collect(m.pullUpdates('followed')), [{ id: 'followed', status: 'succeeded', bytes: 500_000, total: 500_000 }]);
    assert.equal(hf.requests.filter((r) => r.server === 'cdn').length, 2, 'one download for both starts');
    // Already installed: a start ends at once, with no request.
    const before = hf.count();
    assert.equal((await m.startPull('followed')).status, 'succeeded');
    assert.equal(hf.count(), before);

    // A failing pull ends its updates with the coded error.
    catalogue.push(entryFor('failing', 'org/p', { ...repo, files: { 'p.onnx': distinctBytes(400_000, 'other') } }));
    await m.startPull('failing');
    const end = (await collect(m.pullUpdates('failing'))).at(-1)!;
    assert.deepEqual([end.status, end.error?.code], ['failed', 'E_MODEL_CHECKSUM']);
    assert.match(end.error!.hint, /pull the model again/);
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
