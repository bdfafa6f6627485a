import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETUP_OUTPUT_TAIL_CHARS, SetupScriptRun } from '../../electron/core/worktrees/setupScript';
import { isRunning } from '../helpers/processes';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

// A killed child whose shell died first is reparented and may stay a zombie: it counts as stopped.
const alive = isRunning;

describe('setup script runs', () => {
  it('keeps only the tail of a long output, and reports the exit code', async () => {
    const seen: string[] = [];
    const run = new SetupScriptRun('for i in $(seq 1 3000); do echo "line $i"; done; exit 2', tempDir(), {}, (t) => seen.push(t));
    const result = await run.done;
    expect(result.exitCode).toBe(2);
    expect(result.tail.length).toBeLessThanOrEqual(SETUP_OUTPUT_TAIL_CHARS);
    expect(result.tail).toContain('line 3000');
    expect(result.tail).not.toContain('line 1\n');
    expect(seen.join('')).toContain('line 1\n');
  });

  it('stops a script that runs too long, with its children, and says it timed out', async () => {
    const dir = tempDir();
    const run = new SetupScriptRun('sleep 30 & echo $! > child.pid; wait', dir, {}, () => undefined, 500);
    await waitFor('the child to write its pid', () => existsSync(join(dir, 'child.pid')));
    const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
    const result = await run.done;
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
    await waitFor('the child to stop', () => !alive(child));
  });

  it('disposing stops the script and its process group', async () => {
    const dir = tempDir();
    const run = new SetupScriptRun('sleep 30 & echo $! > child.pid; wait', dir, {}, () => undefined);
    await waitFor('the child to write its pid', () => existsSync(join(dir, 'child.pid')));
    const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
    run.dispose();
    const result = await run.done;
    expect(result.exitCode === 0).toBe(false);
    await waitFor('the child to stop', () => !alive(child));
  });
});
