import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kokoroPhonemes } from './kokoro-phonemes.js';

// Inputs as espeak-ng 1.51 prints them with --ipa --tie=^.
test('American English: one letter per diphthong and affricate, ɹ, no length marks, ɜɹ, tᵊn, ᵊl, ɔ for o', () => {
  assert.equal(kokoroPhonemes('a^ɪ lˈa^ɪk ma^ɪ d^ʒˈɔ^ɪ', 'en-us'), 'I lˈIk mI ʤˈY');
  assert.equal(kokoroPhonemes('həlˈo^ʊ wˈɜːld', 'en-us'), 'həlˈO wˈɜɹld');
  assert.equal(kokoroPhonemes('t^ʃˈɜːt^ʃ bˈɜːd nˈe^ɪʃən', 'en-us'), 'ʧˈɜɹʧ bˈɜɹd nˈAʃən');
  assert.equal(kokoroPhonemes('bˈɑːɾə^l wˈɔːɾɚ kjˈuːt bˈʌʔn̩', 'en-us'), 'bˈɑɾᵊl wˈɔɾəɹ kjˈut bˈʌtᵊn');
  assert.equal(kokoroPhonemes('ɡˌo^ʊ hˈa^ʊs, ðə ɹˈoʊd', 'en-us'), 'ɡˌO hˈWs, ðə ɹˈɔʊd', 'an untied o is ɔ');
  assert.equal(kokoroPhonemes('ˈɪə bˈɛ^ɹ', 'en-us'), 'ˈiə bˈɛɹ');
});

test('British English keeps length marks; əʊ is Q, eə is ɛː', () => {
  assert.equal(kokoroPhonemes('həlˈə^ʊ wˈɜːld', 'en-gb'), 'həlˈQ wˈɜːld');
  assert.equal(kokoroPhonemes('ðˈe^ə hˈɪə', 'en-gb'), 'ðˈɛː hˈɪə');
});

test('other languages: tied affricates and diphthongs only; everything else as espeak-ng says it', () => {
  assert.equal(kokoroPhonemes('me ɣˈusta el t^ʃˌokolˈate', 'es'), 'me ɣˈusta el ʧˌokolˈate');
  assert.equal(kokoroPhonemes('pˈit^sːa ad^zːˈurɾo d^ʒelˈato', 'it'), 'pˈiʦːa aʣːˈurɾo ʤelˈato');
  assert.equal(kokoroPhonemes('pˈɐ̃^ʊ̃ kˌoɾasˈɐ̃^ʊ̃', 'pt-br'), 'pˈɐ̃ʊ̃ kˌoɾasˈɐ̃ʊ̃', 'a tie with no single letter is dropped');
  assert.equal(kokoroPhonemes('ʃˈyʁʃ ɡʁˈo', 'fr-fr'), 'ʃˈyʁʃ ɡʁˈo', 'o stays o outside English');
});
