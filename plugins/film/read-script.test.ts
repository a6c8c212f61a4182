import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DubarrError } from '../sdk/index.js';
import { readScriptFile } from './read-script.js';

const examples = fileURLToPath(new URL('../../../config/examples/', import.meta.url));
const defaults = { musicPrompt: 'a pad' };

/** The script's E_SCRIPT_INVALID, with the line it names. */
async function refusal(text: string, ext = '.yaml'): Promise<{ line: number; message: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'script-'));
  try {
    const file = join(dir, `bad${ext}`);
    await writeFile(file, text);
    const e = await readScriptFile(file, defaults).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof DubarrError, `expected a refusal, got ${String(e)}`);
    assert.equal(e.code, 'E_SCRIPT_INVALID', e.message);
    assert.ok(e.message.startsWith(`${file}, line ${String(e.details!.line)}:`), e.message);
    return { line: e.details!.line as number, message: e.message };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the example film reads the same from YAML and from Markdown: scenes, lines in order with ids, characters with colours, translations', async () => {
  const yaml = await readScriptFile(join(examples, 'film', 'short-film.yaml'), defaults);
  const md = await readScriptFile(join(examples, 'film', 'short-film.md'), defaults);
  const strip = (s: typeof yaml) => ({ ...s, scenes: s.scenes.map((x) => ({ ...x, sourceLine: 0, lines: x.lines.map((l) => ({ ...l, sourceLine: 0 })) })) });
  assert.deepEqual(strip(md), strip(yaml));
  assert.equal(yaml.language, 'en');
  assert.deepEqual(yaml.characters.map((c) => [c.name, c.gender, c.age]), [['Mara', 'female', 'adult'], ['Tom', 'male', 'old']]);
  assert.deepEqual(yaml.scenes.flatMap((s) => s.lines.map((l) => `${l.id} ${l.character}`)), ['l1 Mara', 'l2 Tom', 'l3 Mara', 'l4 Tom']);
  assert.equal(yaml.scenes[1]!.lines[0]!.translations.es, 'Mira, un barco, a lo lejos.');
  assert.deepEqual(yaml.scenes.map((s) => s.title), ['Night falls', 'The storm']);
  assert.match(yaml.music.prompt, /ambient strings/);
  assert.deepEqual([yaml.scenes[0]!.lines[1]!.sourceLine, md.scenes[0]!.lines[1]!.sourceLine], [17, 18]);
});

test('the podcast example: speakers and sections are the characters and scenes', async () => {
  const s = await readScriptFile(join(examples, 'podcast', 'episode.yaml'), defaults);
  assert.deepEqual(s.characters.map((c) => [c.name, c.colour]), [['Ana', '#e4572e'], ['Ben', '#17bebb']]);
  assert.deepEqual(s.scenes.map((x) => [x.title, x.lines.length]), [['Welcome', 2], ['Sun and water', 2]]);
});

const film = (lines: string) => `title: T\nlanguage: en\ncharacters:\n  - { name: Mara, gender: female }\nscenes:\n  - prompt: sea\n    lines:\n${lines}`;

test('a bad script is refused with E_SCRIPT_INVALID naming the line at fault', async () => {
  const who = await refusal(film('      - { character: Mara, text: Hello }\n      - { character: Marra, text: Hi }\n'));
  assert.equal(who.line, 9);
  assert.match(who.message, /'Marra' is not among the characters \(Mara\)/);

  const key = await refusal(film('      - { character: Mara, txt: Hello }\n'));
  assert.equal(key.line, 8);
  assert.match(key.message, /scenes\.0\.lines\.0/);

  const yaml = await refusal('title: T\nlanguage: en\nscenes:\n  - prompt: [unclosed\n');
  assert.match(yaml.message, /not valid YAML/);
  assert.ok(yaml.line >= 4, `line ${yaml.line}`);

  const lang = await refusal('title: T\nlanguage: klingonese\nscenes: [{ prompt: x, seconds: 2 }]\n');
  assert.equal(lang.line, 2);

  const image = await refusal('title: T\nlanguage: en\nscenes:\n  - prompt: x\n    seconds: 2\n    image: nowhere.png\n');
  assert.equal(image.line, 6);
  assert.match(image.message, /nowhere\.png does not exist/);

  const empty = await refusal('title: T\nlanguage: en\nscenes:\n  - prompt: x\n');
  assert.match(empty.message, /nothing is said/);

  const md = await refusal('---\ntitle: T\nlanguage: en\ncharacters: [{ name: Ana }]\n---\n\n## One\nAna: hello\nthis is not a line\n', '.md');
  assert.equal(md.line, 9);
  assert.match(md.message, /'Name: text'/);

  const mdWho = await refusal('---\ntitle: T\nlanguage: en\ncharacters: [{ name: Ana }]\n---\n\n## One\nAna: hello\nBob: hi\n', '.md');
  assert.equal(mdWho.line, 9);
});

test('a file that is not a script (a video given to the film preset) is refused, not read', async () => {
  await assert.rejects(readScriptFile('/media/Film.mkv', defaults), (e: unknown) => e instanceof DubarrError && e.code === 'E_SCRIPT_INVALID' && /\.yaml or \.md script/.test(e.message));
});
