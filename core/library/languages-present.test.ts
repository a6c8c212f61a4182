import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probe, type ProbeResult } from '../../native/lib/index.js';
import { commercialDubMkv, dubOnlyDubbedMkv, h264AacMp4 } from '../../test/fixtures/media.js';
import { audioTrackLanguages, languagesInNames } from './languages-present.js';

test('audio tracks count by their language tag, normalised (spa, fre, eng -> es, fr, en)', async () => {
  assert.deepEqual(audioTrackLanguages(await probe(await dubOnlyDubbedMkv())), ['fr', 'es']);
  assert.deepEqual(audioTrackLanguages(await probe(await commercialDubMkv())), ['en', 'fr']);
  assert.deepEqual(audioTrackLanguages(await probe(await h264AacMp4())), ['en']);
});

test('commentary, audio description and undetermined tracks are not the film in a language', async () => {
  const probed = await probe(await commercialDubMkv());
  const [en, fr] = probed.streams.filter((s) => s.type === 'audio');
  const marked: ProbeResult = {
    ...probed,
    streams: [
      { ...en!, language: 'und' },
      { ...fr!, dispositions: { ...fr!.dispositions, comment: true } },
      { ...fr!, language: 'spa', dispositions: { ...fr!.dispositions, visualImpaired: true } },
    ],
  };
  assert.deepEqual(audioTrackLanguages(marked), []);
});

test('audio sidecars and dubbed versions named after the video count; subtitles and other videos do not', () => {
  const names = [
    'Movie (2001).mkv', 'Movie (2001).es.mka', 'Movie (2001).dubarr.ca.m4a', 'Movie (2001) - dub de fr.mkv',
    'Movie (2001).it.srt', 'Movie (2001).pt.ass', 'Other.ja.mka', 'Movie (2001).mka', 'Movie (2001).commentary.mka',
  ];
  assert.deepEqual(languagesInNames('/media/Movie (2001).mkv', names).sort(), ['ca', 'de', 'es', 'fr']);
  assert.deepEqual(languagesInNames('/media/MOVIE (2001).MKV', ['movie (2001).ES.MKA']), ['es'], 'names compare in any case');
});
