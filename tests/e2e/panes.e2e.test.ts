import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { TerminalColors } from '../../shared/terminalColors';
import { startServer } from '../../electron/server/http';
import { makeCore } from '../helpers/core';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { launchBrowser } from './harness';

const recordings = join(import.meta.dirname, '..', 'fixtures', 'recordings', 'claude-code');
const SLOW = { timeout: 30_000 };

/** What Claude Code printed in its recorded sessions, in order. */
function recordedOutput(): string {
  let out = '';
  for (const file of readdirSync(recordings).filter((f) => f.endsWith('.cast')).sort()) {
    for (const line of readFileSync(join(recordings, file), 'utf8').split('\n').slice(1)) {
      if (line.trim() === '') continue;
      const [, kind, data] = JSON.parse(line) as [number, string, string];
      if (kind === 'o') out += data;
    }
  }
  return out;
}

/** Puts on PATH a `claude` that prints the recorded sessions' output, then stays until stopped. */
function installReplayingClaude(): void {
  const bin = tempDir('switchyard-replay-');
  const output = join(bin, 'output.txt');
  writeFileSync(output, recordedOutput());
  const script = join(bin, 'claude');
  writeFileSync(
    script,
    `#!${process.execPath}\nprocess.stdout.write(require('fs').readFileSync(${JSON.stringify(output)}, 'utf8'));\nprocess.stdin.resume();\nsetInterval(() => {}, 1000);\n`,
  );
  chmodSync(script, 0o755);
  process.env.PATH = `${bin}:${process.env.PATH}`;
  process.env.CLAUDE_CONFIG_DIR = tempDir('switchyard-claude-');
}

describe('terminal panes in Chromium at 1280×800', () => {
  it('draws a recorded Claude Code session with the bundled font, every glyph from it; F6 leaves the pane and comes back; Ctrl+F finds', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    installReplayingClaude();
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({ projectId: project.id, title: 'Replay', prompt: 'Replay', status: 'ready', priority: 'normal', phase: null });
    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    try {
      const page = await (await (await launchBrowser()).newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(server.loginUrl);
      await page.getByRole('button', { name: 'New task' }).waitFor();
      // The board loads no terminal code: xterm.js comes with the first pane that opens.
      const terminalCode = () => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((name) => name.includes('/assets/terminalRegistry-')));
      expect(await terminalCode(), 'terminal chunks fetched before any pane opened').toEqual([]);
      await core.sessions.start(task.id);
      await page.getByRole('button', { name: 'Terminals' }).click();
      await page.getByRole('button', { name: 'Show the live agent of Replay' }).click();
      const rows = page.locator('.xterm-rows');
      await expect.poll(() => rows.textContent(), SLOW).toContain('Claude Code');
      expect((await terminalCode()).length, 'terminal chunks fetched once the pane opened').toBeGreaterThan(0);

      // Every non-ASCII character the recording printed, and those the issue names (⎿ ⏺ ✻ ✽ ●, braille, powerline).
      const printed = [...new Set([...recordedOutput()].filter((c) => c.codePointAt(0)! > 0x7f && c !== '\u00a0'))];
      const named = [...'⎿⏺✻✽●─│╭╮╰╯┼▀▄█', ...Array.from({ length: 256 }, (_, i) => String.fromCodePoint(0x2800 + i)), '\ue0a0', '\ue0a1', '\ue0a2', '\ue0b0', '\ue0b1', '\ue0b2', '\ue0b3'];
      const report = await page.evaluate(async (chars) => {
        await document.fonts.ready;
        const context = document.createElement('canvas').getContext('2d')!;
        const width = (font: string, c: string) => {
          context.font = font;
          return context.measureText(c).width;
        };
        const pane = getComputedStyle(document.querySelector('.xterm-rows')!).fontFamily;
        // A character the pane's fonts lack falls through to the last family: two unlike last
        // families then give two widths. One they have is drawn by them whatever comes after.
        const missing = (c: string) => width(`13px ${pane}, serif`, c) !== width(`13px ${pane}, sans-serif`, c);
        return {
          pane,
          loaded: [document.fonts.check('13px Iosevka', 'M'), document.fonts.check('13px UnifontEX', '⎿')],
          missing: chars.filter(missing),
          // The method tells a missing glyph: characters in neither bundled face that Debian's DejaVu
          // Serif draws (its private-use U+F400…) are found missing.
          control: Array.from({ length: 16 }, (_, i) => String.fromCodePoint(0xf400 + i)).filter(missing).length,
          cell: [width('13px Iosevka', 'M'), width('13px Iosevka', '⠿'), width('13px Iosevka', '─'), width('13px Iosevka', '\ue0b0')],
        };
      }, [...printed, ...named]);
      expect(report.pane).toContain('Iosevka');
      expect(report.loaded).toEqual([true, true]);
      expect(report.missing).toEqual([]);
      expect(report.control).toBeGreaterThan(0);
      // Text, braille, box drawing and powerline share one cell width.
      expect(new Set(report.cell).size).toBe(1);

      // The keyboard is in the pane; Tab stays there (the agent gets it), F6 leaves, F6 comes back.
      const inTerminal = () => page.evaluate(() => document.activeElement?.closest('.xterm') !== null);
      await page.locator('.xterm').click();
      await expect.poll(inTerminal).toBe(true);
      await page.keyboard.press('Tab');
      expect(await inTerminal()).toBe(true);
      await page.keyboard.press('F6');
      await expect.poll(inTerminal).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Find');
      await page.keyboard.press('F6');
      await expect.poll(inTerminal).toBe(true);

      // Ctrl+F opens the search, Enter finds, Escape closes it and gives the keyboard back.
      await page.keyboard.press('Control+f');
      const find = page.getByRole('searchbox', { name: 'Find in terminal' });
      await expect.poll(() => find.evaluate((el) => el === document.activeElement)).toBe(true);
      await find.fill('no such text anywhere');
      await page.getByText('No match').waitFor();
      await find.fill('Claude');
      await expect.poll(() => page.getByText('No match').count()).toBe(0);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape');
      await find.waitFor({ state: 'detached' });
      await expect.poll(inTerminal).toBe(true);
    } finally {
      await server.close();
    }
  }, 120_000);
});

