/**
 * diarize:identify-speakers — the diarize step's speakers renamed by the series' speaker
 * library, so 'S1' of this episode is 'S1' of the others, and this episode's speakers stored
 * for the next ones. Reads and writes the library (side effects): the dub preset runs it
 * uncached; its cache key, should a preset cache it, includes the library's files.
 */
import { mkdir } from 'node:fs/promises';
import { defineStage, DubarrError, throwIfCancelled, type Diarization } from '../sdk/index.js';
import { speakersDir } from '../sdk/speakers-dir.js';
import { episodeFileName, libraryFolder, librarySpeakers, nameSpeakers, readLibrary, seriesFolder, writeEpisode } from './library.js';
import { readDiarization, readOptions, readSourcePath } from './stage-inputs.js';

export default defineStage<unknown, Diarization>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const o = readOptions(input);
  const d = readDiarization(input);
  if (!d) throw new DubarrError('E_NOT_APPLICABLE', 'there is no diarization to name: the diarize step was skipped');
  const source = readSourcePath(input);
  const root = speakersDir();
  const why = !o.speakerLibrary ? 'diarize.speakerLibrary is false' : !source ? 'no source file' : !root ? 'no speakers dir is set' : undefined;
  if (why || d.speakers.length === 0) {
    ctx.log.info({ reason: why ?? 'no speakers' }, 'speaker library not used');
    return { data: d };
  }
  const series = seriesFolder(source!);
  const folder = libraryFolder(root!, series);
  const own = episodeFileName(source!);
  const { episodes, unreadable } = await readLibrary(folder, own);
  if (unreadable.length) ctx.log.warn({ unreadable }, 'speaker library files that could not be read were left out; delete them to stop this warning');
  throwIfCancelled(ctx);
  const names = nameSpeakers(d.speakers, librarySpeakers(episodes, d.embedder), o.libraryThreshold);
  const speakers = d.speakers.map((s) => ({ ...s, id: names.get(s.id)!.id, known: names.get(s.id)!.known }));
  const segments = d.segments.map((s) => ({ ...s, speaker: names.get(s.speaker)?.id ?? s.speaker }));
  await mkdir(folder, { recursive: true });
  const file = await writeEpisode(folder, own, {
    version: 1, series, source: source!, embedder: d.embedder,
    speakers: speakers.filter((s) => s.embedding).map((s) => ({ id: s.id, speechMs: s.speechMs, embedding: s.embedding! })),
  });
  const matched = speakers.filter((s) => s.known).length;
  ctx.progress(1, `${matched} of ${speakers.length} speakers known in the series`);
  ctx.log.info({ series, file, matched, added: speakers.length - matched, episodes: episodes.length }, 'speakers named by the series library');
  return { data: { ...d, speakers, segments, library: { series, matched, added: speakers.length - matched } } };
});
