import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knownLanguageTag, lookupLanguage, languageCode, requireLanguage } from './languages.js';

test('language codes resolve from 639-1, 639-2/B, 639-2/T, names and regions', () => {
  assert.equal(lookupLanguage('es')?.iso6392B, 'spa');
  assert.equal(lookupLanguage('ger')?.code, 'de');
  assert.equal(lookupLanguage('deu')?.iso6392B, 'ger');
  assert.equal(lookupLanguage('pt-BR')?.code, 'pt');
  assert.equal(lookupLanguage('Spanish')?.nativeName, 'Español');
  assert.equal(languageCode('CAT'), 'ca');
  assert.throws(() => requireLanguage('xx'), /Unknown language 'xx'/);
});

test('tags that mean "unknown" are never a language, wherever they come from', () => {
  const unknown = ['und', 'UND', ' und ', 'und-Latn', 'mis', 'mul', 'zxx', 'qaa', 'qtz', 'unknown', 'Unknown', 'none', 'n/a',
    '', '   ', 'xx', 'klingonish', undefined, null, 42, {}];
  for (const tag of unknown) {
    assert.equal(lookupLanguage(tag), undefined, JSON.stringify(tag));
    assert.equal(languageCode(tag), undefined, JSON.stringify(tag));
    assert.equal(knownLanguageTag(tag), undefined, JSON.stringify(tag));
  }
  // Real codes next to the markers still resolve: Nauru ('na'), Quechua ('que', outside qaa-qtz).
  assert.equal(languageCode('na'), 'na');
  assert.equal(languageCode('que'), 'qu');
  assert.equal(knownLanguageTag(' pt-BR '), 'pt-BR');
  assert.throws(() => requireLanguage('und'), /means "language unknown".*'auto'/);
});
