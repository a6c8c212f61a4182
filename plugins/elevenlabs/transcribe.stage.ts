/**
 * elevenlabs:transcribe and elevenlabs:source-text — ElevenLabs Scribe (scribe.ts) on the
 * extract step's analysis track: a Transcript with speakers and word timestamps
 * (scribe-transcript.ts). Billed by audio seconds, bought once per audio.
 */
import { defineStage, languageParam, parseOptions, throwIfCancelled, type Transcript } from '../sdk/index.js';
import { ElevenLabsOptions } from './options.js';
import { scribeAudio } from './scribe.js';
import { scribeTranscript } from './scribe-transcript.js';

export default defineStage<unknown, Transcript>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = parseOptions(ElevenLabsOptions, input, 'elevenlabs');
  const { json } = await scribeAudio(input, ctx, options, languageParam(input, 'sourceLanguage'), 'elevenlabs:transcribe');
  const transcript = scribeTranscript(json, options.scribeModel);
  ctx.progress(1, `${transcript.segments.length} segments`);
  return { data: transcript };
});
