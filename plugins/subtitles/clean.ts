/**
 * One cue's text -> the dialogue turns in it. A turn is what one speaker says: dialogue
 * dashes ('- Hi.' / '- Hello.') and speaker labels start a new turn. Markup, sound
 * descriptions, lyrics and labels are removed; whitespace is normalised; turns with no
 * letters or digits left are dropped.
 */
import { isAssDrawing, stripMarkup } from './markup.js';
import { removeSoundDescriptions } from './sdh.js';
import { readSpeakerLabel } from './speaker-label.js';

export interface Turn {
  text: string;
  speaker?: string;
}

const DASH = /^\s*[-–—‐‑]+\s*/;

/** `actor` is a speaker known from outside the text (the ASS Name field). */
export function cleanCue(content: string, actor?: string): Turn[] {
  if (isAssDrawing(content)) return [];
  const lines = removeSoundDescriptions(stripMarkup(content)).split('\n');
  const turns: Array<{ lines: string[]; speaker?: string }> = [];
  let pendingSpeaker: string | undefined;
  let pendingBreak = false;
  for (const raw of lines) {
    const dashed = DASH.test(raw);
    const labelled = readSpeakerLabel(raw.replace(DASH, '').trim());
    const text = labelled.text.replace(DASH, '').trim();
    if (labelled.label) { pendingSpeaker = labelled.speaker; pendingBreak = true; }
    if (dashed) pendingBreak = true;
    if (!/[\p{L}\p{N}]/u.test(text)) continue;
    const current = turns.at(-1);
    if (!current || pendingBreak) turns.push({ lines: [text], speaker: labelled.label ? labelled.speaker : pendingSpeaker });
    else current.lines.push(text);
    pendingBreak = false;
    pendingSpeaker = undefined;
  }
  return turns.map((t) => {
    const speaker = t.speaker ?? actor;
    return { text: normalizeSpace(t.lines.join(' ')), ...(speaker ? { speaker } : {}) };
  });
}

function normalizeSpace(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/\s+([,.…])(?=\s|$)/g, '$1').trim();
}
