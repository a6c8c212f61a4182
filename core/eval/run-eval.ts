/**
 * `npm run eval -- asr|mt|tts`: scores one provider on short clips with reference texts, through
 * the same plugin host, worker pool and stage code a job uses, so that users can compare
 * providers (and models) on their own machine:
 *   asr: word error rate against the transcripts, and real-time factor (time / audio length);
 *   mt:  corpus BLEU and chrF against the reference translations, and time per sentence;
 *   tts: intelligibility as the WER of the best installed transcriber hearing the speech back
 *        against the text, and real-time factor (time / speech length).
 * Each provider runs once on the first clip before the timed run (loading models is not what
 * the figures measure; its time is reported apart). One worker thread, so the times are of one
 * stream of work, as a stage of a job gets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Transcript, Translation, SynthesizedSegments, type StageOutput } from '../../plugins/sdk/index.js';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { StageDefinition } from '../../plugins/sdk/plugin.js';
import { errorRate, wordErrors } from '../../plugins/sdk/word-error-rate.js';
import { modelRuntime } from '../app/model-runtime.js';
import type { Config } from '../config/schema.js';
import { PluginHost } from '../plugin-host/plugin-host.js';
import { StagePool } from '../workers/stage-pool.js';
import { corpusBleu } from './bleu.js';
import { corpusChrf } from './chrf.js';
import { audioClips, sentencesIn, textPairs, texts, type AudioClip } from './eval-set.js';
import { chooseProvider, type EvalProvider } from './eval-provider.js';
import { mediaSource, StageCaller } from './stage-caller.js';

export const EVAL_TASKS = ['asr', 'mt', 'tts'] as const;
export type EvalTask = (typeof EVAL_TASKS)[number];

export interface EvalOptions {
  task: EvalTask;
  config: Config;
  /** A model id (or model folder): sets the plugin's `model` option; its entry names the plugin. */
  model?: string;
  /** A plugin name (the Debian engines: pocketsphinx, apertium, espeak-ng). */
  provider?: string;
  /** The user's clips instead of the bundled set (eval-set.ts says the layout). */
  clips?: string;
  /** Only the first so many clips (a quick look). */
  limit?: number;
  /** asr, tts: the language spoken (default en). */
  lang?: string;
  /** mt: the pair (default en -> es). */
  from?: string;
  to?: string;
  /** Every log line of the stages, for --verbose. */
  onLog?(level: string, message: string): void;
  signal?: AbortSignal;
}

export interface EvalRow {
  id: string;
  reference: string;
  hypothesis: string;
  /** asr, tts: this clip's WER; mt: this sentence's chrF. */
  score: number;
  /** asr: time of this clip's run. */
  ms?: number;
  /** asr: the clip's length; tts: the speech made. */
  audioMs?: number;
}

export interface EvalReport {
  task: EvalTask;
  provider: string;
  model?: string;
  /** 'en', or 'en-es' for mt. */
  language: string;
  /** Which ONNX Runtime execution providers ran the models (from the providers' log lines). */
  executionProviders: string[];
  rows: EvalRow[];
  /** The first run, with model loading; not part of the figures. */
  warmupMs: number;
  wer?: number;
  bleu?: number;
  chrf?: number;
  /** Processing time over audio time. */
  rtf?: number;
  msPerSentence?: number;
  /** tts: the provider that heard the speech back. */
  transcriber?: string;
}

