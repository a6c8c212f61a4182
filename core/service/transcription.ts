/**
 * Transcription of one uploaded file, outside any job: the service behind the
 * whisper-asr-webservice and OpenAI doors (POST /asr, /detect-language,
 * /v1/audio/transcriptions). The upload is decoded to the 16 kHz mono analysis WAV with the
 * native addon, then VAD, the transcribe capability and (for SRT/WebVTT) the subtitle
 * capability run through the plugin host and the worker pool, as a job's stages do, but with
 * nothing cached or recorded: the request is the whole lifetime of its files. Recognition
 * shares the transcribe slots (stages.concurrency) with the jobs, at interactive priority.
 */
import { UNMETERED } from '../../plugins/sdk/cost.js';
import type { CostLedger } from '../jobs/cost-ledger.js';
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { decodeToWav } from '../../native/lib/index.js';
import { SpeechSegments, Transcript } from '../../plugins/sdk/artifacts.js';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { languageCode } from '../../plugins/sdk/languages.js';
import type { StageInput, StageOutput, StageResult } from '../../plugins/sdk/plugin.js';
import type { Config } from '../config/schema.js';
import { executeStage } from '../pipeline/execute-stage.js';
import type { CapabilityLimits } from '../jobs/priority-limiter.js';
import { PRIORITY } from '../jobs/store.js';
import type { PluginHost, StageChoice } from '../plugin-host/plugin-host.js';
import type { StagePool } from '../workers/stage-pool.js';

export interface TranscriptionDeps {
  config: Config;
  plugins: PluginHost;
  pool: StagePool;
  /** The scheduler's per-capability limits: recognition here takes a transcribe slot like a job's step. */
  limits: CapabilityLimits;
  log: Logger;
  /** Paid recognition here counts toward budget.perDay like a job's (absent: not metered). */
  costs?: CostLedger;
}

export type SubtitleFormat = 'srt' | 'vtt';

export interface TranscribeRequest {
  /** The uploaded file, inside a workspace of this service. */
  file: string;
  /**
   * How to read it: 'media', any file FFmpeg reads; 'pcm16k', headerless 16 kHz mono s16le PCM
   * (whisper-asr-webservice's encode=false).
   */
  input: 'media' | 'pcm16k';
  /** The spoken language (any code or English name); absent: the provider's own assumption. */
  language?: string;
  /** A transcribe provider (plugin name); absent: providers.preference. */
  provider?: string;
  /** Also write the transcript as subtitles in this format (the subtitle capability's reading rules). */
  subtitles?: SubtitleFormat;
  /** Recognize only the first this-many ms of speech (language detection: a film's opening music is skipped). */
  speechMs?: number;
  signal: AbortSignal;
}

export interface TranscriptionResult {
  transcript: Transcript;
  /** ISO 639-1 of the text, when known. */
  language?: string;
  durationMs: number;
  /** The transcribe provider that ran. */
  provider: string;
  /** The subtitle file's text, when asked for. */
  subtitles?: string;
}

export type TranscriptionStep = 'decode' | 'vad' | 'transcribe' | 'subtitle';

export interface TranscriptionEvents {
  /** A step of a request made progress (fraction of that step). */
  progress: [{ id: string; step: TranscriptionStep; fraction: number }];
  /** A request ended: its outcome's code ('ok' or the error's). */
  ended: [{ id: string; outcome: string }];
  /** A workspace and everything in it (upload, work files) was removed. */
  removed: [{ dir: string }];
}

/** Where the service's workspaces live: under the data dir, so an upload never lands in memory or /tmp. */
export const transcriptionsDir = (config: Config): string => join(config.dataDir, 'transcriptions');

export class TranscriptionService {
  readonly events = new EventEmitter<TranscriptionEvents>();
  private readonly root: string;
  private seq = 0;

  constructor(private readonly d: TranscriptionDeps) {
    this.root = transcriptionsDir(d.config);
  }

