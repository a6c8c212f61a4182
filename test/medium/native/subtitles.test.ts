/** extractSubtitle: embedded text subtitles to .srt / .ass, matching what the ffmpeg CLI extracts. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractSubtitle, extractSubtitleSync, remux, type NativeError } from '../../../native/lib/index.js';
import * as media from '../../fixtures/media.js';
import { ffmpegText } from './ffprobe.js';
import { scratchDir } from './scratch.js';

const dir = scratchDir('subtitles');

describe('extractSubtitle', () => {
  it('writes the SRT stream of an MKV exactly as the ffmpeg CLI does', async () => {
    const mkv = await media.h264Ac3Mkv();
    const result = await extractSubtitle(mkv, 3, join(dir, 'eng.srt'), 'srt');
    assert.equal(result.events, media.SRT_EVENTS.length);
    assert.equal(readFileSync(result.path, 'utf8'), await ffmpegText(['-i', mkv, '-map', '0:3', '-f', 'srt', '-']));
    for (const e of media.SRT_EVENTS) assert.ok(readFileSync(result.path, 'utf8').includes(e.text));
  });

  it('converts to ASS', async () => {
    const result = extractSubtitleSync(await media.h264Ac3Mkv(), 3, join(dir, 'eng.ass'), 'ass');
    const text = readFileSync(result.path, 'utf8');
    assert.match(text, /^\[Script Info\]/);
    assert.equal(text.match(/^Dialogue:/gm)?.length, media.SRT_EVENTS.length);
    assert.ok(text.includes('Hello there.'));
  });

  it('turns MP4 mov_text back into SRT', async () => {
    const mp4 = (await remux({ source: await media.h264AacMp4(), out: join(dir, 'with-subs.mp4'), subtitles: [{ path: await media.srtFile(), language: 'eng' }] })).path;
    const result = await extractSubtitle(mp4, 2, join(dir, 'back.srt'), 'srt');
    assert.equal(readFileSync(result.path, 'utf8'), await ffmpegText(['-i', mp4, '-map', '0:2', '-f', 'srt', '-']));
    assert.ok(readFileSync(result.path, 'utf8').includes('00:00:00,500 --> 00:00:01,500\nHello there.'));
  });

  it('refuses streams that are not subtitles', async () => {
    const mkv = await media.h264Ac3Mkv();
    for (const index of [1, 42]) {
      await assert.rejects(extractSubtitle(mkv, index, join(dir, 'x.srt'), 'srt'), (e: NativeError) => e.code === 'E_INVALID_ARGUMENT');
    }
    await assert.rejects(extractSubtitle(mkv, 3, join(dir, 'x.srt'), 'vtt' as never), (e: NativeError) => e.code === 'E_INVALID_ARGUMENT');
  });
});
