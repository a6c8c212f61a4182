import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { envName } from './env.js';
import { loadConfig, loadConfigWithFile } from './load.js';
import { RENAMED_KEYS } from './renamed-keys.js';
import { watchFolder } from './schema.js';
import type { ConfigProblem } from './problems.js';

const tempDirs: string[] = [];
after(() => { for (const d of tempDirs) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dubarr-config-'));
  tempDirs.push(dir);
  return dir;
}

function withFile(yaml: string, name = 'dubarr.yaml'): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return { dir, file };
}

/** The E_CONFIG_INVALID error thrown by `load`, with its problem list. */
function configFailure(load: () => unknown): { error: DubarrError; problems: ConfigProblem[] } {
  try {
    load();
  } catch (e) {
    assert.ok(e instanceof DubarrError, `expected a DubarrError, got ${String(e)}`);
    assert.equal(e.code, 'E_CONFIG_INVALID');
    return { error: e, problems: e.details?.problems as ConfigProblem[] };
  }
  assert.fail('loadConfig did not throw');
}

test('defaults: paths absolute against cwd, derived paths filled in, threads = CPU count', () => {
  const cwd = tempDir();
  const c = loadConfig({ env: {}, cwd });
  assert.equal(c.dataDir, join(cwd, 'data'));
  assert.equal(c.database.path, join(cwd, 'data', 'dubarr.db'));
  assert.equal(c.cache.dir, join(cwd, 'data', 'cache'));
  assert.equal(c.watch.folders[0]?.path, join(cwd, 'data', 'watch'));
  assert.equal(c.pipeline.outDir, '', "'' means next to the source, so it stays ''");
  assert.equal(c.workers.threads, availableParallelism());
  assert.deepEqual(c.stages.concurrency, { transcribe: 1, separate: 1, diarize: 1, synthesize: 2 });
  assert.equal(c.server.port, 7878);
});

test('./dubarr.yaml in cwd is read; an explicit file or DUBARR_CONFIG wins over it', () => {
  const { dir } = withFile('server: { port: 8001 }\n');
  writeFileSync(join(dir, 'other.yaml'), 'server: { port: 8002 }\n');
  assert.equal(loadConfig({ env: {}, cwd: dir }).server.port, 8001);
  assert.equal(loadConfig({ env: { DUBARR_CONFIG: 'other.yaml' }, cwd: dir }).server.port, 8002);
  const loaded = loadConfigWithFile({ file: 'other.yaml', env: { DUBARR_CONFIG: 'dubarr.yaml' }, cwd: dir });
  assert.equal(loaded.config.server.port, 8002);
  assert.equal(loaded.file, join(dir, 'other.yaml'));
});

test('a missing explicitly named config file is an error, wherever it was named', () => {
  const cwd = tempDir();
  const viaOption = configFailure(() => loadConfig({ file: 'nope.yaml', env: {}, cwd }));
  assert.match(viaOption.error.message, /nope\.yaml: config file not found/);
  const viaEnv = configFailure(() => loadConfig({ env: { DUBARR_CONFIG: 'gone.yaml' }, cwd }));
  assert.deepEqual(viaEnv.problems.map((p) => p.source), ['env DUBARR_CONFIG']);
});

test('file values merge into the defaults: maps key by key, lists replaced', () => {
  const { dir } = withFile(`
stages:
  concurrency: { transcribe: 2 }
  timeoutMs: { translate: 60000 }
pipeline:
  targetLanguages: [ca]
`);
  const c = loadConfig({ env: {}, cwd: dir });
  assert.deepEqual(c.stages.concurrency, { transcribe: 2, separate: 1, diarize: 1, synthesize: 2 });
  assert.deepEqual(c.stages.timeoutMs, { default: 3_600_000, translate: 60000 });
  assert.deepEqual(c.pipeline.targetLanguages, ['ca']);
});

test('env overrides the file, and overrides (CLI flags) override env; undefined flags are ignored', () => {
  const { dir } = withFile('server: { port: 8000, host: 0.0.0.0 }\njobs: { concurrency: 4 }\n');
  const env = { DUBARR_SERVER_PORT: '9000', DUBARR_JOBS_CONCURRENCY: '3' };
  const c = loadConfig({ env, cwd: dir });
  assert.equal(c.server.port, 9000);
  assert.equal(c.server.host, '0.0.0.0', 'keys the env does not name keep the file value');
  assert.equal(c.jobs.concurrency, 3);
  const flagged = loadConfig({ env, cwd: dir, overrides: { server: { port: 9100, host: undefined }, pipeline: { mode: 'sidecar' } } });
  assert.equal(flagged.server.port, 9100);
  assert.equal(flagged.server.host, '0.0.0.0');
  assert.equal(flagged.pipeline.mode, 'sidecar');
});

