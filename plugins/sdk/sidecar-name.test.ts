import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DubarrError } from './errors.js';
import { DUBARR_SIDECAR_TAG, isDubarrSidecar, parseSidecarName, sidecarName } from './sidecar-name.js';

const V = 'Movie.mkv';

test('parseSidecarName reads Jellyfin/Plex/Emby sidecar names', () => {
  const table: Array<[file: string, expected: ReturnType<typeof parseSidecarName> | undefined]> = [
    ['Movie.srt', { forced: false, sdh: false, default: false, format: 'srt', unknownTags: [] }],
    ['Movie.en.srt', { language: 'en', forced: false, sdh: false, default: false, format: 'srt', unknownTags: [] }],
    ['Movie.eng.srt', { language: 'en', forced: false, sdh: false, default: false, format: 'srt', unknownTags: [] }],
    ['Movie.English.srt', { language: 'en', forced: false, sdh: false, default: false, format: 'srt', unknownTags: [] }],
    ['movie.ENGLISH.SRT', { language: 'en', forced: false, sdh: false, default: false, format: 'srt', unknownTags: [] }],
    ['Movie.en.forced.srt', { language: 'en', forced: true, sdh: false, default: false, format: 'srt', unknownTags: [] }],
    ['Movie.eng.sdh.srt', { language: 'en', forced: false, sdh: true, default: false, format: 'srt', unknownTags: [] }],
    ['Movie.en.hi.srt', { language: 'en', forced: false, sdh: true, default: false, format: 'srt', unknownTags: [] }],
    ['Movie.hi.srt', { language: 'hi', forced: false, sdh: false, default: false, format: 'srt', unknownTags: [] }],
    ['Movie.en.cc.srt', { language: 'en', forced: false, sdh: true, default: false, format: 'srt', unknownTags: [] }],
    ['Movie.default.en.srt', { language: 'en', forced: false, sdh: false, default: true, format: 'srt', unknownTags: [] }],
    ['Movie.es.ass', { language: 'es', forced: false, sdh: false, default: false, format: 'ass', unknownTags: [] }],
    ['Movie.fre.SSA', { language: 'fr', forced: false, sdh: false, default: false, format: 'ssa', unknownTags: [] }],
    ['Movie.de.vtt', { language: 'de', forced: false, sdh: false, default: false, format: 'vtt', unknownTags: [] }],
    ['Movie.pt-BR.srt', { language: 'pt', forced: false, sdh: false, default: false, format: 'srt', unknownTags: [] }],
    ['Movie.en-sdh.srt', { language: 'en', forced: false, sdh: true, default: false, format: 'srt', unknownTags: [] }],
    ['Movie.English (SDH).srt', { language: 'en', forced: false, sdh: true, default: false, format: 'srt', unknownTags: [] }],
    ['Movie.en.commentary.srt', { language: 'en', forced: false, sdh: false, default: false, format: 'srt', unknownTags: ['commentary'] }],
    ['Subs/Movie.en.srt', { language: 'en', forced: false, sdh: false, default: false, format: 'srt', unknownTags: [] }],
    ['Subtitles/English.srt', { language: 'en', forced: false, sdh: false, default: false, format: 'srt', unknownTags: [] }],
    ['Subs/2_English.srt', { language: 'en', forced: false, sdh: false, default: false, format: 'srt', unknownTags: ['2'] }],
    ['Subs/Other Film.srt', undefined],
    ['Movie 2.en.srt', undefined],
    ['Moviex.en.srt', undefined],
    ['Movie.en.sub', undefined],
    ['Movie.en.txt', undefined],
  ];
  for (const [file, expected] of table) assert.deepEqual(parseSidecarName(V, file), expected, file);
  // Dotted video names keep their dots.
  assert.equal(parseSidecarName('The.Matrix.1999.mkv', 'The.Matrix.1999.eng.forced.srt')?.forced, true);
  assert.equal(parseSidecarName('The.Matrix.1999.mkv', 'The.Matrix.1999.eng.forced.srt')?.language, 'en');
});

test('sidecarName writes the 2-letter names media servers read back', () => {
  assert.equal(sidecarName('/media/films/Movie.mkv', 'es', { ext: 'srt' }), 'Movie.es.srt');
  assert.equal(sidecarName('/media/The.Matrix.1999.mp4', 'spa', { ext: '.vtt' }), 'The.Matrix.1999.es.vtt');
  assert.equal(sidecarName('Movie.mkv', 'en', { forced: true, ext: 'srt' }), 'Movie.en.forced.srt');
  assert.equal(sidecarName('Movie.mkv', 'English', { sdh: true, ext: 'SRT' }), 'Movie.en.sdh.srt');
  for (const name of ['Movie.es.srt', 'Movie.en.forced.srt', 'Movie.en.sdh.srt']) {
    const back = parseSidecarName('Movie.mkv', name);
    assert.ok(back?.language, name);
  }
  assert.throws(() => sidecarName('Movie.mkv', 'xx-nope', { ext: 'srt' }), (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT');
});

test('dubarr\'s tag goes before the language (media servers read the language last) and marks the file as ours', () => {
  assert.equal(sidecarName('/media/Movie (2001).mp4', 'es', { ext: 'srt', tag: DUBARR_SIDECAR_TAG }), 'Movie (2001).dubarr.es.srt');
  assert.equal(sidecarName('Movie.mkv', 'en', { ext: 'vtt', tag: DUBARR_SIDECAR_TAG, sdh: true }), 'Movie.dubarr.en.sdh.vtt');
  const ours = parseSidecarName('Movie (2001).mp4', 'Movie (2001).dubarr.es.srt')!;
  assert.equal(ours.language, 'es');
  assert.equal(isDubarrSidecar(ours), true);
  for (const name of ['Movie.es.srt', 'Movie.es.commentary.srt', 'Movie.dubbed.es.srt']) {
    assert.equal(isDubarrSidecar(parseSidecarName('Movie.mkv', name)!), false, name);
  }
  assert.throws(() => sidecarName('Movie.mkv', 'es', { ext: 'srt', tag: 'two words' }), (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT');
});
