import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loginShellPath, mergePaths } from '../../electron/core/agents/loginPath';
import { tempDir } from '../helpers/tempDir';

describe("the login shell's PATH for the desktop app", () => {
  it("reads the PATH a user's profile sets up, through their real shell", async () => {
    const home = tempDir('switchyard-home-');
    writeFileSync(join(home, '.bash_profile'), 'export PATH="/opt/agents/bin:$PATH"\necho "profile noise"\n');
    const before = { HOME: process.env.HOME };
    process.env.HOME = home;
    try {
      const path = await loginShellPath('/bin/bash');
      expect(path?.split(':')[0]).toBe('/opt/agents/bin');
    } finally {
      process.env.HOME = before.HOME;
    }
  });

  it('gives null for a shell that does not exist or does not answer in time', async () => {
    expect(await loginShellPath(join(tempDir(), 'no-such-shell'))).toBeNull();
    const home = tempDir('switchyard-home-');
    writeFileSync(join(home, '.bash_profile'), 'sleep 5\n');
    const before = process.env.HOME;
    process.env.HOME = home;
    try {
      expect(await loginShellPath('/bin/bash', 300)).toBeNull();
    } finally {
      process.env.HOME = before;
    }
  });

  it('puts the login folders first and keeps each folder once', () => {
    expect(mergePaths('/opt/a:/usr/bin', '/usr/bin:/bin::/opt/a')).toBe('/opt/a:/usr/bin:/bin');
    expect(mergePaths('/opt/a', undefined)).toBe('/opt/a');
  });
});
