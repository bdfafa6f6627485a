/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { TASK_STATUSES } from '../../shared/contract';
import { launchChromium } from '../../tests/helpers/browser';
import { percentile, type Measurement, type Suite } from '../harness';

const root = join(import.meta.dirname, '..', '..');
/** The board size the issue asks to stay smooth at. */
const LARGE_BOARD = 5_000;
/** The small board the large one is compared with. */
const SMALL_BOARD = 50;
/** Animation frames recorded while the biggest column scrolls from top to bottom. */
const SCROLL_FRAMES = 120;

/** A data directory holding one project with `count` tasks spread over the columns. */
function seed(count: number): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-board-'));
  const repo = mkdtempSync(join(tmpdir(), 'switchyard-bench-repo-'));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
  return core.projects.add(repo).then((project) => {
    for (let i = 0; i < count; i++) {
      core.tasks.create({
        projectId: project.id,
        title: `Task ${i}: ${'lorem ipsum '.repeat(1 + (i % 4))}`,
        prompt: '',
        // Most cards in the backlog, as after a plan import; a few elsewhere.
        status: i % 10 === 0 ? TASK_STATUSES[1 + (i % (TASK_STATUSES.length - 1))]! : 'backlog',
        priority: 'normal',
        phase: `Phase ${1 + (i % 6)}`,
      });
    }
    return core.dispose().then(() => dataDir);
  }) as unknown as string;
}

async function serve(dataDir: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'switchyard.js'), 'serve', '--port', '0', '--data-dir', dataDir]);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /(http:\/\/\S+token=\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** Milliseconds from navigation until every column is drawn with its cards. */
async function firstRender(page: Page, url: string, count: number): Promise<number> {
  // From a blank page, so that the app loads again even where the address differs only in its fragment.
  await page.goto('about:blank');
  const start = Date.now();
  await page.goto(url);
  await page.waitForFunction(
    (n) => {
      const counts = [...document.querySelectorAll('.column .count')].map((c) => Number(c.textContent));
      return counts.reduce((a, b) => a + b, 0) === n && document.querySelector('.card') !== null;
    },
    count,
    { timeout: 60_000 },
  );
  return Date.now() - start;
}

/** Frame durations (ms) while the backlog column scrolls through all its cards. */
async function scrollFrames(page: Page): Promise<number[]> {
  return page.evaluate(async (frames) => {
    const body = document.querySelector('section[data-status="backlog"] .column-body') as HTMLElement;
    const distance = body.scrollHeight - body.clientHeight;
    const times: number[] = [];
    let last = performance.now();
    for (let i = 1; i <= frames; i++) {
      body.scrollTop = (distance * i) / frames;
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times;
  }, SCROLL_FRAMES);
}

/** Frame durations (ms) of the same page doing nothing: what the browser gives on this machine. */
async function idleFrames(page: Page): Promise<number[]> {
  return page.evaluate(async (frames) => {
    const times: number[] = [];
    let last = performance.now();
    for (let i = 0; i < frames; i++) {
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times;
  }, SCROLL_FRAMES);
}

const suite: Suite = {
  name: 'board',
  async run(): Promise<Measurement[]> {
    const large = await seed(LARGE_BOARD);
    const small = await seed(SMALL_BOARD);
    const browser = await launchChromium();
    const servers = [await serve(large), await serve(small)];
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      // The first load pays for parsing the app's code: warm up, then measure both boards warm.
      await firstRender(page, servers[1]!.url, SMALL_BOARD);
      const smallMs = await firstRender(page, servers[1]!.url, SMALL_BOARD);
      const largeMs = await firstRender(page, servers[0]!.url, LARGE_BOARD);
      const idle = await idleFrames(page);
      const scroll = await scrollFrames(page);
      const rendered = await page.locator('.card').count();
      return [
        {
          name: `board.first render, ${LARGE_BOARD} tasks`,
          value: largeMs,
          unit: 'ms',
          baseline: `${SMALL_BOARD} tasks`,
          baselineValue: smallMs,
          better: 'lower',
        },
        {
          name: `board.scroll frame p95, ${LARGE_BOARD} tasks`,
          value: percentile(scroll, 95),
          unit: 'ms',
          baseline: 'idle page frame p95',
          baselineValue: percentile(idle, 95),
          better: 'lower',
          target: `≈1× (${rendered} of ${LARGE_BOARD} cards in the DOM)`,
        },
        {
          name: `board.scroll frame max, ${LARGE_BOARD} tasks`,
          value: Math.max(...scroll),
          unit: 'ms',
          baseline: 'idle page frame max',
          baselineValue: Math.max(...idle),
          better: 'lower',
        },
      ];
    } finally {
      for (const server of servers) server.stop();
      await browser.close();
      rmSync(large, { recursive: true, force: true });
      rmSync(small, { recursive: true, force: true });
    }
  },
};

export default suite;