test('env values are read by the type of their key', () => {
  const c = loadConfig({ cwd: tempDir(), env: {
    DUBARR_SERVER_HOST: '0.0.0.0',
    DUBARR_PIPELINE_PRESET: '2024', // a text key keeps digits as text
    DUBARR_WORKERS_THREADS: '8',
    DUBARR_WATCH_ENABLED: 'false',
    DUBARR_CACHE_MAX_SIZE_GB: '0.5',
    DUBARR_PIPELINE_TARGET_LANGUAGES: 'es, ca',
    DUBARR_WATCH_EXTENSIONS: '[mkv, mp4]',
    DUBARR_PLUGINS_DIRS: '',
    DUBARR_WATCH_FOLDERS: '[{path: /media/tv, targetLanguages: [ca]}, {path: films, mode: sidecar}]',
  } });
  assert.equal(c.server.host, '0.0.0.0');
  assert.equal(c.pipeline.preset, '2024');
  assert.equal(c.workers.threads, 8);
  assert.equal(c.watch.enabled, false);
  assert.equal(c.cache.maxSizeGb, 0.5);
  assert.deepEqual(c.pipeline.targetLanguages, ['es', 'ca']);
  assert.deepEqual(c.watch.extensions, ['mkv', 'mp4']);
  assert.deepEqual(c.plugins.dirs, []);
  assert.equal(c.watch.folders.length, 2);
  assert.deepEqual(c.watch.folders[0], { ...watchFolder.parse({ path: '/media/tv' }), targetLanguages: ['ca'] }, 'the folder\'s own defaults filled in');
  assert.equal(c.watch.folders[1]?.mode, 'sidecar');
});

test('records from env: one entry by suffix, the whole map as YAML, nested plugin options by __', () => {
  const c = loadConfig({ cwd: tempDir(), env: {
    DUBARR_STAGES_CONCURRENCY_TRANSCRIBE: '2',
    DUBARR_STAGES_CONCURRENCY: '{separate: 3, transcribe: 5}',
    DUBARR_STAGES_TIMEOUT_MS_DEFAULT: '1000',
    DUBARR_STAGES_RETRIES_SOURCE_TEXT: '0',
    DUBARR_PROVIDERS_PREFERENCE_SOURCE_TEXT: 'subtitles,whisper-onnx',
    DUBARR_PLUGINS_OPTIONS_ESPEAK_NG__RATE: '160',
    DUBARR_PLUGINS_OPTIONS_DEEPL__API_KEY: '0123',
    DUBARR_PLUGINS_OPTIONS_ELEVENLABS: '{voice: Rachel, stability: 0.5}',
  } });
  // The single entry wins over the whole map whatever the variables' order.
  assert.deepEqual(c.stages.concurrency, { transcribe: 2, separate: 3, diarize: 1, synthesize: 2 });
  assert.deepEqual(c.stages.timeoutMs, { default: 1000 });
  assert.deepEqual(c.stages.retries, { default: 2, 'source-text': 0 });
  assert.deepEqual(c.providers.preference['source-text'], ['subtitles', 'whisper-onnx']);
  assert.deepEqual(c.plugins.options, {
    'espeak-ng': { rate: 160 },
    deepl: { apiKey: '0123' }, // untyped: kept as text because 123 would not read back as '0123'
    elevenlabs: { voice: 'Rachel', stability: 0.5 },
  });
});

test('an unknown DUBARR_ variable is rejected with a suggestion; DUBARR_CONFIG and other prefixes are not', () => {
  const { problems } = configFailure(() => loadConfig({ cwd: tempDir(), env: {
    DUBARR_SERVER_PROT: '1', DUBARR_STAGES_CONCURRENCY_: '1', PATH: '/bin', DUBARRX: '1',
  } }));
  assert.deepEqual(problems.map((p) => p.path).sort(), ['DUBARR_SERVER_PROT', 'DUBARR_STAGES_CONCURRENCY_']);
  assert.match(problems.find((p) => p.path === 'DUBARR_SERVER_PROT')!.message, /did you mean DUBARR_SERVER_PORT\?/);

  const { file, dir } = withFile('{}\n', 'x.yaml');
  assert.doesNotThrow(() => loadConfig({ cwd: dir, env: { DUBARR_CONFIG: file } }));
});

