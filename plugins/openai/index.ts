/**
 * openai — OpenAI and OpenAI-compatible servers (Ollama, LM Studio, LocalAI, speaches) for
 * speech recognition (/audio/transcriptions), speech (/audio/speech) and translation by a chat
 * model (/chat/completions), each step on its own: a user may translate with a local Ollama and
 * keep everything else local. Results depend on the server's models, which the plugin cannot
 * fingerprint; the model names and the server are part of every cache key.
 */
import { definePlugin } from '../sdk/index.js';
import { isOpenAIHost, OpenAIOptions, serverName } from './options.js';

const stage = (id: string, capability: string, file: string, weight: number) => ({
  id: `openai:${id}`, capability, runIn: 'main' as const, entry: new URL(file, import.meta.url), weight,
});

export default definePlugin<OpenAIOptions>({
  name: 'openai',
  version: '1.0.0',
  description: 'OpenAI-compatible servers (OpenAI, Ollama, LM Studio, LocalAI, speaches): transcription with word times, speech, and context-aware translation by a chat model with a syllable budget per line.',
  options: OpenAIOptions,
  stages: [
    { ...stage('transcribe', 'transcribe', './transcribe.stage.js', 3), languages: { input: '*', output: '*' } },
    { ...stage('source-text', 'source-text', './transcribe.stage.js', 3), languages: { input: '*', output: '*' } },
    stage('translate', 'translate', './translate.stage.js', 1),
    stage('synthesize', 'synthesize', './synthesize.stage.js', 1),
  ],
  async engine(o) {
    // What the answers depend on beyond options: which server answers (never the key).
    return { server: serverName(o.baseUrl) };
  },
  async available(o) {
    if (!o.apiKey && isOpenAIHost(o.baseUrl)) {
      return { ok: false, reason: 'no API key: set plugins.options.openai.apiKey (or DUBARR_PLUGINS_OPTIONS_OPENAI__API_KEY), or point plugins.options.openai.baseUrl at a local server such as Ollama (http://localhost:11434/v1)' };
    }
    return { ok: true };
  },
});
