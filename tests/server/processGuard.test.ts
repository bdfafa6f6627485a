import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';

const fixture = join(appRoot(), 'tests', 'fixtures', 'guarded-process.ts');

function run(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', fixture, ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('the serve process guard', () => {
  it('logs an uncaught exception and an unhandled rejection with their stacks, keeps the process running, and removes itself', () => {
    const result = run();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('still running');
    expect(result.stdout).toContain('handlers left after dispose: 0');
    expect(result.stderr).toMatch(/uncaught exception; Switchyard keeps running Error: thrown from a timer\n\s+at Immediate\.throwFromATimer/);
    expect(result.stderr).toMatch(/unhandled rejection; Switchyard keeps running Error: rejected and never caught\n\s+at /);
  });

  it('is what keeps it running: the same process without the guard dies at the first throw', () => {
    const result = run('unguarded');
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain('still running');
    expect(result.stderr).toContain('thrown from a timer');
  });
});