test('every problem is listed in one error, each with its key path and where the value came from', () => {
  const { dir, file } = withFile(`
sever: { port: 1 }
server: { port: 70000 }
log: { level: loud }
watch:
  folders:
    - { path: /media/tv, mode: copy }
`);
  const { error, problems } = configFailure(() => loadConfig({ cwd: dir, env: {
    DUBARR_JOBS_CONCURRENCY: 'many',
    DUBARR_PIPELINE_TARGET_LANGUAGES: 'es,xx',
    DUBARR_NOPE: '1',
  }, overrides: { stages: { backoff: { factor: 0.5 } } } }));
  const byPath = new Map(problems.map((p) => [p.path, p]));
  const fromFile = `file ${file}`;
  assert.deepEqual(
    [...byPath.keys()].sort(),
    ['DUBARR_NOPE', 'jobs.concurrency', 'log.level', 'pipeline.targetLanguages[1]', 'server.port', 'sever', 'stages.backoff.factor', 'watch.folders[0].mode'],
  );
  assert.equal(byPath.get('server.port')!.source, fromFile);
  assert.equal(byPath.get('log.level')!.source, fromFile);
  assert.equal(byPath.get('watch.folders[0].mode')!.source, fromFile);
  assert.match(byPath.get('sever')!.message, /unknown key \(did you mean 'server'\?\)/);
  assert.equal(byPath.get('jobs.concurrency')!.source, 'env DUBARR_JOBS_CONCURRENCY');
  assert.equal(byPath.get('pipeline.targetLanguages[1]')!.source, 'env DUBARR_PIPELINE_TARGET_LANGUAGES');
  assert.equal(byPath.get('stages.backoff.factor')!.source, 'override');
  // The message is the user-facing form: one line per problem, naming the bad value and its origin.
  assert.match(error.message, /^Invalid configuration: 8 problems\n/);
  assert.match(error.message, /\n {2}- server\.port: .*<=65535; got 70000 \(from file .*dubarr\.yaml\)/);
  assert.match(error.message, /\n {2}- jobs\.concurrency: .*got "many" \(from env DUBARR_JOBS_CONCURRENCY\)/);
  assert.equal(error.message.split('\n').length, 1 + 8);
});

test('YAML syntax errors and a non-mapping file are reported with the file', () => {
  const broken = withFile('server:\n  port: [1, 2\n');
  const { problems } = configFailure(() => loadConfig({ env: {}, cwd: broken.dir }));
  assert.ok(problems.length >= 1);
  assert.ok(problems.every((p) => p.source === `file ${broken.file}`));
  const list = withFile('- a\n- b\n');
  assert.match(configFailure(() => loadConfig({ env: {}, cwd: list.dir })).error.message, /must hold a YAML mapping/);
  const empty = withFile('');
  assert.equal(loadConfig({ env: {}, cwd: empty.dir }).server.port, 7878, 'an empty file configures nothing');
});

test('secret values are not echoed in problems', () => {
  const { problems } = configFailure(() => loadConfig({ cwd: tempDir(), env: {}, overrides: {
    plugins: { options: { 'Bad Name': { apiKey: 'hunter2' } } },
  } }));
  assert.ok(problems.length > 0);
  assert.ok(problems.every((p) => !p.message.includes('hunter2')));
});

test('the result is deeply frozen', () => {
  const c = loadConfig({ env: { DUBARR_PLUGINS_OPTIONS_ESPEAK_NG__RATE: '1' }, cwd: tempDir() });
  for (const part of [c, c.server, c.stages.concurrency, c.pipeline.targetLanguages, c.watch.folders, c.watch.folders[0], c.plugins.options['espeak-ng']]) {
    assert.ok(Object.isFrozen(part));
  }
  assert.throws(() => { (c.server as { port: number }).port = 1; }, TypeError);
  assert.throws(() => { (c.pipeline.targetLanguages as string[]).push('ca'); }, TypeError);
  // A second load is unaffected: nothing shared with the defaults was frozen in place or changed.
  assert.equal(loadConfig({ env: {}, cwd: tempDir() }).watch.folders.length, 1);
});

test("relative paths resolve against cwd, '~' against the home folder, absolute ones stay", () => {
  const { dir } = withFile(`
dataDir: state
database: { path: /var/lib/dubarr/jobs.db }
plugins: { dirs: ['~/plugins', ./more] }
watch: { folders: [{ path: '~', outDir: out }] }
`);
  const c = loadConfig({ env: {}, cwd: dir });
  assert.equal(c.dataDir, join(dir, 'state'));
  assert.equal(c.database.path, '/var/lib/dubarr/jobs.db');
  assert.equal(c.cache.dir, join(dir, 'state', 'cache'));
  assert.deepEqual(c.plugins.dirs, [join(homedir(), 'plugins'), join(dir, 'more')]);
  assert.deepEqual(c.watch.folders[0], {
    path: homedir(), outDir: join(dir, 'out'),
    include: [], exclude: [], skipIfPresent: true, minAgeSeconds: 0, stabilitySeconds: 5, poll: false,
  });
});

