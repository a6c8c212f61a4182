/** units:segment — dubbing units from a transcript (and VAD pauses and diarized speakers, when given). */
import { DubarrError, defineStage, languageCode, languageParam, throwIfCancelled, type Transcript } from '../sdk/index.js';
import { segmentUnits } from './segment-units.js';
import { readDiarization, readOptions, readSpeech, readTranscript } from './stage-inputs.js';

export default defineStage<unknown, Transcript>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = readOptions(input);
  const transcript = readTranscript(input);
  const speech = readSpeech(input);
  const diarization = readDiarization(input);
  // Reading and validating a film's transcript is the first half of the work; a cancel that
  // came meanwhile stops here.
  ctx.progress(0.5, `${transcript.segments.length} segments read`);
  throwIfCancelled(ctx);
  const units = segmentUnits(transcript, speech, options, diarization);
  // Nothing to dub: fail clearly here rather than write a silent track (the documented behaviour).
  if (units.segments.length === 0) {
    throw new DubarrError('E_NO_SPEECH', `No speech was found (${transcript.source.kind}: ${transcript.source.provider}); no dub track or subtitles were written and the source is untouched.`);
  }
  ctx.progress(1, `${transcript.segments.length} segments -> ${units.segments.length} units`);
  // The job's decided (or given) source language names the units' language: the transcript's own
  // label may be missing (untagged subtitles) or wrong (a mislabelled file).
  const language = languageCode(languageParam(input, 'sourceLanguage')) ?? languageCode(transcript.language);
  const { language: _label, ...rest } = units;
  return { data: language ? { ...rest, language } : rest };
});
