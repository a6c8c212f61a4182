/**
 * Which Debian package would add a translation direction. Debian 12 names pair packages
 * apertium-<a>-<b>, with 3-letter codes on the newer ones (apertium-eng-spa) and 2-letter
 * codes on older ones (apertium-eo-en); one package usually holds both directions.
 * This is the bookworm list, transitional dummy packages left out.
 */
import { lookupLanguage } from '../sdk/index.js';

const DEBIAN_12_PAIRS = [
  'afr-nld', 'arg-cat', 'bel-rus', 'br-fr', 'cat-ita', 'cat-srd', 'dan-nor', 'en-gl', 'eng-cat', 'eng-spa',
  'eo-ca', 'eo-en', 'eo-es', 'eo-fr', 'es-gl', 'es-pt', 'es-ro', 'eu-en', 'eu-es', 'fr-es', 'fra-cat',
  'fra-frp', 'hbs-eng', 'hbs-mkd', 'hbs-slv', 'ind-zlm', 'isl-eng', 'isl-swe', 'mkd-bul', 'mkd-eng',
  'nno-nob', 'oc-ca', 'oc-es', 'oci-fra', 'pol-szl', 'por-cat', 'pt-gl', 'rus-ukr', 'spa-arg', 'spa-ast',
  'spa-cat', 'spa-ita', 'srd-ita', 'swe-dan', 'swe-nor', 'urd-hin',
];

function code(c: string): string {
  return lookupLanguage(c)?.code || c;
}

/** 'apertium-eng-spa' for ('en', 'es'); undefined when Debian 12 packages no such pair. */
export function debianPackageFor(source: string, target: string): string | undefined {
  const wanted = [code(source), code(target)].sort().join(' ');
  const pair = DEBIAN_12_PAIRS.find((p) => p.split('-').map(code).sort().join(' ') === wanted);
  return pair && `apertium-${pair}`;
}

/** The name a pair package gets under the current apertium-<iso639-3>-<iso639-3> convention. */
export function conventionalPackageName(source: string, target: string): string {
  const three = (c: string) => lookupLanguage(c)?.iso6392T || c;
  return `apertium-${three(source)}-${three(target)}`;
}
