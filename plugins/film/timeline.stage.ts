/**
 * film:timeline — where every scene and line sits, from the speech of every language
 * (inputs `speech:<lang>`, one per target language).
 */
import { defineStage, parseOptions, requireDocument, Script, SynthesizedSegments, DubarrError, type Timeline } from '../sdk/index.js';
import { layOut } from './lay-out.js';
import { FilmOptions } from './options.js';

export default defineStage<unknown, Timeline>(async (input) => {
  const options = parseOptions(FilmOptions, input, 'film');
  const script = requireDocument(Script, input, 'script', 'a Script', 'film:timeline');
  const spokenMs = new Map<string, number>();
  const languages: string[] = [];
  // In the job's order of target languages: the first is the film's default audio.
  const order = Array.isArray(input.params.targetLanguages) ? input.params.targetLanguages as string[] : [];
  const names = Object.keys(input.inputs).filter((n) => n.startsWith('speech:'));
  names.sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
  for (const name of names) {
    const speech = requireDocument(SynthesizedSegments, input, name, 'SynthesizedSegments', 'film:timeline');
    languages.push(name.slice('speech:'.length));
    for (const s of speech.segments) spokenMs.set(s.id, Math.max(spokenMs.get(s.id) ?? 0, s.durationMs));
  }
  if (languages.length === 0) throw new DubarrError('E_INVALID_ARGUMENT', 'film:timeline needs the speech of at least one language (inputs speech:<lang>)');
  return { data: layOut(script, spokenMs, languages, options) };
});

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name.slice('speech:'.length));
  return i < 0 ? order.length : i;
}
