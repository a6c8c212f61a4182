/**
 * The bad-input table: every operation on every broken file fails with a coded error that
 * carries the AVERROR and the caller's stack, and the process lives on.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  decodeToWav,
  decodeToWavSync,
  encodeAudio,
  extractSubtitle,
  measureLoudness,
  NATIVE_ERROR_CODES,
  openAudioStream,
  probe,
  probeSync,
  remux,
  runFilterGraph,
  thumbnail,
  clipVideo,
  type NativeError,
} from '../../../native/lib/index.js';
import * as media from '../../fixtures/media.js';
import { scratchDir, settledLeftovers } from './scratch.js';

const dir = scratchDir('bad-input');
const out = (ext: string) => join(dir, `out.${ext}`);

const BAD = {
  'truncated MP4 (index lost)': media.truncatedMp4,
  'zero-byte file': media.zeroByteMkv,
  'random bytes': media.randomBytesFile,
  'a text file named .mkv': media.textNamedMkv,
  'a path that does not exist': async () => join(dir, 'missing.mkv'),
};

const OPERATIONS: Record<string, (path: string) => Promise<unknown>> = {
  probe: (p) => probe(p),
  probeSync: async (p) => probeSync(p),
  decodeToWav: (p) => decodeToWav(p, out('wav')),
  decodeToWavSync: async (p) => decodeToWavSync(p, out('wav')),
  openAudioStream: (p) => openAudioStream(p),
  encodeAudio: (p) => encodeAudio(p, out('m4a'), { codec: 'aac' }),
  runFilterGraph: (p) => runFilterGraph({ inputs: [p], graph: 'anull', out: out('wav'), codec: 'wav' }),
  measureLoudness: (p) => measureLoudness(p),
  remux: (p) => remux({ source: p, out: out('mkv') }),
  extractSubtitle: (p) => extractSubtitle(p, 0, out('srt'), 'srt'),
  thumbnail: (p) => thumbnail(p, { time: 1, width: 64 }),
  clipVideo: (p) => clipVideo(p, out('mp4'), { start: 0, duration: 1 }),
};

function checkError(e: unknown, expectedCode: string): void {
  const err = e as NativeError;
  assert.equal(err.name, 'NativeError');
  assert.equal(err.code, expectedCode, err.message);
  assert.ok(NATIVE_ERROR_CODES.includes(err.code));
  assert.ok(err.averror < 0, 'carries the AVERROR');
  // The JS call site, not the wrapper's insides, heads the stack.
  assert.match(err.stack ?? '', /bad-input\.test\.js/);
}

describe('bad inputs give coded errors', () => {
  for (const [name, make] of Object.entries(BAD)) {
    for (const [op, run] of Object.entries(OPERATIONS)) {
      it(`${op}: ${name} -> E_MEDIA_UNREADABLE`, async () => {
        const path = await make();
        try {
          await run(path);
        } catch (e) {
          checkError(e, 'E_MEDIA_UNREADABLE');
          assert.match((e as Error).message, /Invalid data|No such file|End of file/);
          return;
        }
        assert.fail('no error');
      });
    }
  }

  it('a video-only file: probes fine, has no audio to decode', async () => {
    const path = await media.videoOnlyMp4();
    assert.equal((await probe(path)).streams.length, 1);
    for (const run of [OPERATIONS.decodeToWav!, OPERATIONS.openAudioStream!, OPERATIONS.measureLoudness!, OPERATIONS.encodeAudio!]) {
      await assert.rejects(run(path), (e: NativeError) => (assert.equal(e.code, 'E_NO_AUDIO_STREAM'), true));
    }
    const remuxed = await remux({ source: path, out: out('mp4') });
    assert.equal(remuxed.streams.length, 1, 'remuxing it is fine');
  });

  it('leaves no output or temporary files behind', async () => {
    assert.deepEqual(await settledLeftovers(dir), []);
  });
});
