import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../shared/contract';
import {
  TRAY_MENU_MAX_ITEMS,
  trayCountsLine,
  trayModel,
  trayRunItem,
  type AttentionItem,
} from '../../electron/core/notify/attention';
import { TRAY_COLORS, trayIconPng } from '../../electron/core/notify/trayIcon';

let n = 0;
function item(state: SessionState, since = ++n, title = `task ${n}`): AttentionItem {
  return { sessionId: `s${n}`, taskId: `t${n}`, taskTitle: title, projectName: 'repo', state, since };
}

describe('tray model', () => {
  it('says nothing is running when nothing is', () => {
    expect(trayModel([])).toEqual({
      status: 'none',
      tooltip: 'Switchyard — no agent running',
      badge: 0,
      items: [],
      more: 0,
      counts: { needs_input: 0, working: 0, idle: 0, failed: 0 },
      run: null,
    });
  });

  it('shows the most urgent status and lists what needs the human first, oldest first', () => {
    const model = trayModel([
      item('working', 1, 'A'),
      item('idle', 2, 'B'),
      item('needs_input', 5, 'C'),
      item('failed', 3, 'D'),
      item('needs_input', 4, 'E'),
      item('exited', 6, 'F'),
    ]);
    expect(model.status).toBe('needs_input');
    expect(model.badge).toBe(2);
    expect(model.tooltip).toBe('Switchyard — 2 need you, 1 failed, 1 working, 1 finished');
    expect(model.items.map((i) => i.label)).toEqual([
      'E — needs you (repo)',
      'C — needs you (repo)',
      'D — failed (repo)',
      'B — finished (repo)',
      'A — working (repo)',
    ]);
  });

  it('falls back to failed, then working, then finished', () => {
    expect(trayModel([item('working'), item('failed')]).status).toBe('failed');
    expect(trayModel([item('idle'), item('starting')]).status).toBe('working');
    expect(trayModel([item('idle'), item('exited')]).status).toBe('idle');
  });

  it('caps the menu and counts the rest', () => {
    const many = Array.from({ length: TRAY_MENU_MAX_ITEMS + 3 }, () => item('working'));
    const model = trayModel(many);
    expect(model.items).toHaveLength(TRAY_MENU_MAX_ITEMS);
    expect(model.more).toBe(3);
  });
});

describe('tray counts and run control', () => {
  it('counts live sessions per state and says so on one line', () => {
    const model = trayModel([item('needs_input'), item('needs_input'), item('starting'), item('working'), item('idle'), item('failed')]);
    expect(model.counts).toEqual({ needs_input: 2, working: 2, idle: 1, failed: 1 });
    expect(trayCountsLine(model.counts)).toBe('2 need you · 2 working · 1 finished · 1 failed');
  });

  it('offers to pause while a run is on, to resume what the tray paused, and nothing otherwise', () => {
    expect(trayModel([], { active: 2, pausedFromTray: 0 }).run).toEqual({ label: 'Pause the run (2 projects)', action: 'pause' });
    expect(trayRunItem({ active: 1, pausedFromTray: 3 })).toEqual({ label: 'Pause the run (1 project)', action: 'pause' });
    expect(trayRunItem({ active: 0, pausedFromTray: 1 })).toEqual({ label: 'Resume the run (1 project)', action: 'resume' });
    expect(trayRunItem({ active: 0, pausedFromTray: 0 })).toBeNull();
  });
});

describe('tray icon', () => {
  function decode(png: Buffer) {
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString('ascii', 37, 41)).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    const pixel = (x: number, y: number) => [...raw.subarray(y * (1 + width * 4) + 1 + x * 4, y * (1 + width * 4) + 5 + x * 4)];
    return { width, height, pixel };
  }

  it('draws a dot of the status colour, opaque in the middle and clear in the corners, at any size', () => {
    for (const size of [16, 32]) {
      const { width, height, pixel } = decode(trayIconPng('needs_input', size));
      expect([width, height]).toEqual([size, size]);
      expect(pixel(size / 2, size / 2)).toEqual([...TRAY_COLORS.needs_input, 255]);
      expect(pixel(0, 0)[3]).toBe(0);
    }
    expect(decode(trayIconPng('failed', 16)).pixel(8, 8)).toEqual([...TRAY_COLORS.failed, 255]);
  });
});
