/**
 * The shipped model catalogue (models/catalogue.yaml) is data that the model manager downloads
 * against and the providers open by file name: a typo in it is found here, not by a user whose
 * pull fails its checksum or whose provider cannot find its encoder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCatalogue, type ModelEntry, type ModelTask } from './models.js';

/** The neural provider plugins of issue 10, and the tasks each runs. */
const PROVIDER_TASKS: Record<string, readonly ModelTask[]> = {
  whisper: ['asr'],
  marian: ['mt'],
  nllb: ['mt'],
  piper: ['tts'],
  kokoro: ['tts'],
  diarize: ['segmentation', 'speaker-embedding'],
  separate: ['separate'],
};

/** Settings keys whose value names one of the entry's files (the provider opens it by that name). */
const FILE_SETTINGS = ['encoder', 'decoder', 'model'] as const;

/** Everything wrong with a list of entries, one line each (empty when it is a sound catalogue). */
function catalogueProblems(entries: readonly ModelEntry[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const m of entries) {
    const at = (what: string) => problems.push(`${m.id}: ${what}`);
    if (ids.has(m.id)) at('id listed twice');
    ids.add(m.id);
    if (!/^[0-9a-f]{40}$/.test(m.source.revision)) at(`revision ${m.source.revision} is not a 40-hex commit`);
    const tasks = PROVIDER_TASKS[m.provider];
    if (!tasks) at(`provider ${m.provider} is not one of ${Object.keys(PROVIDER_TASKS).join(', ')}`);
    else if (!tasks.includes(m.task)) at(`provider ${m.provider} does not run ${m.task}`);

    const paths = new Set<string>();
    for (const f of m.files) {
      if (paths.has(f.path)) at(`file ${f.path} listed twice`);
      paths.add(f.path);
    }
    // sizeMb is what `models list` and the web page show before a download: decimal megabytes.
    const bytes = m.files.reduce((sum, f) => sum + f.size, 0);
    if (Math.abs(m.sizeMb - bytes / 1e6) > 0.05) at(`sizeMb ${m.sizeMb} but its files add up to ${(bytes / 1e6).toFixed(1)} MB`);
    if (m.residentMb <= 0) at('residentMb must be positive');

    const settings = m.settings ?? {};
    for (const key of FILE_SETTINGS) {
      const named = settings[key];
      if (named !== undefined && (typeof named !== 'string' || !paths.has(named))) at(`settings.${key} names ${String(named)}, not one of its files`);
    }
    const speakers = m.voice?.speakers ?? [];
    if (new Set(speakers.map((s) => s.id)).size !== speakers.length) at('voice.speakers ids repeat');
    if (m.task === 'mt' && m.languages !== '*' && !m.pairs?.length) at('a translation model with a language list needs pairs');
    for (const [from, to] of m.pairs ?? []) {
      if (m.languages !== '*' && (!m.languages.includes(from) || !m.languages.includes(to))) at(`pair ${from}-${to} is not within its languages`);
    }
    if (m.provider === 'piper') {
      const voice = [...paths].find((p) => p.endsWith('.onnx'));
      if (!voice || !paths.has(`${voice}.json`)) at('a Piper voice needs its .onnx and the .onnx.json beside it');
    }
    if (m.provider === 'kokoro') {
      const voices = (settings.voices ?? []) as { name?: string; file?: string }[];
      if (voices.length === 0) at('a Kokoro entry lists its voices in settings.voices');
      voices.forEach((v, i) => {
        if (!v.file || !paths.has(v.file)) at(`settings.voices[${i}] file ${String(v.file)} is not one of its files`);
        if (speakers[i]?.name !== v.name) at(`voice.speakers[${i}] is not settings.voices[${i}] (${String(v.name)})`);
      });
    }
  }
  return problems;
}

test('the shipped catalogue is valid: ids, revisions, providers, files, sizes and the files its settings name', () => {
  const entries = readCatalogue();
  assert.ok(entries.length > 0, 'the catalogue lists models');
  assert.deepEqual(catalogueProblems(entries), []);
});

test('the shipped catalogue has a model for every provider of issue 10', () => {
  const providers = new Set(readCatalogue().map((m) => m.provider));
  assert.deepEqual([...providers].sort(), Object.keys(PROVIDER_TASKS).sort());
});

test('the catalogue checks find each kind of mistake', () => {
  const good = readCatalogue().find((m) => m.provider === 'whisper');
  assert.ok(good);
  const broken: ModelEntry[] = [
    { ...good, id: 'short-revision', source: { ...good.source, revision: 'main' } },
    { ...good, id: 'unknown-provider', provider: 'whisper-cpp' },
    { ...good, id: 'wrong-task', task: 'tts' },
    { ...good, id: 'twice-listed-file', files: [...good.files, good.files[0]!], sizeMb: good.sizeMb + good.files[0]!.size / 1e6 },
    { ...good, id: 'wrong-size', sizeMb: good.sizeMb + 1 },
    { ...good, id: 'missing-encoder', settings: { ...good.settings, encoder: 'onnx/encoder_model.onnx' } },
    { ...good, id: 'short-revision' },
  ];
  const found = catalogueProblems(broken).join('\n');
  for (const what of ['short-revision: revision main', 'unknown-provider: provider whisper-cpp', 'wrong-task: provider whisper does not run tts',
    'twice-listed-file: file config.json listed twice', 'wrong-size: sizeMb', 'missing-encoder: settings.encoder', 'short-revision: id listed twice']) {
    assert.ok(found.includes(what), `expected "${what}" among:\n${found}`);
  }
});
