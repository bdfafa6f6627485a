import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBrowser, NO_BROWSER } from './browser';
import { tempDir } from './tempDir';

/** Writes a small program at `path` (executable unless told otherwise) and returns the path. */
function fakeProgram(path: string, executable = true): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, executable ? 0o755 : 0o644);
  return path;
}

describe('the browser the end-to-end tests drive', () => {
  it('on Windows, takes Chrome or Edge from Program Files, Chromium first when there are several', () => {
    const programFiles = tempDir('switchyard-programs-');
    const localAppData = tempDir('switchyard-local-');
    const env = { PROGRAMFILES: programFiles, LOCALAPPDATA: localAppData, PATH: tempDir('switchyard-path-') };
    const edge = fakeProgram(join(programFiles, 'Microsoft', 'Edge', 'Application', 'msedge.exe'));
    expect(findBrowser('win32', env)).toBe(edge);
    const chrome = fakeProgram(join(programFiles, 'Google', 'Chrome', 'Application', 'chrome.exe'));
    expect(findBrowser('win32', env)).toBe(chrome);
    const chromium = fakeProgram(join(localAppData, 'Chromium', 'Application', 'chrome.exe'));
    expect(findBrowser('win32', env)).toBe(chromium);
  });

  // On a Mac the browsers in /Applications come first: the test is for machines without them.
  it.skipIf(process.platform === 'darwin')('on macOS, takes an app from ~/Applications', () => {
    const home = tempDir('switchyard-home-');
    const chrome = fakeProgram(join(home, 'Applications', 'Google Chrome.app', 'Contents', 'MacOS', 'Google Chrome'));
    expect(findBrowser('darwin', { HOME: home, PATH: tempDir('switchyard-path-') })).toBe(chrome);
  });

  it('takes one on PATH when none is where its installer puts it, and skips a file that cannot run', () => {
    const bin = tempDir('switchyard-path-');
    // Tried: a `chromium` that is not executable ahead of a `google-chrome` that is.
    fakeProgram(join(bin, 'chromium'), false);
    const chrome = fakeProgram(join(bin, 'google-chrome'));
    expect(findBrowser('win32', { PATH: bin })).toBe(chrome);
  });

  it('takes SWITCHYARD_CHROMIUM over every other, and refuses one that is not there', () => {
    const mine = fakeProgram(join(tempDir('switchyard-mine-'), 'my-chrome'));
    const programFiles = tempDir('switchyard-programs-');
    fakeProgram(join(programFiles, 'Google', 'Chrome', 'Application', 'chrome.exe'));
    expect(findBrowser('win32', { SWITCHYARD_CHROMIUM: mine, PROGRAMFILES: programFiles })).toBe(mine);
    const missing = join(tempDir(), 'no-such-browser');
    expect(() => findBrowser('linux', { SWITCHYARD_CHROMIUM: missing })).toThrow(`SWITCHYARD_CHROMIUM is ${missing}, which is no program that can run`);
  });

  it('with none anywhere, fails with one line saying how to get one', () => {
    // Tried: Windows with no Program Files and an empty PATH.
    let message = 'nothing thrown';
    try {
      findBrowser('win32', { PATH: tempDir('switchyard-path-') });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([NO_BROWSER]);
    expect(NO_BROWSER).toMatch(/apt-get install chromium.*brew install --cask chromium.*SWITCHYARD_CHROMIUM/);
  });
});
