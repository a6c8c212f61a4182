import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from './child-process.js';
import { DubarrError } from './errors.js';

/** Running: has a /proc entry that is not a zombie (this container's pid 1 may never reap an orphan). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits for a condition; the bound only turns a hang into a failure, it is no measure of speed. */
async function until(cond: () => boolean, what: string, boundMs = 60_000): Promise<void> {
  const end = Date.now() + boundMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('abort kills the whole process group even when its leader has exited and another member holds stdout open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dubarr-child-'));
  const leaderFile = join(dir, 'leader.pid');
  const memberFile = join(dir, 'member.pid');
  let member: number | undefined;
  try {
    const ac = new AbortController();
    // The shell (the group's leader) starts a member that inherits stdout, then exits: stdout
    // stays open, so the run has not ended, and only the group can still be killed.
    const run = runTool({
      binary: 'sh', args: ['-c', `sleep 1000 & echo $! > ${memberFile}; echo $$ > ${leaderFile}; exit 0`],
      tool: 'sh', install: 'apt-get install dash', failureHint: '', processGroup: true, signal: ac.signal,
    });
    const settled = run.then(() => 'resolved', (e: unknown) => e);
    await until(() => existsSync(leaderFile) && readFileSync(leaderFile, 'utf8').endsWith('\n'), 'the leader to write its pid');
    member = Number(readFileSync(memberFile, 'utf8'));
    const leader = Number(readFileSync(leaderFile, 'utf8'));
    // Gone from /proc: exited and reaped by this process, so the runner has seen it exit.
    await until(() => !existsSync(`/proc/${leader}`), 'the leader to exit and be reaped');
    assert.ok(running(member), 'the member still runs, holding stdout');

    ac.abort();
    const outcome = await settled;
    assert.ok(outcome instanceof DubarrError && outcome.code === 'E_CANCELLED', `cancelled, got ${String(outcome)}`);
    await until(() => !running(member!), `the group member ${member} to be killed`);
  } finally {
    if (member !== undefined && running(member)) process.kill(member, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('abort while the leader runs settles only once it has exited', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dubarr-child-'));
  const leaderFile = join(dir, 'leader.pid');
  try {
    const ac = new AbortController();
    const run = runTool({
      binary: 'sh', args: ['-c', `echo $$ > ${leaderFile}; exec sleep 1000`],
      tool: 'sh', install: 'apt-get install dash', failureHint: '', processGroup: true, signal: ac.signal,
    });
    const settled = run.then(() => 'resolved', (e: unknown) => e);
    await until(() => existsSync(leaderFile) && readFileSync(leaderFile, 'utf8').endsWith('\n'), 'the leader to write its pid');
    const leader = Number(readFileSync(leaderFile, 'utf8'));
    ac.abort();
    const outcome = await settled;
    assert.ok(outcome instanceof DubarrError && outcome.code === 'E_CANCELLED', `cancelled, got ${String(outcome)}`);
    assert.ok(!running(leader), 'the leader had exited when the run settled');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stdin is written to the tool and closed; a tool that does not read it still reports its own failure', async () => {
  const big = 'é'.repeat(300_000);
  const echoed = await runTool({ binary: 'wc', args: ['-c'], stdin: big, tool: 'wc', install: '-', failureHint: '-' });
  assert.equal(Number(echoed.trim()), Buffer.byteLength(big));
  await assert.rejects(
    runTool({ binary: 'sh', args: ['-c', 'echo nope >&2; exit 3'], stdin: big, tool: 'sh', install: '-', failureHint: 'hint' }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_PROVIDER_FAILED' && /exit 3\): nope\. hint/.test(e.message),
  );
});
