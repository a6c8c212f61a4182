/**
 * Speaker labels at the start of a subtitle line: 'JOHN: Hi.', '>> MARY SMITH: Yes.',
 * and WebVTT voices (made into VOICE marks by stripMarkup). SDH labels are upper case;
 * a mixed-case 'Note: ...' is dialogue, so only '>>' and voice labels may be mixed case.
 */
import { VOICE_CLOSE, VOICE_OPEN } from './markup.js';

export interface LabelledLine {
  /** The label as written, when there is one. */
  label?: string;
  /** The label as a speaker name; undefined for descriptions such as 'MAN' or 'WOMAN 2'. */
  speaker?: string;
  text: string;
}

const VOICE = new RegExp(`^${VOICE_OPEN}([^${VOICE_CLOSE}]+)${VOICE_CLOSE}\\s*`);
const CHEVRON = /^>>+\s*(?:([^:\n]{1,30}?)\s*:(?:\s+|$))?/;
const UPPER = /^(\p{Lu}[\p{Lu}\p{N} .'’&#-]{0,29}?)\s*:(?:\s+|$)/u;

/** Words that describe a speaker rather than name one. */
const DESCRIPTIONS = new Set(`man woman men women boy girl boys girls child children kid kids baby
  all both everyone everybody together crowd people group audience chorus narrator announcer
  reporter anchor newscaster voice voices radio tv television phone intercom computer robot
  officer policeman police cop doctor nurse guard guards driver soldier soldiers operator
  waiter waitress host hostess student students teacher crew pilot captain sergeant agent
  on over off in the a an other another old young female male v.o o.s v.o. o.s. pa`.split(/\s+/));

export function readSpeakerLabel(line: string): LabelledLine {
  const m = VOICE.exec(line) ?? CHEVRON.exec(line) ?? UPPER.exec(line);
  if (!m) return { text: line };
  const label = m[1]?.trim();
  const text = line.slice(m[0].length);
  if (!label || !/\p{L}/u.test(label)) return { text };
  return { label, speaker: speakerName(label), text };
}

function speakerName(label: string): string | undefined {
  const words = label.split(/\s+/);
  if (words.length > 3 || /\d|#/.test(label)) return undefined;
  if (words.some((w) => DESCRIPTIONS.has(w.toLowerCase().replace(/['’]s$/, '')))) return undefined;
  const allCaps = label === label.toUpperCase();
  return allCaps ? words.map((w) => w.charAt(0) + w.slice(1).toLowerCase()).join(' ') : label;
}
