/**
 * Channel layouts as readers see them. Whatever layout goes in, every encoder writes one that
 * ffprobe (the independent reader) names, and names as the result's `channelLayout` says; AAC
 * writes only its standard channel configurations, so a 5.1(side) source (E-AC-3 and AC-3 in
 * films) gives a 5.1 track, not a 6-channel "unknown". A dub track keeps its layout through a
 * remux into MP4, MKV and a sidecar .mka, each channel carrying what it carried.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decodeToWav, encodeAudio, remux } from '../../../native/lib/index.js';
import * as media from '../../fixtures/media.js';
import { ffprobe } from './ffprobe.js';
import { channel, readWav, toneAmplitude } from './signal.js';
import { scratchDir } from './scratch.js';

const dir = scratchDir('layouts');

/** Every layout libav names, 1 to 8 channels. */
const NAMED_LAYOUTS: ReadonlyArray<readonly [string, number]> = [
  ['mono', 1], ['stereo', 2], ['2.1', 3], ['3.0', 3], ['3.0(back)', 3], ['4.0', 4], ['quad', 4], ['quad(side)', 4], ['3.1', 4],
  ['5.0', 5], ['5.0(side)', 5], ['4.1', 5], ['5.1', 6], ['5.1(side)', 6], ['6.0', 6], ['6.0(front)', 6], ['hexagonal', 6],
  ['6.1', 7], ['6.1(back)', 7], ['6.1(front)', 7], ['7.0', 7], ['7.0(front)', 7], ['7.1', 8], ['7.1(wide)', 8], ['7.1(wide-side)', 8],
  ['octagonal', 8],
];

/** AAC's channel configurations 1-7 (ISO 14496-3), as libav names them. */
const AAC_STANDARD = ['mono', 'stereo', '3.0', '4.0', '5.0', '5.1', '7.1'];

/**
 * The dub track's codecs in the containers it is written to: AAC (MP4 and Matroska) for every
 * named layout; Opus (WebM) and FLAC for the layouts films come in.
 */
const FILM_LAYOUTS = ['stereo', '5.1', '5.1(side)', '6.1', '7.1'];
const TARGETS = [
  { codec: 'aac', ext: 'm4a', layouts: null }, { codec: 'aac', ext: 'mka', layouts: null },
  { codec: 'opus', ext: 'webm', layouts: FILM_LAYOUTS }, { codec: 'flac', ext: 'flac', layouts: FILM_LAYOUTS },
] as const;

async function probedLayout(path: string, stream = 0): Promise<string | undefined> {
  return (await ffprobe(path)).streams[stream]!.channel_layout;
}

/** Runs `work` over `items`, `lanes` at a time (each item spawns ffprobe). */
async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

it('every layout libav names, into each codec and container, comes out as a layout readers name: the one reported', async () => {
  const jobs = NAMED_LAYOUTS.flatMap(([layout, count]) => TARGETS.filter((t) => !t.layouts || t.layouts.includes(layout)).map((t) => ({ layout, count, ...t })));
  const wrong: string[] = [];
  await inLanes(jobs, 4, async ({ layout, count, codec, ext }) => {
    const out = join(dir, `${layout.replace(/\W+/g, '_')}-${codec}.${ext}`);
    // The fast AAC coder: the layout is the question here, not the quality.
    const result = await encodeAudio(await media.channelTonesWav(layout, count), out, { codec, ...(codec === 'aac' ? { aacCoder: 'fast' } : {}) });
    const read = await probedLayout(out);
    if (read !== result.channelLayout) wrong.push(`${layout} -> ${codec} .${ext}: reported ${result.channelLayout}, read ${read}`);
    else if (codec === 'aac' && !AAC_STANDARD.includes(read)) wrong.push(`${layout} -> AAC .${ext}: ${read} is not a standard AAC configuration`);
  });
  assert.deepEqual(wrong, []);
});

/** Output channel -> the tone (Hz) it must carry. */
type Expect = ReadonlyArray<readonly [number, number]>;

async function assertTones(path: string, expect: Expect, stream?: number): Promise<void> {
  const wav = join(dir, `tones-${Math.random().toString(36).slice(2)}.wav`);
  const decoded = readWav((await decodeToWav(path, wav, { format: 'f32', ...(stream === undefined ? {} : { stream }) })).path);
  for (const [c, hz] of expect) {
    assert.ok(toneAmplitude(channel(decoded, c), 48000, hz, 0.2, 0.8) > 0.1, `${path} channel ${c} carries ${hz} Hz`);
  }
}

describe('AAC keeps every speaker in place', () => {
  // Tones by input channel: FL 300, FR 400, FC 1000, LFE 100, then 500, 600, 700, 800.
  const cases: ReadonlyArray<{ from: string; count: number; to: string; expect: Expect }> = [
    // Side surrounds become back surrounds: the same speakers in a 5.1 room.
    { from: '5.1(side)', count: 6, to: '5.1', expect: [[0, 300], [1, 400], [2, 1000], [4, 500], [5, 600]] },
    { from: '5.0(side)', count: 5, to: '5.0', expect: [[0, 300], [1, 400], [2, 1000], [3, 100], [4, 500]] },
    { from: '7.1', count: 8, to: '7.1', expect: [[0, 300], [1, 400], [2, 1000], [4, 500], [5, 600], [6, 700], [7, 800]] },
    // 6.1's back centre (500 Hz) is shared by the back surrounds, which also take the sides.
    { from: '6.1', count: 7, to: '5.1', expect: [[0, 300], [1, 400], [2, 1000], [4, 500], [4, 600], [5, 500], [5, 700]] },
  ];
  for (const { from, count, to, expect } of cases) {
    it(`${from} -> ${to}, in .m4a and .mka`, async () => {
      const input = await media.channelTonesWav(from, count);
      for (const ext of ['m4a', 'mka']) {
        const result = await encodeAudio(input, join(dir, `speakers-${from.replace(/\W+/g, '_')}.${ext}`), { codec: 'aac' });
        assert.equal(result.channelLayout, to);
        assert.equal(await probedLayout(result.path), to);
        await assertTones(result.path, expect);
      }
    });
  }
});

describe('a 5.1 dub track keeps its layout through remux', () => {
  const sideTones: Expect = [[0, 300], [1, 400], [2, 1000], [4, 500], [5, 600]];
  const track = async () => encodeAudio(await media.channelTonesWav('5.1(side)', 6), join(dir, 'dub-5.1.m4a'), { codec: 'aac' });

  it('into MP4, MKV and a sidecar .mka', async () => {
    const dub = (await track()).path;
    const outputs = [
      { source: await media.h264AacMp4(), out: join(dir, 'dub51.mp4'), index: 2 },
      { source: await media.h264Ac3Mkv(), out: join(dir, 'dub51.mkv'), index: 4 },
    ];
    for (const o of outputs) {
      const r = await remux({ source: o.source, out: o.out, audio: [{ path: dub, language: 'spa' }] });
      assert.equal(await probedLayout(r.path, o.index), '5.1', r.path);
      await assertTones(r.path, sideTones, o.index);
    }
    // Sidecar mode: the track alone, into Matroska.
    const sidecar = await remux({ source: dub, out: join(dir, 'Movie.es.mka'), container: 'mkv', sourceStreams: [{ index: 0, language: 'spa' }] });
    assert.equal(await probedLayout(sidecar.path), '5.1');
    await assertTones(sidecar.path, sideTones);
  });
});
