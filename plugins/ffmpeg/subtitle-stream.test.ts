import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SubtitleStreamInfo } from './media-info.js';
import { chooseSubtitleStream } from './subtitle-stream.stage.js';

const stream = (index: number, language: string | undefined, more: Partial<SubtitleStreamInfo> = {}): SubtitleStreamInfo =>
  ({ index, codec: 'subrip', language, forced: false, hearingImpaired: false, text: true, ...more });

test('embedded subtitles: a given language is strict, the audio tag only a hint', () => {
  const streams = [stream(2, 'de', { hearingImpaired: true }), stream(3, 'en'), stream(4, 'de'), stream(5, 'fr', { forced: true })];
  assert.equal(chooseSubtitleStream(streams, 'de')?.index, 4, 'given: plain before SDH');
  assert.equal(chooseSubtitleStream(streams, 'it'), undefined, 'given: nothing in another language');
  assert.equal(chooseSubtitleStream(streams, undefined, 'de')?.index, 4, 'hint present: used');
  // A WebM tagged 'deu' whose subtitles are English: a wrong tag must not hide them.
  assert.equal(chooseSubtitleStream([stream(2, 'en')], undefined, 'de')?.index, 2);
  assert.equal(chooseSubtitleStream([stream(2, undefined)], undefined, 'de')?.index, 2);
  assert.equal(chooseSubtitleStream([stream(2, 'fr'), stream(3, 'fr', { forced: true })], undefined, 'de'), undefined);
  assert.equal(chooseSubtitleStream(streams, undefined)?.index, 3, 'no language: English');
});