  /**
   * Runs `fn` with a fresh folder for one request's upload and work files, and removes the
   * folder afterwards, whatever happened.
   */
  async withWorkspace<T>(fn: (dir: string) => Promise<T>): Promise<T> {
    await mkdir(this.root, { recursive: true });
    const dir = await mkdtemp(join(this.root, 'r-'));
    try {
      return await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
      this.events.emit('removed', { dir });
    }
  }

  /** Workspaces a crashed server left behind (a server calls this at start, before it takes requests). */
  async sweep(): Promise<void> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    await Promise.all(names.map((n) => rm(join(this.root, n), { recursive: true, force: true })));
  }

  /** Names of the installed plugins with a transcribe stage (available or not). */
  transcribeProviders(): string[] {
    return this.d.plugins.plugins().filter((p) => p.def.stages.some((s) => s.capability === 'transcribe')).map((p) => p.def.name);
  }

  async transcribe(req: TranscribeRequest): Promise<TranscriptionResult> {
    const id = `t${++this.seq}`;
    try {
      const result = await this.run(id, req);
      this.events.emit('ended', { id, outcome: 'ok' });
      return result;
    } catch (e) {
      const err = req.signal.aborted ? new DubarrError('E_CANCELLED', 'Cancelled: the client went away', { cause: e }) : DubarrError.from(e);
      this.events.emit('ended', { id, outcome: err.code });
      throw err;
    }
  }

  private async run(id: string, req: TranscribeRequest): Promise<TranscriptionResult> {
    const language = requestedLanguage(req.language);
    // Chosen before the upload is decoded: a language no provider takes is refused at once.
    const transcribers = await this.d.plugins.select('transcribe', { provider: req.provider, sourceLanguage: language });
    const workDir = dirname(req.file); // the request's workspace
    const wav = join(workDir, 'audio.wav');
    const progress = (step: TranscriptionStep) => (fraction: number) => this.events.emit('progress', { id, step, fraction });

    const decoded = await decodeToWav(req.file, wav, {
      sampleRate: 16_000, channels: 'mono', centerOnly: req.input === 'media', signal: req.signal,
      ...(req.input === 'pcm16k' ? { raw: { sampleFormat: 's16', sampleRate: 16_000, channels: 1 } } : {}),
      onProgress: (p) => { if (p.totalSeconds) progress('decode')(Math.min(1, p.seconds / p.totalSeconds)); },
    }).catch((e: unknown) => { throw unreadable(e); });
    if (decoded.samples === 0) throw new DubarrError('E_MEDIA_UNREADABLE', 'The upload holds no audio (it decoded to nothing)');
    const durationMs = Math.round(decoded.durationSeconds * 1000);
    const audio: StageOutput = { files: { audio: wav }, data: null, hash: 'upload' };
    const params = language ? { sourceLanguage: language } : {};

    const vad = await this.speech(audio, workDir, req, progress('vad'));
    const speech = req.speechMs === undefined ? vad : firstSpeech(vad, req.speechMs, durationMs);
    const { transcript, provider } = await this.recognize(transcribers, {
      options: {}, params, inputs: { audio, ...(speech ? { vad: { files: {}, data: speech, hash: 'vad' } } : {}) },
    }, workDir, req.signal, progress('transcribe'));
    const textLanguage = languageCode(transcript.language) ?? language;
    const subtitles = req.subtitles === undefined ? undefined
      : await this.subtitles(transcript, textLanguage, req.subtitles, workDir, req.signal, progress('subtitle'));
    return { transcript, language: textLanguage, durationMs, provider, subtitles };
  }

  /** Where speech is, from the first VAD provider that runs; undefined (the whole track) when none can. */
  private async speech(audio: StageOutput, workDir: string, req: TranscribeRequest, onProgress: (f: number) => void): Promise<SpeechSegments | undefined> {
    const choices = await this.d.plugins.select('vad').catch(() => [] as StageChoice[]);
    for (const choice of choices) {
      try {
        const r = await this.execute(choice, { options: {}, params: {}, inputs: { audio } }, workDir, req.signal, onProgress);
        return SpeechSegments.parse(r.data);
      } catch (e) {
        if (req.signal.aborted) throw e;
        this.d.log.warn({ provider: choice.plugin.def.name, err: (e as Error).message }, 'transcription: VAD failed; trying the next provider, else the whole track');
      }
    }
    return undefined;
  }

  private async recognize(
    choices: StageChoice[], input: StageInput, workDir: string, signal: AbortSignal, onProgress: (f: number) => void,
  ): Promise<{ transcript: Transcript; provider: string }> {
    const declined: string[] = [];
    for (const choice of choices) {
      const release = await this.d.limits.acquire('transcribe', PRIORITY.interactive, signal);
      try {
        const r = await this.execute(choice, input, workDir, signal, onProgress);
        return { transcript: Transcript.parse(r.data), provider: choice.plugin.def.name };
      } catch (e) {
        if (DubarrError.from(e).code !== 'E_NOT_APPLICABLE') throw e;
        declined.push(`${choice.plugin.def.name}: ${(e as Error).message}`);
      } finally {
        release();
      }
    }
    throw new DubarrError('E_NO_PROVIDER', `Every transcribe provider declined:\n  ${declined.join('\n  ')}`);
  }

  private async subtitles(
    transcript: Transcript, language: string | undefined, format: SubtitleFormat, workDir: string, signal: AbortSignal, onProgress: (f: number) => void,
  ): Promise<string> {
    const [choice] = await this.d.plugins.select('subtitle', { sourceLanguage: language });
    const r = await this.execute(choice!, {
      options: {}, params: { subtitleFormats: [format], ...(language ? { sourceLanguage: language } : {}) },
      inputs: { transcript: { files: {}, data: transcript, hash: 'transcript' } },
    }, workDir, signal, onProgress);
    const file = r.files?.[format];
    if (!file) throw new DubarrError('E_PLUGIN_INVALID', `${choice!.stage.id} wrote no ${format} file`);
    return readFile(file, 'utf8');
  }

  /** One stage run in its own work folder, with the provider's configured options and the stage timeout. */
  private async execute(choice: StageChoice, input: StageInput, workDir: string, signal: AbortSignal, onProgress: (f: number) => void): Promise<StageResult> {
    const { stage, plugin } = choice;
    const { timeoutMs } = this.d.config.stages;
    return executeStage(stage, { ...input, options: this.d.plugins.optionsFor(plugin.def.name) }, {
      workDir: await mkdtemp(join(workDir, `${stage.capability}-`)),
      signal,
      timeoutMs: stage.timeoutMs ?? timeoutMs[stage.capability] ?? timeoutMs.default ?? 3_600_000,
      log: this.d.log.child({ transcription: stage.id }),
      pool: this.d.pool,
      onProgress,
      cost: this.d.costs?.meterFor(undefined, `transcription:${stage.id}`) ?? UNMETERED,
    });
  }
}

