/**
 * `npm run bench -- qa`: the QA report of a two-hour film (a translated line every 3.5 s, ~27,000
 * words, back-transcribed with one word in twelve wrong), built on the main thread. The baseline
 * in the same run is one global word alignment of the same texts, as the report used to do.
 */
import { outputOf } from '../../plugins/sdk/testing.js';
import { editDistance, type EditDistanceWork } from '../../plugins/sdk/edit-distance.js';
import { comparableWords } from '../../plugins/sdk/comparable-text.js';
import { buildReport } from '../../plugins/qa/report.js';

const FILM_MS = 2 * 3600 * 1000;
const LINES = ['el puente sobre el río fue construido por la gente de este valle', 'nadie en el pueblo esperaba que el agua subiera tan rápido'];

function film() {
  const segments = [];
  const units = [];
  const heard = [];
  for (let at = 0, i = 0; at + 3000 <= FILM_MS; at += 3500, i++) {
    const target = LINES[i % LINES.length]!;
    segments.push({ id: `u${i}`, start: at, end: at + 3000, text: '', target });
    units.push({ id: `u${i}`, start: at, placedStart: at + 100, placedEnd: at + 2900 });
    const words = target.replace('el', 'al').split(' ');
    const step = 2800 / words.length;
    heard.push({ id: `h${i}`, start: at + 100, end: at + 2900, text: words.join(' '),
      words: words.map((text, k) => ({ start: at + 100 + k * step, end: at + 100 + (k + 1) * step, text })) });
  }
  return { segments, units, heard };
}

export default async function bench(): Promise<void> {
  const f = film();
  const inputs = {
    text: outputOf({}, { language: 'en', source: { kind: 'asr', provider: 'x' }, segments: [] }),
    'translate:es': outputOf({}, { segments: f.segments }),
    'fit:es': outputOf({}, { units: f.units, summary: {} }),
    'back:es': outputOf({}, { source: { kind: 'asr', provider: 'bench' }, segments: f.heard }),
  };
  const t0 = performance.now();
  const report = buildReport(inputs, ['es']);
  const reportMs = performance.now() - t0;
  const wer = (report.targets.es!.backTranscription as { wordErrorRate: number }).wordErrorRate;

  const t1 = performance.now();
  const work: EditDistanceWork = { cells: 0 };
  const ref = comparableWords(f.segments.map((s) => s.target).join(' '));
  const errors = editDistance(ref, comparableWords(f.heard.map((h) => h.text).join(' ')), work);
  const globalMs = performance.now() - t1;

  console.log(`two-hour film: ${f.segments.length} lines, ${ref.length} words`);
  console.log(`  QA report (per-unit back-transcription): ${reportMs.toFixed(0)} ms, WER ${wer}`);
  console.log(`  global alignment baseline: ${globalMs.toFixed(0)} ms, ${work.cells.toExponential(2)} cells, WER ${(errors / ref.length).toFixed(3)}`);
  console.log(`RESULT qa lines=${f.segments.length} report_ms=${reportMs.toFixed(0)} global_ms=${globalMs.toFixed(0)} speedup=${(globalMs / reportMs).toFixed(0)} wer=${wer}`);
}