test('a key an earlier version had is refused with its new name, from a file or a DUBARR_ variable', () => {
  const { dir } = withFile('watch: { stableMs: 2000, folders: [{ path: /media/tv }] }\n');
  const { problems } = configFailure(() => loadConfig({ cwd: dir, env: { DUBARR_WATCH_STABLE_MS: '300' } }));
  const byPath = new Map(problems.map((p) => [p.path, p.message]));
  assert.match(byPath.get('watch.stableMs') ?? '', /replaced by watch\.folders\[\]\.stabilitySeconds.*stabilitySeconds: 5/);
  assert.match(byPath.get('DUBARR_WATCH_STABLE_MS') ?? '', /watch\.stableMs was replaced by watch\.folders\[\]\.stabilitySeconds/);
  for (const r of RENAMED_KEYS) if (r.env) assert.equal(r.env, envName(r.key.split('.')), `${r.key}: its variable is spelt as the loader spells variables`);
});

test('watch folder include/exclude globs are relative to the folder: a full path is refused at load', () => {
  const { dir } = withFile("watch: { folders: [{ path: /media, include: ['Movies/**'], exclude: ['/media/Extras/**', '../x/*'] }] }\n");
  const { problems } = configFailure(() => loadConfig({ cwd: dir, env: {} }));
  assert.deepEqual(problems.map((p) => p.path), ['watch.folders[0].exclude[0]', 'watch.folders[0].exclude[1]']);
  assert.match(problems[0]!.message, /relative to the watched folder/);
});

test("a '__proto__' key in a file is reported, not merged into the prototype", () => {
  const { dir } = withFile('server:\n  __proto__: { port: 1 }\n');
  const { problems } = configFailure(() => loadConfig({ env: {}, cwd: dir }));
  assert.deepEqual(problems.map((p) => p.path), ['server.__proto__']);
});

test('command-line flags are read like env values, override every layer, and are validated with the rest', () => {
  const { dir, file } = withFile('server: { port: 9000 }\n');
  const port = (value: string | undefined) => [{ flag: '--port', path: ['server', 'port'], value }];
  assert.equal(loadConfig({ file, env: { DUBARR_SERVER_PORT: '9100' }, cwd: dir, flags: port('0') }).server.port, 0);
  assert.equal(loadConfig({ file, env: {}, cwd: dir, flags: port(undefined) }).server.port, 9000, 'a flag not given changes nothing');
  const { problems } = configFailure(() => loadConfig({ file, env: { DUBARR_JOBS_CONCURRENCY: 'x' }, cwd: dir, flags: port('abc') }));
  assert.deepEqual(problems.map((p) => [p.path, p.source]).sort(), [['jobs.concurrency', 'env DUBARR_JOBS_CONCURRENCY'], ['server.port', 'flag --port']]);
  assert.match(problems.find((p) => p.path === 'server.port')!.message, /got "abc"/);
});

test("HF_ENDPOINT and HF_TOKEN fill models.hfEndpoint and models.hfToken; a config file or DUBARR_* wins; a bad HF_ENDPOINT is named", () => {
  const cwd = tempDir();
  const fromHf = loadConfig({ env: { HF_ENDPOINT: 'https://hf-mirror.example', HF_TOKEN: 'hf_secret' }, cwd });
  assert.equal(fromHf.models.hfEndpoint, 'https://hf-mirror.example');
  assert.equal(fromHf.models.hfToken, 'hf_secret');
  assert.deepEqual([loadConfig({ env: {}, cwd }).models.hfEndpoint, loadConfig({ env: {}, cwd }).models.hfToken], ['', '']);
  const { dir } = withFile('models: { hfEndpoint: "http://127.0.0.1:9" }\n');
  const both = loadConfig({ env: { HF_ENDPOINT: 'https://hf-mirror.example', HF_TOKEN: 'hf_a', DUBARR_MODELS_HF_TOKEN: 'hf_b' }, cwd: dir });
  assert.equal(both.models.hfEndpoint, 'http://127.0.0.1:9');
  assert.equal(both.models.hfToken, 'hf_b');
  const { problems } = configFailure(() => loadConfig({ env: { HF_ENDPOINT: 'ftp://nope' }, cwd }));
  assert.deepEqual(problems.map((p) => [p.path, p.source]), [['models.hfEndpoint', 'env HF_ENDPOINT']]);
});