interface Context {
  host: PluginHost;
  caller: StageCaller;
  executionProviders: Set<string>;
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
/** Each unit gets a slot this long, so no synthesis is sped up to fit. */
const SLOT_MS = 30_000;

export async function runEval(o: EvalOptions): Promise<EvalReport> {
  const cfg = o.config;
  // Before the plugins load: the ONNX providers' option defaults are models.executionProviders/threads.
  const models = modelRuntime(cfg.models);
  const host = await PluginHost.load({ dirs: cfg.plugins.dirs, options: cfg.plugins.options, preference: cfg.providers.preference, modelsDir: cfg.models.dir });
  const pool = new StagePool({
    threads: 1, idleTimeoutMs: cfg.workers.idleTimeoutMs, cancelGraceMs: cfg.workers.cancelGraceMs, modelsDir: cfg.models.dir, ...models,
  });
  const root = await mkdtemp(join(tmpdir(), 'dubarr-eval-'));
  const executionProviders = new Set<string>();
  const log = pino({ level: 'debug', base: undefined }, {
    write(line: string) {
      const j = JSON.parse(line) as { level: number; msg?: string; executionProvider?: string };
      if (j.executionProvider) executionProviders.add(j.executionProvider);
      o.onLog?.(LEVELS[j.level] ?? String(j.level), j.msg ?? line);
    },
  });
  const caller = new StageCaller({
    pool, log, root, signal: o.signal ?? new AbortController().signal,
    timeoutMs: (s) => s.timeoutMs ?? cfg.stages.timeoutMs[s.capability] ?? cfg.stages.timeoutMs.default!,
  });
  const ctx: Context = { host, caller, executionProviders };
  try {
    const report = o.task === 'asr' ? await evalAsr(ctx, o) : o.task === 'mt' ? await evalMt(ctx, o) : await evalTts(ctx, o);
    return { ...report, executionProviders: [...executionProviders].sort() };
  } finally {
    await pool.close();
    await rm(root, { recursive: true, force: true });
  }
}

type TaskReport = Omit<EvalReport, 'executionProviders'>;

async function evalAsr(ctx: Context, o: EvalOptions): Promise<TaskReport> {
  const lang = o.lang ?? 'en';
  const p = await chooseProvider(ctx.host, { capability: 'transcribe', task: 'asr', model: o.model, provider: o.provider, sourceLanguage: lang });
  const clips = o.clips ? first(o, audioClips(o.clips)) : await spokenSentences(ctx, lang, o);
  const audio = [];
  for (const c of clips) audio.push({ ...c, ...(await analysisAudio(ctx, c.media, lang)) });
  const transcribe = (a: { audio: StageOutput }) => ctx.caller.run<Transcript>(p.stage, { options: p.options, params: { sourceLanguage: lang }, inputs: { audio: a.audio } });
  const warmupMs = (await transcribe(audio[0]!)).ms;
  const rows: EvalRow[] = [];
  let errors = 0;
  let words = 0;
  for (const a of audio) {
    const r = await transcribe(a);
    const hypothesis = transcriptText(Transcript.parse(r.output.data));
    const e = wordErrors(a.reference, hypothesis);
    errors += e.errors;
    words += e.referenceWords;
    rows.push({ id: a.id, reference: a.reference, hypothesis, score: errorRate(e), ms: r.ms, audioMs: a.durationMs });
  }
  const ms = rows.reduce((s, r) => s + r.ms!, 0);
  const audioMs = rows.reduce((s, r) => s + r.audioMs!, 0);
  return { ...about(o, p, lang), rows, warmupMs, wer: errorRate({ errors, referenceWords: words }), rtf: ms / audioMs };
}

async function evalMt(ctx: Context, o: EvalOptions): Promise<TaskReport> {
  const from = o.from ?? 'en';
  const to = o.to ?? 'es';
  const p = await chooseProvider(ctx.host, { capability: 'translate', task: 'mt', model: o.model, provider: o.provider, sourceLanguage: from, targetLanguage: to });
  const pairs = first(o, o.clips ? textPairs(o.clips, from, to) : sentencesIn([from, to]).map((s) => ({ id: s.id, source: s[from]!, reference: s[to]! })));
  const translate = (items: typeof pairs) => ctx.caller.run<Translation>(p.stage, {
    options: p.options, params: { sourceLanguage: from, targetLanguage: to },
    inputs: { units: document(transcriptOf(items.map((i) => ({ id: i.id, text: i.source })), from)) },
  });
  const warmupMs = (await translate(pairs.slice(0, 1))).ms;
  const r = await translate(pairs);
  const byId = new Map(Translation.parse(r.output.data).segments.map((s) => [s.id, s.target]));
  const hypotheses = pairs.map((x) => byId.get(x.id) ?? '');
  const references = pairs.map((x) => x.reference);
  const rows = pairs.map((x, i) => ({ id: x.id, reference: x.reference, hypothesis: hypotheses[i]!, score: corpusChrf([hypotheses[i]!], [x.reference]) }));
  return {
    ...about(o, p, `${from}-${to}`), rows, warmupMs,
    bleu: corpusBleu(hypotheses, references).score, chrf: corpusChrf(hypotheses, references), msPerSentence: r.ms / pairs.length,
  };
}

async function evalTts(ctx: Context, o: EvalOptions): Promise<TaskReport> {
  const lang = o.lang ?? 'en';
  const p = await chooseProvider(ctx.host, { capability: 'synthesize', task: 'tts', model: o.model, provider: o.provider, targetLanguage: lang });
  const items = first(o, o.clips ? texts(o.clips, lang) : sentencesIn([lang]).map((s) => ({ id: s.id, text: s[lang]! })));
  // Intelligibility: the best transcriber a job would use for the language hears the speech back.
  const [hearer] = await ctx.host.select('transcribe', { sourceLanguage: lang }).catch((e: DubarrError) => {
    throw new DubarrError('E_NO_PROVIDER', `scoring speech needs a transcriber for ${lang} to hear it back: ${e.message}`);
  });
  const speak = (list: typeof items) => synthesize(ctx, p.stage, p.options, list, lang);
  const warmupMs = (await speak(items.slice(0, 1))).ms;
  const spoken = await speak(items);
  const rows: EvalRow[] = [];
  let errors = 0;
  let words = 0;
  for (const s of spoken.clips) {
    const a = await analysisAudio(ctx, s.media, lang);
    const heard = await ctx.caller.run<Transcript>(hearer!.stage, { options: hearer!.plugin.options, params: { sourceLanguage: lang }, inputs: { audio: a.audio } });
    const hypothesis = transcriptText(Transcript.parse(heard.output.data));
    const e = wordErrors(s.reference, hypothesis);
    errors += e.errors;
    words += e.referenceWords;
    rows.push({ id: s.id, reference: s.reference, hypothesis, score: errorRate(e), audioMs: s.durationMs });
  }
  const speechMs = rows.reduce((n, r) => n + r.audioMs!, 0);
  return {
    ...about(o, p, lang), rows, warmupMs, transcriber: hearer!.plugin.def.name,
    wer: errorRate({ errors, referenceWords: words }), rtf: spoken.ms / speechMs,
  };
}

function first<T>(o: EvalOptions, all: T[]): T[] {
  return o.limit ? all.slice(0, o.limit) : all;
}

function about(o: EvalOptions, p: EvalProvider, language: string): Pick<TaskReport, 'task' | 'provider' | 'model' | 'language'> {
  return { task: o.task, provider: p.plugin, model: p.model, language };
}

/** The bundled sentences of `lang`, spoken by espeak-ng (there are no recordings to ship). */
async function spokenSentences(ctx: Context, lang: string, o: EvalOptions): Promise<AudioClip[]> {
  const espeak = ctx.host.plugin('espeak-ng');
  const stage = espeak?.def.stages.find((s) => s.capability === 'synthesize');
  if (!espeak || !stage) throw new DubarrError('E_NO_PROVIDER', 'the bundled speech clips are spoken by espeak-ng, which is not installed: apt-get install espeak-ng, or give your own clips with --clips <dir>');
  const spoken = await synthesize(ctx, stage, espeak.options, first(o, sentencesIn([lang])).map((s) => ({ id: s.id, text: s[lang]! })), lang);
  return spoken.clips.map((c) => ({ id: c.id, media: c.media, reference: c.reference }));
}

async function synthesize(ctx: Context, stage: StageDefinition, options: object, items: Array<{ id: string; text: string }>, lang: string) {
  const translation: Translation = {
    sourceLanguage: lang, targetLanguage: lang, provider: 'eval',
    segments: items.map((it, i) => ({ id: it.id, start: i * SLOT_MS, end: (i + 1) * SLOT_MS - 1000, text: it.text, target: it.text })),
  };
  const r = await ctx.caller.run<SynthesizedSegments>(stage, { options, params: { targetLanguage: lang }, inputs: { translation: document(translation) } });
  const text = new Map(items.map((i) => [i.id, i.text]));
  const clips = SynthesizedSegments.parse(r.output.data).segments.map((s) => ({ id: s.id, media: r.output.files[s.file]!, reference: text.get(s.id)!, durationMs: s.durationMs }));
  return { ms: r.ms, clips };
}

/** The 16 kHz mono analysis track a job's extract step makes of a file. */
async function analysisAudio(ctx: Context, media: string, lang: string): Promise<{ audio: StageOutput; durationMs: number }> {
  const [extract] = await ctx.host.select('extract');
  const r = await ctx.caller.run<{ durationMs: number }>(extract!.stage, { options: extract!.plugin.options, params: { sourceLanguage: lang }, inputs: { source: mediaSource(media) } });
  return { audio: r.output, durationMs: r.output.data.durationMs };
}

function transcriptOf(items: Array<{ id: string; text: string }>, language: string): Transcript {
  return {
    language, source: { kind: 'subtitles', provider: 'eval' },
    segments: items.map((it, i) => ({ id: it.id, start: i * SLOT_MS, end: (i + 1) * SLOT_MS - 1000, text: it.text })),
  };
}

function transcriptText(t: Transcript): string {
  return t.segments.map((s) => s.text.trim()).filter(Boolean).join(' ');
}

function document(data: unknown): StageOutput {
  return { files: {}, data, hash: JSON.stringify(data) };
}
