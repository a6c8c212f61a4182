import { definePlugin } from '../sdk/index.js';
import { SubtitleWriterOptions } from './options.js';

export { planCues } from './plan-cues.js';
export { breakLines } from './line-break.js';
export { formatCues } from './format.js';
export { SubtitleReport } from './report.js';

export default definePlugin<SubtitleWriterOptions>({
  name: 'subtitle-writer',
  version: '1.0.0',
  description: 'SRT, WebVTT and ASS subtitles that follow reading rules (42 characters, 2 lines, 17 cps, 0.8 s, 2-frame gaps).',
  options: SubtitleWriterOptions,
  retiredOptions: { formats: 'use pipeline.subtitleFormats, which chooses the files of every subtitles step (the source language\'s too)' },
  stages: [{
    id: 'subtitle-writer:subtitle',
    capability: 'subtitle',
    languages: { input: '*', output: '*' },
    // Line breaking a feature film's few thousand cues takes a few hundred ms of CPU.
    runIn: 'worker',
    entry: new URL('./subtitle.stage.js', import.meta.url),
    weight: 0.05,
  }],
  async available() {
    return { ok: true };
  },
});
