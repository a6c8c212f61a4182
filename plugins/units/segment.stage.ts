/** units:segment — dubbing units from a transcript (and VAD pauses, when given). */
import { defineStage, throwIfCancelled, type Transcript } from '../sdk/index.js';
import { segmentUnits } from './segment-units.js';
import { readOptions, readSpeech, readTranscript } from './stage-inputs.js';

export default defineStage<unknown, Transcript>(async (input, ctx) => {
  throwIfCancelled(ctx.signal);
  const options = readOptions(input);
  const transcript = readTranscript(input);
  const speech = readSpeech(input);
  const units = segmentUnits(transcript, speech, options);
  ctx.progress(1, `${transcript.segments.length} segments -> ${units.segments.length} units`);
  return { data: units };
});
