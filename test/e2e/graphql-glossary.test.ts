/**
 * A job's glossary from GraphQL reaches the translation: createJob with a glossary entry on a
 * generated talk video with English subtitles, dubbed to Spanish by the real pipeline
 * (apertium, espeak-ng, ffmpeg): the forced term is in the Spanish subtitles, apertium's own
 * word for it is not (without the entry it says "puente": see dub.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { talkVideo } from '../fixtures/speech.js';
import { dataOf, gqlServer } from '../medium/core/graphql-harness.js';
import { finished, testRuntime } from '../medium/core/harness.js';

test('createJob(glossary) forces a term in the translation; the subtitles listed as artifacts carry it', async () => {
  const t = await testRuntime({});
  const s = await gqlServer(t);
  try {
    const video = await talkVideo({ dir: t.dir, srtSidecar: true, name: 'Show' });
    const { createJob } = dataOf(await s.gql<{ createJob: { id: string } }>(`mutation($p: String!) {
      createJob(input: { path: $p, targetLanguages: ["es"], sourceLanguage: "en", glossary: [{ source: "bridge", target: "viaducto" }] }) { id } }`, { p: video.path }));
    const job = await finished(t, createJob.id, 600_000);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const translate = job.plan!.steps.find((x) => x.id === 'translate:es')!;
    assert.deepEqual(translate.params.glossary, [{ term: 'bridge', translation: 'viaducto' }]);
    assert.ok(job.plan!.steps.filter((x) => x.id !== 'translate:es').every((x) => x.params.glossary === undefined), 'only translate steps get it (other cache keys stay)');

    const es = await readFile(join(t.dir, 'Show - dub es.es.srt'), 'utf8');
    // "The first bridge in this valley": the term (not its plural, "bridges" -> "puentes") is forced.
    assert.match(es, /El primer viaducto en este valle/);
    assert.doesNotMatch(es, /\bpuente\b/i);
    const { job: listed } = dataOf(await s.gql<{ job: { artifacts: Array<{ name: string; kind: string; url: string }> } }>(
      'query($id: ID!) { job(id: $id) { artifacts { name kind url } } }', { id: createJob.id }));
    const srt = listed.artifacts.find((a) => a.name === 'Show - dub es.es.srt')!;
    assert.equal(srt.kind, 'SUBTITLE');
    assert.equal(await (await fetch(`${s.base}${srt.url}`)).text(), es);
  } finally {
    await s.close();
    await t.close();
  }
});