/** Where the cursor is, the background, palette colour 2 beside a set of colour 1; then text in colour 1 and in a sample of the palette. */
const PALETTE_SAMPLE = [0, 1, 7, 8, 15, 16, 110, 196, 231, 232, 255];
const QUESTIONS = [
  '\x1b[6n\x1b]11;?\x07\x1b]4;1;#ff00ff;2;?\x1b\\',
  '\x1b[31mSET\x1b[0m',
  ...PALETTE_SAMPLE.filter((n) => n !== 1).map((n) => `\x1b[38;5;${n}mP${n}\x1b[0m`),
].join('');

describe('one agent shown in two tabs', () => {
  it("gets one answer to each question to the terminal, the host's, not one from each pane, and the panes draw the colours it is told", async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    // A program that asks once a line is typed, and prints every input it gets as GOT <json>.
    const agentOptions = { command: [process.execPath, join(import.meta.dirname, '..', 'fixtures', 'asks-cursor.mjs'), 'wait', QUESTIONS], promptDelivery: 'none' as const };
    const task = core.tasks.create({ projectId: project.id, title: 'Asker', prompt: '', agentKind: 'custom', agentOptions });
    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    try {
      const session = await core.sessions.start(task.id);
      const context = await (await launchBrowser()).newContext({ viewport: { width: 1280, height: 800 } });
      const tabs = [await context.newPage(), await context.newPage()];
      const rows = (tab: (typeof tabs)[number]) => tab.locator('.xterm-rows').textContent();
      for (const [i, tab] of tabs.entries()) {
        await tab.goto(server.loginUrl);
        await tab.getByRole('button', { name: 'Terminals' }).click();
        await tab.getByRole('button', { name: 'Show the live agent of Asker' }).click();
        await tab.locator('.xterm').click();
        // Typed in this tab, shown in every tab open so far: each pane is attached.
        await tab.keyboard.type(String(i));
        for (const shown of tabs.slice(0, i + 1)) await expect.poll(() => rows(shown), SLOW).toContain(`GOT "${i}"`);
      }
      // Enter: the program asks, and both panes show the question.
      await tabs[0]!.keyboard.press('Enter');
      for (const tab of tabs) await expect.poll(() => rows(tab), SLOW).toContain('asking');
      const got = async () => [...(await core.transcript.raw(session.id)).matchAll(/GOT (".*?")\r*\n/g)].map((m) => JSON.parse(m[1]!) as string).join('');
      // eslint-disable-next-line no-control-regex -- the answers are escape sequences
      const answers = async () => (await got()).match(/\x1b\[\d+;\d+R|\x1b\][\d;]+rgb:[\da-f/]+\x1b\\/g) ?? [];
      await expect.poll(answers, SLOW).toHaveLength(3);
      // A key typed after them comes after any second answer there could have been.
      await tabs[1]!.keyboard.type('z');
      for (const tab of tabs) await expect.poll(() => rows(tab), SLOW).toContain('GOT "z"');
      expect(await answers()).toEqual(['\x1b[4;7R', '\x1b]11;rgb:0f0f/1111/1515\x1b\\', '\x1b]4;2;rgb:4e4e/9a9a/0606\x1b\\']);

      // What each pane draws is what the host tells: colour 1 as the program set it beside its
      // question, the background and the palette as the host reports them.
      const reported = new TerminalColors();
      reported.handle(4, '1;#ff00ff');
      const rgbOf = (answer: string) => {
        const [r, g, b] = /rgb:([\da-f]{2})[\da-f]{2}\/([\da-f]{2})[\da-f]{2}\/([\da-f]{2})/.exec(answer)!.slice(1).map((hex) => parseInt(hex, 16));
        return `rgb(${r}, ${g}, ${b})`;
      };
      const expected = Object.fromEntries(PALETTE_SAMPLE.map((n) => [n === 1 ? 'SET' : `P${n}`, rgbOf(reported.handle(4, `${n};?`)[0]!)]));
      for (const tab of tabs) {
        const drawn = await tab.evaluate((labels) => {
          const spans = [...document.querySelectorAll('.xterm-rows span')];
          const colour = (label: string) => {
            const span = spans.find((s) => s.textContent === label);
            return span ? getComputedStyle(span).color : 'not drawn';
          };
          return {
            colours: Object.fromEntries(labels.map((label) => [label, colour(label)])),
            background: getComputedStyle(document.querySelector('.xterm-scrollable-element')!).backgroundColor,
          };
        }, Object.keys(expected));
        expect(drawn.colours).toEqual(expected);
        expect(drawn.background).toBe(rgbOf(reported.handle(11, '?')[0]!));
      }
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('command palette in Chromium at 1280×800', () => {
  it('opens with Ctrl+K, runs "Next agent waiting" to the agent that asks, and gives focus back when closed with Escape', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    installFakeClaude(300);
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({ projectId: project.id, title: 'Ask me', prompt: 'Write a note', status: 'ready', priority: 'normal', phase: null });
    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    try {
      const page = await (await (await launchBrowser()).newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(server.loginUrl);
      const newTask = page.getByRole('button', { name: 'New task' });
      await newTask.waitFor();
      const session = await core.sessions.start(task.id);
      await expect.poll(() => page.title(), SLOW).toBe('(1) Switchyard');

      // Escape closes the palette and the keyboard is back where it was.
      await newTask.focus();
      await page.keyboard.press('Control+k');
      const palette = page.getByRole('dialog', { name: 'Command palette' });
      await palette.waitFor();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Command');
      await page.keyboard.press('Escape');
      await palette.waitFor({ state: 'detached' });
      await expect.poll(() => newTask.evaluate((el) => el === document.activeElement)).toBe(true);

      // After Create, the keyboard is on the new card.
      await newTask.click();
      const editor = page.getByRole('dialog');
      await editor.getByLabel('Title').fill('Made from the keyboard');
      await editor.getByRole('button', { name: 'Create task' }).click();
      await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[data-task-id]')?.textContent ?? ''), SLOW).toContain('Made from the keyboard');
      await newTask.focus();

      // `?` lists every shortcut, the pane keys among them; the sheet holds focus and gives it back.
      await page.keyboard.press('?');
      const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await sheet.getByText('Ctrl+Shift+] / Ctrl+Shift+[').waitFor();
      await sheet.getByText('F6', { exact: true }).waitFor();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
      await page.keyboard.press('Escape');
      await sheet.waitFor({ state: 'detached' });
      await expect.poll(() => newTask.evaluate((el) => el === document.activeElement)).toBe(true);

      await page.keyboard.press('Control+k');
      await page.keyboard.type('next agent');
      await page.keyboard.press('Enter');
      await palette.waitFor({ state: 'detached' });
      await page.getByRole('region', { name: `Terminal of session ${session.id}` }).waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.closest('.xterm') !== null), SLOW).toBe(true);
    } finally {
      await server.close();
    }
  }, 120_000);
});
