/**
 * The dub pipeline end to end, offline, through the real CLI, on generated talk videos:
 * espeak-ng English speech at known times over a background bed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseSubtitles } from 'subsrt-ts';
import { decodeToWavSync, probeSync } from '../../native/lib/index.js';
import { readWav } from '../../plugins/sdk/wav.js';
import { talkVideo, type TalkVideoFixture } from '../fixtures/speech.js';
import { dubWorkspace, outputsOf, stepData, type DubRun } from './dub-harness.js';

interface PlacedUnit { id: string; start: number; placedStart: number; placedEnd: number; factor: number; overflowMs: number }

function videoPackets(path: string): string {
  const lines = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-map', '0:v', '-c', 'copy', '-f', 'framemd5', '-']).toString();
  return createHash('sha256').update(lines.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').slice(4).join(',')).join('\n')).digest('hex');
}

/** 10 ms RMS levels in dBFS of one audio track of a file, mono 16 kHz. */
async function levels(path: string, language: string, dir: string): Promise<number[]> {
  const wav = join(dir, `levels-${language}.wav`);
  decodeToWavSync(path, wav, { language, sampleRate: 16000, channels: 'mono' });
  const x = (await readWav(wav)).channels[0]!;
  const out: number[] = [];
  for (let i = 0; i + 160 <= x.length; i += 160) {
    let s = 0;
    for (let k = i; k < i + 160; k++) s += x[k]! * x[k]!;
    out.push(10 * Math.log10(s / 160 + 1e-12));
  }
  return out;
}

function checkSubtitleFile(path: string): number {
  const cues = parseSubtitles(readFileSync(path, 'utf8')).filter((c) => c.type === 'caption') as Array<{ start: number; end: number; text: string }>;
  assert.ok(cues.length > 0, `${path} has cues`);
  cues.forEach((c, i) => {
    const lines = c.text.split(/\r?\n/);
    assert.ok(lines.length <= 2, `${path} cue ${i}: ${lines.length} lines`);
    for (const l of lines) assert.ok(l.length <= 42, `${path} cue ${i}: line of ${l.length} chars`);
    assert.ok(c.end - c.start >= 800, `${path} cue ${i}: ${c.end - c.start} ms`);
    if (i > 0) assert.ok(c.start >= cues[i - 1]!.end, `${path} cue ${i} overlaps the one before`);
  });
  return cues.length;
}

