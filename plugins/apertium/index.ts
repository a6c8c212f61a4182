import { definePlugin } from '../sdk/index.js';
import { installedPairs, listModes } from './modes.js';
import { ApertiumOptions } from './options.js';
import { probeApertium } from './probe.js';
import { missingPairHint } from './no-pair-error.js';
import { pairEngine } from './pair-fingerprint.js';

export { findMode, listModes, parseModeName, installedPairs, type ApertiumMode } from './modes.js';
export { debianPackageFor } from './packages.js';

export default definePlugin<ApertiumOptions>({
  name: 'apertium',
  version: '1.0.0',
  description: 'Offline rule-based translation with the installed apertium language pairs (apt-get install apertium-eng-spa ...).',
  options: ApertiumOptions,
  stages: [{
    id: 'apertium:translate',
    capability: 'translate',
    runIn: 'worker',
    entry: new URL('./translate.stage.js', import.meta.url),
    weight: 0.2,
  }],
  async engine(options, languages) {
    const probe = await probeApertium(options.binary);
    if (!probe.ok) throw new Error(`apertium does not run (${probe.error})`);
    return pairEngine(options.binary, probe.version ?? '', await listModes(options.modesDir), languages);
  },
  async available(options) {
    const probe = await probeApertium(options.binary);
    if (!probe.ok) {
      return { ok: false, reason: `apertium does not run (${probe.error}): apt-get install apertium apertium-eng-spa` };
    }
    const modes = await listModes(options.modesDir);
    if (modes.length === 0) {
      return {
        ok: false,
        reason: `${probe.version} has no language pair in ${options.modesDir ?? '/usr/share/apertium/modes'}: apt-get install apertium-eng-spa (or another apertium-xxx-yyy pair)`,
      };
    }
    return { ok: true, languages: { pairs: installedPairs(modes) }, howToAdd: missingPairHint };
  },
});
