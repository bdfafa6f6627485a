import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loginShellEnvironment, mergePaths, withLoginEnvironment } from '../../electron/core/agents/loginShell';
import { tempDir } from '../helpers/tempDir';

/** Runs `read` with HOME set to a folder holding `profile` as `name` (the login shell reads it). */
async function withProfile<T>(name: string, profile: string, read: () => Promise<T>): Promise<T> {
  const home = tempDir('switchyard-home-');
  writeFileSync(join(home, name), profile);
  const before = process.env.HOME;
  process.env.HOME = home;
  try {
    return await read();
  } finally {
    process.env.HOME = before;
  }
}

/** A value no line- or quote-based reading would keep whole. */
const AWKWARD = `sk-ant "quoted" 'single' $dollar\nsecond line ünïcode`;

describe("the login shell's environment for the desktop app", () => {
  it("reads what a user's profile exports, through their real shell, every value whole", async () => {
    const profile = [
      'export PATH="/opt/agents/bin:$PATH"',
      `export ANTHROPIC_API_KEY="$(printf 'sk-ant "quoted" %s $dollar\\nsecond line ünïcode' "'single'")"`,
      'export CODEX_HOME="$HOME/codex home"',
      'echo "profile noise"',
    ].join('\n');
    const env = await withProfile('.bash_profile', `${profile}\n`, () => loginShellEnvironment('/bin/bash'));
    expect(env).not.toBeNull();
    expect(env!.PATH!.split(':')[0]).toBe('/opt/agents/bin');
    expect(env!.ANTHROPIC_API_KEY).toBe(AWKWARD);
    expect(env!.CODEX_HOME).toMatch(/\/codex home$/);
    // The shell's own variables, and what started the program that printed them, are left out.
    for (const own of ['PWD', 'SHLVL', '_', 'ELECTRON_RUN_AS_NODE']) expect(env).not.toHaveProperty(own);
  });

  it('reads it through a plain POSIX shell too (dash reads ~/.profile)', async () => {
    const env = await withProfile('.profile', 'export SWITCHYARD_PROFILE_SAYS=hello\n', () => loginShellEnvironment('/usr/bin/dash'));
    expect(env?.SWITCHYARD_PROFILE_SAYS).toBe('hello');
  });

  it('gives null for a shell that does not exist, does not answer in time, or fails', async () => {
    expect(await loginShellEnvironment(join(tempDir(), 'no-such-shell'))).toBeNull();
    expect(await withProfile('.bash_profile', 'sleep 5\n', () => loginShellEnvironment('/bin/bash', 300))).toBeNull();
    // Tried: a profile that ends the shell before the environment is printed.
    expect(await withProfile('.bash_profile', 'exit 3\n', () => loginShellEnvironment('/bin/bash'))).toBeNull();
  });

  it('adds what the app lacks, keeps what it was started with, and puts the login folders first on PATH', () => {
    const login = { PATH: '/opt/a:/usr/bin', ANTHROPIC_API_KEY: 'from-profile', HTTPS_PROXY: 'http://proxy:3128' };
    const current = { PATH: '/usr/bin:/bin', ANTHROPIC_API_KEY: 'set-in-this-terminal' };
    expect(withLoginEnvironment(login, current)).toEqual({ PATH: '/opt/a:/usr/bin:/bin', HTTPS_PROXY: 'http://proxy:3128' });
    expect(mergePaths('/opt/a:/usr/bin', '/usr/bin:/bin::/opt/a')).toBe('/opt/a:/usr/bin:/bin');
    expect(mergePaths('/opt/a', undefined)).toBe('/opt/a');
  });
});