/** The request's language as ISO 639-1 (or 639-3); E_INVALID_ARGUMENT when it names none. */
function requestedLanguage(given: string | undefined): string | undefined {
  if (given === undefined || given === '') return undefined;
  const code = languageCode(given === 'jw' ? 'jv' : given); // Whisper spells Javanese 'jw'
  if (!code) throw new DubarrError('E_INVALID_ARGUMENT', `language: '${given}' is not a language code (use ISO 639-1, e.g. 'en')`);
  return code;
}

/** Decoding errors of an upload say that the upload is the problem. */
function unreadable(e: unknown): DubarrError {
  const err = DubarrError.from(e);
  if (err.code === 'E_CANCELLED' || err.code === 'E_INTERNAL') return err;
  return new DubarrError(err.code, `The uploaded file cannot be read as audio: ${err.message}`, { cause: e });
}

/** The first `speechMs` of speech (of the whole track without VAD): the regions recognition reads. */
function firstSpeech(vad: SpeechSegments | undefined, speechMs: number, durationMs: number): SpeechSegments {
  const segments: SpeechSegments['segments'] = [];
  let total = 0;
  for (const s of vad?.segments ?? [{ start: 0, end: durationMs }]) {
    if (total >= speechMs) break;
    const end = Math.min(s.end, s.start + speechMs - total);
    segments.push({ ...s, end });
    total += end - s.start;
  }
  return { durationMs: vad?.durationMs ?? durationMs, segments };
}