test('dub --to es: ASR source, a tagged dub track, video copied, subtitles beside it, units on time', async () => {
  const w = await dubWorkspace('asr');
  try {
    // A quieter bed than the default: pocketsphinx loses most words under a -30 dB one.
    const video = await talkVideo({ dir: w.dir, backgroundDb: -42 });
    const run = await w.dub(video.path, '--to', 'es');
    assert.equal(run.code, 0, run.err);
    const mux = outputsOf(run.job).mux!.data as { video: string; written: string[] };
    assert.equal(mux.video, join(w.dir, 'talk - dub es.mp4'));
    assert.ok(existsSync(video.path), 'the source is still there');

    const src = probeSync(video.path);
    const out = probeSync(mux.video);
    const audio = out.streams.filter((s) => s.type === 'audio');
    assert.equal(audio.length, 2);
    assert.equal(audio[1]!.language, 'spa');
    assert.equal(audio[1]!.handlerName ?? audio[1]!.title, 'Español (AI dub)');
    assert.equal(videoPackets(mux.video), videoPackets(video.path), 'video packets identical: copied, not re-encoded');
    const frameMs = 1000 / (src.streams.find((s) => s.type === 'video')!.frameRate ?? 25);
    assert.ok(Math.abs((out.duration! - src.duration!) * 1000) <= frameMs, `duration ${out.duration} vs ${src.duration}`);

    assert.ok(checkSubtitleFile(join(w.dir, 'talk - dub es.es.srt')) >= 5);
    assert.ok(checkSubtitleFile(join(w.dir, 'talk - dub es.es.vtt')) >= 5);

    const dataDir = join(w.dir, 'data');
    assert.equal(run.runs.find((r) => r.step === 'text' && r.status === 'succeeded')?.provider, 'pocketsphinx');
    await assertUnitsOnTime(run, dataDir, mux.video, w.dir);
    const qa = outputsOf(run.job).qa!.data as { source: { kind: string }; targets: Record<string, { units: number }> };
    assert.equal(qa.source.kind, 'asr');
    assert.ok(qa.targets.es!.units >= 5);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

async function assertUnitsOnTime(run: DubRun, dataDir: string, output: string, dir: string): Promise<void> {
  const fit = await stepData<{ units: PlacedUnit[] }>(run, dataDir, 'fit:es');
  const units = [...fit.units].sort((a, b) => a.start - b.start);
  assert.ok(units.length >= 5);
  units.forEach((u, i) => {
    assert.equal(u.placedStart, u.start, `${u.id} is placed at its source start`);
    if (i + 1 < units.length) assert.ok(u.placedEnd <= units[i + 1]!.placedStart, `${u.id} overlaps the next unit`);
    if (u.overflowMs === 0) assert.ok(u.factor <= 1.25, `${u.id} factor ${u.factor}`);
  });
  // Onsets measured in the output track: the first 10 ms frame clearly above the ducked bed.
  const lv = await levels(output, 'spa', dir);
  const quiet = [...lv].sort((a, b) => a - b)[Math.floor(lv.length * 0.1)]!;
  const threshold = quiet + 12;
  for (const u of units) {
    const from = Math.max(0, Math.floor((u.start - 300) / 10));
    const onset = lv.findIndex((v, i) => i >= from && v > threshold);
    assert.ok(onset >= 0, `${u.id}: no onset found`);
    assert.ok(Math.abs(onset * 10 - u.start) <= 100, `${u.id}: onset at ${onset * 10} ms, unit starts at ${u.start} ms`);
  }
}

test('dub with an English SRT sidecar: no ASR; --to es,ca reuses the analysis and adds spa + cat tracks', async () => {
  const w = await dubWorkspace('srt');
  try {
    const video: TalkVideoFixture = await talkVideo({ dir: w.dir, srtSidecar: true, name: 'Show' });
    const first = await w.dub(video.path, '--to', 'es');
    assert.equal(first.code, 0, first.err);
    assert.equal(first.runs.find((r) => r.step === 'text' && r.status === 'succeeded')?.provider, 'subtitles');
    assert.ok(!first.runs.some((r) => r.provider === 'pocketsphinx'), 'no speech recognition ran');
    const es = await readFile(join(w.dir, 'Show - dub es.es.srt'), 'utf8');
    const esCues = parseSubtitles(es).filter((c) => c.type === 'caption') as Array<{ start: number; end: number; text: string }>;
    // The translation of the given cues: every source cue is covered by Spanish text at its time.
    for (const cue of video.cues) {
      assert.ok(esCues.some((c) => c.start < cue.end && c.end > cue.start), `no Spanish cue at ${cue.start}-${cue.end}`);
    }
    assert.match(es, /puente/i);
    assert.doesNotMatch(es, /bridge/i);

    const both = await w.dub(video.path, '--to', 'es,ca');
    assert.equal(both.code, 0, both.err);
    const status = (step: string) => both.runs.filter((r) => r.step === step).map((r) => r.status);
    for (const step of ['extract', 'vad', 'text', 'units', 'translate:es', 'synthesize:es']) assert.deepEqual(status(step), ['cached'], step);
    for (const step of ['translate:ca', 'synthesize:ca']) assert.deepEqual(status(step), ['succeeded'], step);
    const out = probeSync(join(w.dir, 'Show - dub es ca.mp4'));
    assert.deepEqual(out.streams.filter((s) => s.type === 'audio').map((s) => s.language), ['eng', 'spa', 'cat']);
    assert.match(await readFile(join(w.dir, 'Show - dub es ca.ca.srt'), 'utf8'), /pont/i);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

for (const container of ['mkv', 'mp4'] as const) {
  test(`5.1(side) E-AC-3 in ${container.toUpperCase()}: a standard 5.1 dub track whose non-centre channels keep the background`, async () => {
    const w = await dubWorkspace(`surround-${container}`);
    try {
      const video = await talkVideo({ dir: w.dir, channels: 6, surroundCodec: 'eac3', container, srtSidecar: true, name: 'Film' });
      const run = await w.dub(video.path, '--to', 'es');
      assert.equal(run.code, 0, run.err);
      const outPath = join(w.dir, `Film - dub es.${container}`);
      // As players read it: ffprobe names the layout (a 5.1(side) AAC would be "unknown").
      const probed = ffprobeStreams(outPath).filter((s) => s.codec_type === 'audio');
      assert.deepEqual(probed.map((s) => [s.codec_name, s.channels, s.channel_layout]), [['eac3', 6, '5.1(side)'], ['aac', 6, '5.1']]);
      const rms = async (path: string, language: string) => {
        const wav = join(w.dir, `ch-${language}.wav`);
        decodeToWavSync(path, wav, { language, channels: 'original', sampleRate: 48000 });
        return (await readWav(wav)).channels.map((c) => 10 * Math.log10(c.reduce((s, v) => s + v * v, 0) / c.length + 1e-12));
      };
      const before = await rms(video.path, 'eng');
      const after = await rms(outPath, 'spa');
      const centre = 2; // FL FR FC LFE SL/BL SR/BR: the side surrounds come out of the back ones
      for (const ch of [0, 1, 4, 5]) assert.ok(Math.abs(after[ch]! - before[ch]!) <= 0.5, `channel ${ch}: ${before[ch]!.toFixed(2)} -> ${after[ch]!.toFixed(2)} dB`);
      const loudestBed = Math.max(...[0, 1, 4, 5].map((c) => before[c]!));
      assert.ok(after[centre]! > loudestBed + 6, `the centre carries the dub (${after[centre]!.toFixed(1)} dB vs bed ${loudestBed.toFixed(1)} dB)`);
    } finally {
      await rm(w.dir, { recursive: true, force: true });
    }
  });
}

interface ProbedStream { codec_type: string; codec_name: string; channels?: number; channel_layout?: string; disposition: Record<string, number>; tags?: Record<string, string> }

/** The streams as the ffmpeg CLI's own prober reads them: the independent view of our output. */
function ffprobeStreams(path: string): ProbedStream[] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', path], { encoding: 'utf8' });
  return (JSON.parse(out) as { streams: ProbedStream[] }).streams;
}

test('default tracks and subtitle formats: the original audio, no default subtitles and SRT + WebVTT, or as configured; analysis is reused', async () => {
  const w = await dubWorkspace('defaults');
  try {
    const video = await talkVideo({ dir: w.dir, srtSidecar: true, name: 'Talk' });
    const out = join(w.dir, 'Talk - dub es.mp4');
    const flags = () => {
      const streams = ffprobeStreams(out);
      return ['audio', 'subtitle'].map((type) => streams.filter((s) => s.codec_type === type).map((s) => [s.tags?.language, s.disposition.default]));
    };
    const first = await w.dub(video.path, '--to', 'es');
    assert.equal(first.code, 0, first.err);
    assert.deepEqual(flags(), [[['eng', 1], ['spa', 0]], [['spa', 0]]]);

    // What the mux wrote: the dub, and the subtitles in Spanish and of the English transcript, in the same formats.
    const written = (run: DubRun) => (outputsOf(run.job).mux!.data as { written: string[] }).written.map((p) => basename(p)).sort();
    assert.deepEqual(written(first), ['Talk - dub es.en.srt', 'Talk - dub es.en.vtt', 'Talk - dub es.es.srt', 'Talk - dub es.es.vtt', 'Talk - dub es.mp4']);

    const env = { DUBARR_PIPELINE_DEFAULT_AUDIO: 'dub', DUBARR_PIPELINE_DEFAULT_SUBTITLE: 'dub', DUBARR_PIPELINE_SUBTITLE_FORMATS: 'srt,ass' };
    const second = await w.dubWithEnv(env, video.path, '--to', 'es');
    assert.equal(second.code, 0, second.err);
    assert.deepEqual(flags(), [[['eng', 0], ['spa', 1]], [['spa', 1]]]);
    assert.deepEqual(written(second), ['Talk - dub es.en.ass', 'Talk - dub es.en.srt', 'Talk - dub es.es.ass', 'Talk - dub es.es.srt', 'Talk - dub es.mp4'],
      'every file beside our own video is ours: rewritten in the formats now chosen');
    assert.deepEqual((await readdir(w.dir)).filter((n) => n.startsWith('Talk - dub es.')).sort(), written(second),
      'and ours in the format no longer chosen (WebVTT) are gone');
    assert.ok(existsSync(join(w.dir, 'Talk.en.srt')), 'the user\'s own subtitles stay');
    assert.match(await readFile(join(w.dir, 'Talk - dub es.es.ass'), 'utf8'), /^\[V4\+ Styles\]$/m);
    // Job parameters of the steps that read them: only those re-run, the analysis and the dub come from the cache.
    const ran = second.runs.filter((r) => r.status === 'succeeded').map((r) => r.step).sort();
    assert.deepEqual(ran, ['mux', 'qa', 'source-subtitles', 'subtitles:es']);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('bad inputs: no audio, no speech, an uninstalled language pair', async () => {
  const w = await dubWorkspace('bad');
  try {
    const silent = await talkVideo({ dir: w.dir, audio: false, name: 'noaudio' });
    const noAudio = await w.dub(silent.path, '--to', 'es');
    assert.equal(noAudio.code, 1);
    assert.match(noAudio.err, /E_NO_AUDIO_STREAM/);

    const bed = await talkVideo({ dir: w.dir, speech: false, name: 'nospeech' });
    const noSpeech = await w.dub(bed.path, '--to', 'es');
    assert.equal(noSpeech.code, 1);
    assert.match(noSpeech.err, /E_NO_SPEECH/);
    assert.ok(!existsSync(join(w.dir, 'nospeech - dub es.mp4')), 'no empty dub was written');

    const talk = await talkVideo({ dir: w.dir, srtSidecar: true, name: 'talk' });
    const noPair = await w.dub(talk.path, '--to', 'fr');
    assert.equal(noPair.code, 1);
    assert.match(noPair.err, /E_NO_PROVIDER/);
    assert.match(noPair.err, /en->es/);
    assert.match(noPair.err, /apertium-eng-fra|apt-get/);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('watch folder: a video dropped in is dubbed beside itself, once', async () => {
  const w = await dubWorkspace('watch', 'library');
  const library = join(w.dir, 'library');
  await mkdir(library, { recursive: true });
  const server = w.serve();
  try {
    const video = await talkVideo({ srtSidecar: true, name: 'Episode' });
    // As a download client would: subtitles first, then the video.
    await copyFile(video.srtPath!, join(library, 'Episode.en.srt'));
    await copyFile(video.path, join(library, 'Episode.mp4'));
    const s = w.store();
    const until = Date.now() + 300_000; // a hang guard, no bound on speed
    let job = s.listJobs()[0];
    while ((!job || !['succeeded', 'failed'].includes(job.status)) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      job = s.listJobs()[0];
    }
    assert.equal(job?.status, 'succeeded', job?.error?.message);
    assert.equal(job!.origin, 'watch');
    assert.ok(existsSync(join(library, 'Episode - dub es.mp4')));
    // The dubbed file must not become a job of its own. A video dropped after it is the
    // marker: once that one is queued, the watcher has judged the dubbed file (seen earlier).
    await copyFile(video.path, join(library, 'Later.mp4'));
    const later = Date.now() + 60_000;
    while (!s.listJobs().some((j) => basename(j.input) === 'Later.mp4') && Date.now() < later) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(s.listJobs().map((j) => basename(j.input)).sort(), ['Episode.mp4', 'Later.mp4']);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await rm(w.dir, { recursive: true, force: true });
  }
});

const SPANISH = [
  'Buenas noches y bienvenidos al programa.',
  'El primer puente del valle era de madera.',
  'El puente nuevo es de piedra y de acero.',
  'Los niños cruzan el río cada mañana.',
  'Gracias por mirar y buenas noches.',
];

test('Spanish source with Spanish subtitles -> English dub, back-transcribed by the English recognizer for the QA report', async () => {
  const w = await dubWorkspace('back');
  try {
    const video = await talkVideo({ dir: w.dir, name: 'Pelicula', voice: 'es', sentences: SPANISH, backgroundDb: -45 });
    const srt = video.cues.map((c, i) => `${i + 1}\n${stamp(c.start)} --> ${stamp(c.end)}\n${c.text}\n`).join('\n');
    await writeFile(join(w.dir, 'Pelicula.es.srt'), srt);
    const run = await w.dub(video.path, '--from', 'es', '--to', 'en');
    assert.equal(run.code, 0, run.err);
    assert.equal(run.runs.find((r) => r.step === 'back:en')?.provider, 'pocketsphinx');
    const qa = outputsOf(run.job).qa!.data as { targets: Record<string, { backTranscription: { provider?: string; wordErrorRate?: number } }> };
    const back = qa.targets.en!.backTranscription;
    assert.equal(back.provider, 'pocketsphinx');
    // A dub the recognizer cannot follow at all scores ~1.0; espeak-ng English over a ducked bed scores far lower.
    assert.ok(back.wordErrorRate! < 0.85, `back-transcription WER ${back.wordErrorRate}`);
    assert.match(await readFile(join(w.dir, 'Pelicula - dub en.en.srt'), 'utf8'), /bridge/i);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

function stamp(ms: number): string {
  const p = (n: number, w = 2) => String(Math.floor(n)).padStart(w, '0');
  return `${p(ms / 3_600_000)}:${p((ms / 60_000) % 60)}:${p((ms / 1000) % 60)},${p(ms % 1000, 3)}`;
}
