import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookupLanguage, languageCode, requireLanguage } from './languages.js';

test('language codes resolve from 639-1, 639-2/B, 639-2/T, names and regions', () => {
  assert.equal(lookupLanguage('es')?.iso6392B, 'spa');
  assert.equal(lookupLanguage('ger')?.code, 'de');
  assert.equal(lookupLanguage('deu')?.iso6392B, 'ger');
  assert.equal(lookupLanguage('pt-BR')?.code, 'pt');
  assert.equal(lookupLanguage('Spanish')?.nativeName, 'Español');
  assert.equal(languageCode('CAT'), 'ca');
  assert.equal(lookupLanguage('und'), undefined);
  assert.equal(lookupLanguage(''), undefined);
  assert.throws(() => requireLanguage('xx'), /Unknown language 'xx'/);
});
