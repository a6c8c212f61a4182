import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverSidecars, type DiscoverOptions } from './sidecar-discovery.js';

const order = (files: string[], opts: DiscoverOptions = {}) =>
  discoverSidecars('Movie.mkv', files, opts).map((c) => `${c.path}:${c.language ?? 'unknown'}`);

test('discoverSidecars ranks by the documented rules', () => {
  const table: Array<[what: string, files: string[], opts: DiscoverOptions, expected: string[]]> = [
    ['exact language beats untagged; other languages dropped',
      ['Movie.srt', 'Movie.es.srt', 'Movie.en.srt'], { sourceLanguage: 'en' }, ['Movie.en.srt:en', 'Movie.srt:en']],
    ['forced files are never a transcript by default',
      ['Movie.en.forced.srt', 'Movie.eng.forced.ass'], { sourceLanguage: 'en' }, []],
    ['allowForced keeps them, behind every full file',
      ['Movie.en.forced.srt', 'Movie.srt'], { sourceLanguage: 'en', allowForced: true }, ['Movie.srt:en', 'Movie.en.forced.srt:en']],
    ['plain before SDH (hi, cc, sdh)',
      ['Movie.en.hi.srt', 'Movie.en.sdh.srt', 'Movie.en.cc.srt', 'Movie.English.srt'], { sourceLanguage: 'en' },
      ['Movie.English.srt:en', 'Movie.en.cc.srt:en', 'Movie.en.hi.srt:en', 'Movie.en.sdh.srt:en']],
    ['preferSdh reverses it',
      ['Movie.en.srt', 'Movie.en.sdh.srt'], { sourceLanguage: 'en', preferSdh: true }, ['Movie.en.sdh.srt:en', 'Movie.en.srt:en']],
    ['format is only a tie-break: a plain vtt beats an SDH srt',
      ['Movie.en.sdh.srt', 'Movie.en.vtt'], { sourceLanguage: 'en' }, ['Movie.en.vtt:en', 'Movie.en.sdh.srt:en']],
    ['srt > ass > ssa > vtt',
      ['Movie.en.vtt', 'Movie.en.ssa', 'Movie.en.ass', 'Movie.en.srt'], { sourceLanguage: 'en' },
      ['Movie.en.srt:en', 'Movie.en.ass:en', 'Movie.en.ssa:en', 'Movie.en.vtt:en']],
    ['default flag first; unknown tags last',
      ['Movie.en.commentary.srt', 'Movie.en.srt', 'Movie.default.en.ass'], { sourceLanguage: 'en' },
      ['Movie.default.en.ass:en', 'Movie.en.srt:en', 'Movie.en.commentary.srt:en']],
    ['beside the video before Subs/',
      ['Subs/Movie.en.srt', 'Subtitles/English.srt', 'Movie.eng.vtt'], { sourceLanguage: 'en' },
      ['Movie.eng.vtt:en', 'Subs/Movie.en.srt:en', 'Subtitles/English.srt:en']],
    ['no source language: the only language present',
      ['Movie.srt', 'Movie.de.srt', 'Movie.ger.sdh.srt'], {}, ['Movie.de.srt:de', 'Movie.ger.sdh.srt:de', 'Movie.srt:unknown']],
    ['no source language, several: English',
      ['Movie.fr.srt', 'Movie.en.srt', 'Movie.de.srt'], {}, ['Movie.en.srt:en']],
    ['no source language, several without English: untagged only',
      ['Movie.fr.srt', 'Movie.srt', 'Movie.de.srt'], {}, ['Movie.srt:unknown']],
    ['no source language, only untagged',
      ['Movie.srt'], {}, ['Movie.srt:unknown']],
    ['a forced file does not make its language "present"',
      ['Movie.fr.srt', 'Movie.en.forced.srt'], {}, ['Movie.fr.srt:fr']],
    ['other videos\' and non-subtitle files are ignored',
      ['Movie 2.en.srt', 'Movie.en.nfo', 'Other.en.srt', 'Movie.mkv'], { sourceLanguage: 'en' }, []],
    ['case-insensitive names and folders',
      ['SUBS/MOVIE.EN.SRT', 'movie.English.Ass'], { sourceLanguage: 'en' }, ['movie.English.Ass:en', 'SUBS/MOVIE.EN.SRT:en']],
    // What a sidecar or in-place run writes beside the video: its transcript and translations.
    ['dubarr\'s own files are never the source text',
      ['Movie.dubarr.en.srt', 'Movie.dubarr.es.srt', 'Movie.DUBARR.es.vtt', 'Movie.en.dubarr.srt'], { sourceLanguage: 'en' }, []],
    ['dubarr\'s own files do not make their language "present" either',
      ['Movie.dubarr.es.srt', 'Movie.dubarr.es.ass', 'Movie.srt'], {}, ['Movie.srt:unknown']],
    ['the user\'s file beside ours is still found',
      ['Movie.dubarr.en.srt', 'Movie.en.srt', 'Movie.dubarr.es.srt'], {}, ['Movie.en.srt:en']],
  ];
  for (const [what, files, opts, expected] of table) assert.deepEqual(order(files, opts), expected, what);
});

test('a preferred language (the audio tag, a hint) is taken when a file has it, and changes nothing when none does', () => {
  const table: Array<[what: string, files: string[], preferred: string, expected: string[]]> = [
    ['the hinted language wins among several', ['Movie.en.srt', 'Movie.de.srt'], 'de', ['Movie.de.srt:de']],
    ['a wrong hint: the only tagged language is still used', ['Movie.en.srt', 'Movie.srt'], 'de', ['Movie.en.srt:en', 'Movie.srt:unknown']],
    ['a wrong hint: untagged files are still used, with no language', ['Movie.srt'], 'de', ['Movie.srt:unknown']],
    ['a hint absent among several falls back to English', ['Movie.fr.srt', 'Movie.en.srt'], 'de', ['Movie.en.srt:en']],
  ];
  for (const [what, files, preferred, expected] of table) assert.deepEqual(order(files, { preferredLanguage: preferred }), expected, what);
});
