/** The eval command's output: a table of the clips, the figures, and one last line to grep. */
import type { EvalReport, EvalRow } from './run-eval.js';

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
const f = (x: number | undefined, digits: number) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

function columns(r: EvalReport): Array<[string, (row: EvalRow) => string]> {
  const said: [string, (row: EvalRow) => string] = [r.task === 'mt' ? 'translation' : r.task === 'tts' ? 'heard back' : 'recognized', (x) => clip(x.hypothesis, 70)];
  if (r.task === 'asr') return [['clip', (x) => x.id], ['WER', (x) => f(x.score, 2)], ['audio s', (x) => f(x.audioMs! / 1000, 1)], ['RTF', (x) => f(x.ms! / x.audioMs!, 3)], said];
  if (r.task === 'mt') return [['sentence', (x) => x.id], ['chrF', (x) => f(x.score, 1)], said];
  return [['text', (x) => x.id], ['WER', (x) => f(x.score, 2)], ['speech s', (x) => f(x.audioMs! / 1000, 1)], said];
}

export function formatEvalTable(r: EvalReport): string {
  const cols = columns(r);
  const cells = [cols.map(([h]) => h), ...r.rows.map((row) => cols.map(([, get]) => get(row)))];
  const widths = cols.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

export function formatEvalSummary(r: EvalReport): string {
  const who = `${r.provider}${r.model ? ` (model ${r.model})` : ''}, ${r.language}, ${r.rows.length} ${r.task === 'mt' ? 'sentences' : 'clips'}`;
  const ep = r.executionProviders.length ? `; ONNX on ${r.executionProviders.join(', ')}` : '';
  const warm = `first run (loading) ${f(r.warmupMs / 1000, 2)} s, not counted`;
  if (r.task === 'asr') return `${who}: WER ${f(r.wer, 3)}, RTF ${f(r.rtf, 3)}${ep}; ${warm}`;
  if (r.task === 'mt') return `${who}: BLEU ${f(r.bleu, 1)}, chrF ${f(r.chrf, 1)}, ${f(r.msPerSentence, 1)} ms a sentence${ep}; ${warm}`;
  return `${who}: round-trip WER ${f(r.wer, 3)} (heard by ${r.transcriber}), RTF ${f(r.rtf, 3)}${ep}; ${warm}`;
}

/** `EVAL <task> key=value ...`: the figures on one line. */
export function formatEvalLine(r: EvalReport): string {
  const kv: Array<[string, string | number | undefined]> = [
    ['provider', r.provider], ['model', r.model ?? '-'], ['lang', r.language], ['clips', r.rows.length],
    ['wer', r.wer === undefined ? undefined : f(r.wer, 4)], ['bleu', r.bleu === undefined ? undefined : f(r.bleu, 2)],
    ['chrf', r.chrf === undefined ? undefined : f(r.chrf, 2)], ['rtf', r.rtf === undefined ? undefined : f(r.rtf, 4)],
    ['ms_per_sentence', r.msPerSentence === undefined ? undefined : f(r.msPerSentence, 1)],
    ['transcriber', r.transcriber], ['ep', r.executionProviders.join(',') || '-'], ['warmup_ms', Math.round(r.warmupMs)],
  ];
  return `EVAL ${r.task} ${kv.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join(' ')}`;
}
