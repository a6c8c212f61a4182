/**
 * source-language:decide — which language the source text is in, from the evidence the job
 * has: the user's --from, text identification of subtitles used as the source, an
 * identify-language provider's verdict on the audio, and the tags (subtitles, recognizer, audio
 * stream). Every later step gets the decided language as params.sourceLanguage; the decision
 * and its evidence go to the QA report.
 */
import { DubarrError, defineStage, languageCode, throwIfCancelled, type SourceLanguageDecision, type Transcript } from '../sdk/index.js';
import { identifyTextLanguage } from '../sdk/text-language.js';
import { decideSourceLanguage, type DecisionInput } from './decide.js';
import { readAudioIdentification, readAudioTag, readGivenLanguage, readOptions, readTranscript } from './stage-inputs.js';

export default defineStage<unknown, SourceLanguageDecision>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const { minConfidence } = readOptions(input);
  const transcript = readTranscript(input);
  const audio = readAudioIdentification(input);
  const evidence: DecisionInput = { given: readGivenLanguage(input), audioTag: readAudioTag(input), minConfidence };
  const label = languageCode(transcript.language);
  if (transcript.source.kind === 'subtitles') {
    evidence.subtitleText = await identifySubtitles(transcript, (f) => {
      ctx.progress(f * 0.9, 'identifying the subtitle text');
      throwIfCancelled(ctx);
    });
    if (label) evidence.subtitleTag = { language: label, source: transcript.source.detail ?? 'subtitles' };
  } else if (label) {
    evidence.recognizer = { language: label, source: transcript.source.provider };
  }
  const top = audio?.candidates.slice().sort((a, b) => b.confidence - a.confidence)[0];
  const topCode = languageCode(top?.language);
  if (top && topCode) evidence.audio = { language: topCode, confidence: top.confidence, source: audio!.provider };
  throwIfCancelled(ctx);

  const decision = decideSourceLanguage(evidence);
  if (!decision) {
    const heard = evidence.subtitleText ? ' and the subtitle text is too short or mixed to identify' : '';
    throw new DubarrError('E_LANGUAGE_UNKNOWN',
      `Cannot tell which language the source is in: the audio stream is not tagged${heard}. Pass --from <language> (e.g. --from en).`);
  }
  if (decision.decidedBy === 'user' && evidence.subtitleText && evidence.subtitleText.language !== decision.language
    && evidence.subtitleText.confidence >= minConfidence) {
    ctx.log.warn({ given: decision.language, text: evidence.subtitleText }, 'the subtitle text reads as another language than the one given; using the given one');
  }
  ctx.progress(1, decision.note);
  return { data: decision };
});

async function identifySubtitles(t: Transcript, onProgress: (fraction: number) => void): Promise<DecisionInput['subtitleText']> {
  const guess = await identifyTextLanguage(t.segments.map((s) => s.text), { onProgress });
  return guess.language ? { language: guess.language, confidence: guess.confidence, source: guess.identifier } : undefined;
}
