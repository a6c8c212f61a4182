/**
 * The REST door over a real listening server (127.0.0.1, a free port) with fetch: jobs created,
 * read, listed, cancelled, retried and deleted, and artifacts downloaded whole and by Range,
 * byte for byte. The real runtime, ffmpeg extract and mux, and QA report on a generated MP4.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bindHttp } from '../../../core/cli/serve.js';
import { createHttpApp } from '../../../core/http/app.js';
import { h264AacMp4 } from '../../fixtures/media.js';
import { probeSync } from '../../../native/lib/index.js';
import { finished, testRuntime, waitFor, type TestRuntime } from './harness.js';
import { deliverPreset } from './deliver-preset.js';
import { expectError, type ErrorBody } from './error-body.js';

async function server(t: TestRuntime) {
  const http = await bindHttp({ ...t.rt.config.server, host: '127.0.0.1', port: 0 });
  http.mount(createHttpApp(t.rt));
  const call = (path: string, init: RequestInit = {}) => fetch(`${http.url}${path}`, init);
  const json = (path: string, body: unknown, method = 'POST') => call(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { http, call, json };
}

interface PublicArtifact { name: string; kind: string; language: string | null; size: number; url: string }

test('REST: a job posted as JSON is dubbed; every artifact downloads byte for byte, whole and by Range (206, 416), with ETag, If-None-Match, If-Range, its type and an RFC 5987 file name', async () => {
  // The delivery preset with the preview step (as in the dub preset, after the mix).
  const deliver = await deliverPreset();
  deliver.steps.splice(2, 0, { id: 'preview', capability: 'preview', perTarget: true, inputs: { source: 'source', extract: 'extract', mix: 'mix' } });
  const t = await testRuntime({ deliver });
  const s = await server(t);
  try {
    const library = join(t.dir, 'Bibliothèque');
    await mkdir(library);
    const original = join(library, 'Película.mp4');
    await copyFile(await h264AacMp4(), original);

    const created = await s.json('/api/jobs', { path: original, preset: 'deliver', targetLanguages: ['es'] });
    assert.equal(created.status, 201);
    const job = await created.json() as { id: string; status: string };
    assert.equal(created.headers.get('location'), `/api/jobs/${job.id}`);
    assert.equal((await finished(t, job.id)).status, 'succeeded');

    const got = await (await s.call(`/api/jobs/${job.id}`)).json() as { status: string; progress: number; artifacts: PublicArtifact[]; qa: unknown };
    assert.equal(got.status, 'succeeded');
    assert.equal(got.progress, 1);
    const list = (await (await s.call(`/api/jobs/${job.id}/artifacts`)).json() as { items: PublicArtifact[] }).items;
    assert.deepEqual(list, got.artifacts);
    assert.deepEqual(list.map((a) => [a.name, a.kind, a.language]), [
      ['Película - dub es.mp4', 'video', 'es'], ['dub-track.es.m4a', 'audio', 'es'],
      ['preview.es.mp4', 'preview', 'es'], ['preview-original.es.mp4', 'preview', null], ['poster.jpg', 'image', 'es'],
      ...[1, 2, 3, 4, 5, 6].map((n) => [`thumb-${n}.jpg`, 'image', null]),
      ['qa-report.json', 'report', null],
    ]);
    assert.ok(!JSON.stringify(got).includes(t.rt.config.cache.dir), 'no cache paths in responses');

    const video = await readFile(join(library, 'Película - dub es.mp4'));
    const byName = (n: string) => list.find((a) => a.name === n)!;
    const v = byName('Película - dub es.mp4');
    assert.equal(v.url, `/api/jobs/${job.id}/artifacts/Pel%C3%ADcula%20-%20dub%20es.mp4`);
    assert.equal(v.size, video.length);

    const whole = await s.call(v.url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'video/mp4');
    assert.equal(whole.headers.get('content-disposition'), `attachment; filename="Pel_cula - dub es.mp4"; filename*=UTF-8''Pel%C3%ADcula%20-%20dub%20es.mp4`);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.equal(Number(whole.headers.get('content-length')), video.length);
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), video);
    const etag = whole.headers.get('etag')!;
    assert.match(etag, /^"[^"]+"$/);

    const part = await s.call(v.url, { headers: { range: 'bytes=100-1099' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-1099/${video.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), video.subarray(100, 1100));
    const tail = await s.call(v.url, { headers: { range: 'bytes=-37' } });
    assert.equal(tail.status, 206);
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), video.subarray(video.length - 37));
    const open = await s.call(v.url, { headers: { range: `bytes=${video.length - 10}-` } });
    assert.deepEqual(Buffer.from(await open.arrayBuffer()), video.subarray(video.length - 10));
    const beyond = await s.call(v.url, { headers: { range: `bytes=${video.length}-` } });
    assert.equal(beyond.headers.get('content-range'), `bytes */${video.length}`);
    await expectError(beyond, 416, 'E_RANGE_NOT_SATISFIABLE');

    const notModified = await s.call(v.url, { headers: { 'if-none-match': etag } });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.headers.get('etag'), etag);
    const sameRange = await s.call(v.url, { headers: { range: 'bytes=0-9', 'if-range': etag } });
    assert.equal(sameRange.status, 206);
    assert.deepEqual(Buffer.from(await sameRange.arrayBuffer()), video.subarray(0, 10));
    const changed = await s.call(v.url, { headers: { range: 'bytes=0-9', 'if-range': '"another"' } });
    assert.equal(changed.status, 200, 'a stale If-Range gets the whole file');
    assert.equal((await changed.arrayBuffer()).byteLength, video.length);
    const head = await s.call(v.url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get('content-length')), video.length);

    const track = byName('dub-track.es.m4a');
    const trackRes = await s.call(track.url, { headers: { range: 'bytes=0-15' } });
    assert.equal(trackRes.headers.get('content-type'), 'audio/mp4');
    assert.equal((await trackRes.arrayBuffer()).byteLength, 16);

    // The preview: a browser-playable MP4 with the dub as its default audio, and its poster.
    const preview = await s.call(byName('preview.es.mp4').url);
    assert.equal(preview.headers.get('content-type'), 'video/mp4');
    const previewFile = join(t.dir, 'preview.mp4');
    await writeFile(previewFile, Buffer.from(await preview.arrayBuffer()));
    const streams = probeSync(previewFile).streams;
    assert.deepEqual(streams.map((x) => [x.codec, x.language, x.dispositions.default]), [['h264', 'und', true], ['aac', 'spa', true], ['aac', 'eng', false]]);
    const poster = await s.call(byName('poster.jpg').url);
    assert.equal(poster.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual([...Buffer.from(await poster.arrayBuffer()).subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');

    const report = await s.call(byName('qa-report.json').url);
    assert.equal(report.headers.get('content-type'), 'application/json');
    assert.deepEqual(await report.json(), got.qa);

    await expectError(await s.call(`/api/jobs/${job.id}/artifacts/nope.mkv`), 404, 'E_ARTIFACT_NOT_FOUND');
    await expectError(await s.call(`/api/jobs/${job.id}/retry`, { method: 'POST' }), 409, 'E_JOB_STATE');
  } finally {
    await s.http.close();
    await t.close();
  }
});

test('REST: bad requests get coded errors: another type, broken JSON, unknown fields, a relative path, an unknown job', async () => {
  const t = await testRuntime({ noop: { steps: [{ id: 'a', capability: 'noop', inputs: { source: 'source' } }] } }, {}, { takeQueued: false });
  const s = await server(t);
  try {
    await expectError(await s.call('/api/jobs', { method: 'POST', body: 'path=/x', headers: { 'content-type': 'text/plain' } }), 415, 'E_UNSUPPORTED_MEDIA_TYPE');
    await expectError(await s.call('/api/jobs', { method: 'POST', body: '{"path":', headers: { 'content-type': 'application/json' } }), 400, 'E_INVALID_ARGUMENT');
    const unknown = await expectError(await s.json('/api/jobs', { path: t.input, targetLanguage: 'es' }), 400, 'E_INVALID_ARGUMENT');
    assert.match(unknown.error.message, /targetLanguage/);
    await expectError(await s.json('/api/jobs', { path: 'input.bin', preset: 'noop' }), 400, 'E_INVALID_ARGUMENT');
    await expectError(await s.json('/api/jobs', { path: t.input, preset: 'noop', outputMode: 'overwrite' }), 400, 'E_INVALID_ARGUMENT');
    await expectError(await s.call('/api/jobs/ffffffffffff'), 404, 'E_JOB_NOT_FOUND');
    await expectError(await s.call('/api/jobs?first=0'), 400, 'E_INVALID_ARGUMENT');
    const page = await (await s.call('/api/jobs')).json() as { items: unknown[]; pageInfo: { hasNextPage: boolean } };
    assert.deepEqual(page, { items: [], pageInfo: { hasNextPage: false } });
    const health = await (await s.call('/health')).json() as { ok: boolean; jobs: Record<string, number> };
    assert.equal(health.ok, true);
    assert.equal(health.jobs.queued, 0);
  } finally {
    await s.http.close();
    await t.close();
  }
});

test('REST: a running job cannot be deleted (409) until cancelled; then DELETE removes it and leaves the input; list pages and filters', async () => {
  const t = await testRuntime({ forever: { steps: [{ id: 'a', capability: 'slow', inputs: { source: 'source' }, params: { untilCancelled: true } }] } });
  const s = await server(t);
  try {
    const input = await readFile(t.input);
    const job = await (await s.json('/api/jobs', { path: t.input, preset: 'forever', targetLanguages: [] })).json() as { id: string };
    await waitFor(t, (e) => e.jobId === job.id && e.type === 'job.progress');
    await expectError(await s.call(`/api/jobs/${job.id}`, { method: 'DELETE' }), 409, 'E_JOB_STATE');
    const running = await (await s.call(`/api/jobs?status=running`)).json() as { items: Array<{ id: string; stages: Array<{ id: string; status: string }> }> };
    assert.deepEqual(running.items.map((j) => [j.id, j.stages.map((st) => st.status)]), [[job.id, ['running']]]);
    assert.equal((await s.call(`/api/jobs/${job.id}/cancel`, { method: 'POST' })).status, 200);
    assert.equal((await finished(t, job.id)).status, 'cancelled');
    const retried = await s.call(`/api/jobs/${job.id}/retry`, { method: 'POST' });
    assert.equal(retried.status, 200);
    await waitFor(t, (e) => e.jobId === job.id && e.type === 'job.started' && t.events.filter((x) => x.jobId === job.id && x.type === 'job.started').length === 2);
    await s.call(`/api/jobs/${job.id}/cancel`, { method: 'POST' });
    await waitFor(t, (e) => e.jobId === job.id && e.type === 'job.cancelled' && t.events.filter((x) => x.jobId === job.id && x.type === 'job.cancelled').length === 2);
    const deleted = await s.call(`/api/jobs/${job.id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    assert.deepEqual(await deleted.json(), { id: job.id, deleted: true, removedFiles: 0 });
    await expectError(await s.call(`/api/jobs/${job.id}`), 404, 'E_JOB_NOT_FOUND');
    assert.deepEqual(await readFile(t.input), input);
  } finally {
    await s.http.close();
    await t.close();
  }
});
