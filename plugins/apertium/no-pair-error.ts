import { DubarrError, lookupLanguage } from '../sdk/index.js';
import { installedPairs, type ApertiumMode } from './modes.js';
import { conventionalPackageName, debianPackageFor } from './packages.js';

/** E_NO_PROVIDER for a direction no installed mode translates: what is there, what to install. */
export function noPairError(source: string, target: string, modes: readonly ApertiumMode[]): DubarrError {
  const name = (c: string) => lookupLanguage(c)?.name ?? c;
  const pairs = installedPairs(modes).map(([a, b]) => `${a}->${b}`);
  const pkg = debianPackageFor(source, target);
  const fix = missingPairHint(source, target);
  return new DubarrError('E_NO_PROVIDER',
    `apertium has no ${name(source)} -> ${name(target)} pair installed (installed: ${pairs.join(', ') || 'none'}); ${fix}.`,
    { details: { source, target, installedPairs: pairs, ...(pkg ? { aptPackage: pkg } : {}) } });
}

/** What adds a direction: the Debian package, or the name it would have. */
export function missingPairHint(source: string | undefined, target: string | undefined): string | undefined {
  if (!source || !target) return undefined;
  const pkg = debianPackageFor(source, target);
  return pkg
    ? `apt-get install ${pkg} would add it`
    : `Debian 12 packages no apertium pair for it (it would be named ${conventionalPackageName(source, target)}); use another translate provider`;
}
