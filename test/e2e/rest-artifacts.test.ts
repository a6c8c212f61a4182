/**
 * The artifacts a job made through the REST API, downloaded over HTTP, are the very files
 * `dubarr dub` makes from the same input: the real CLI first, then a server on the same data dir
 * (a random port on 127.0.0.1) given the same request as JSON, with another output folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createRuntime } from '../../core/app/runtime.js';
import { bindHttp } from '../../core/cli/serve.js';
import { loadConfig } from '../../core/config/load.js';
import { createHttpApp } from '../../core/http/app.js';
import { talkVideo } from '../fixtures/speech.js';
import { dubWorkspace, outputsOf } from './dub-harness.js';

interface PublicArtifact { name: string; kind: string; size: number; url: string }

test('REST downloads equal what `dubarr dub` writes for the same input: the video, every subtitle file, the dub track', async () => {
  const w = await dubWorkspace('rest');
  try {
    const video = await talkVideo({ dir: w.dir, srtSidecar: true, name: 'Show' });
    const cliOut = join(w.dir, 'cli');
    const run = await w.dub(video.path, '--to', 'es', '--out', cliOut);
    assert.equal(run.code, 0, run.err);
    const cliTrack = run.runs.filter((r) => r.step === 'mix:es').at(-1)!.artifacts as { files: { track: string } };
    run.store.db.close();

    const rt = await createRuntime(loadConfig({ file: join(w.dir, 'dubarr.yaml'), env: {}, overrides: { server: { mediaRoots: [w.dir] } } }), { takeQueued: true, log: pino({ level: 'silent' }) });
    const http = await bindHttp({ ...rt.config.server, host: '127.0.0.1', port: 0 });
    http.mount(createHttpApp(rt));
    try {
      const apiOut = join(w.dir, 'api');
      const res = await fetch(`${http.url}/api/jobs`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: video.path, targetLanguages: ['es'], outDir: apiOut }),
      });
      assert.equal(res.status, 201);
      const { id } = await res.json() as { id: string };
      let job: { status: string; artifacts: PublicArtifact[]; error?: unknown };
      for (;;) {
        job = await (await fetch(`${http.url}/api/jobs/${id}`)).json() as typeof job;
        if (!['queued', 'running'].includes(job.status)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      const written = (outputsOf(run.job).mux!.data as { written: string[] }).written.map((f) => f.slice(cliOut.length + 1)).sort();
      const files = job.artifacts.filter((a) => a.kind === 'video' || a.kind === 'subtitle');
      assert.deepEqual(files.map((a) => a.name).sort(), written, 'the same files, by name');
      for (const a of files) {
        const got = Buffer.from(await (await fetch(`${http.url}${a.url}`)).arrayBuffer());
        assert.ok(got.equals(await readFile(join(cliOut, a.name))), `${a.name} equals the CLI's`);
      }
      const track = job.artifacts.find((a) => a.name.startsWith('dub-track.es.'))!;
      const got = Buffer.from(await (await fetch(`${http.url}${track.url}`)).arrayBuffer());
      assert.ok(got.equals(await readFile(cliTrack.files.track)), 'the dub track equals the one the CLI muxed');
    } finally {
      await http.close();
      await rt.close();
    }
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});
