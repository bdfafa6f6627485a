import { describe, expect, it } from 'vitest';
import { focusedTaskId, userCanSee } from '../../renderer/features/notify/focusReport';
import { tabTitle } from '../../renderer/features/notify/tabTitle';
import { choiceOf, DND_DEFAULT_SPAN_MS, fromLocalInput, settingFor, toLocalInput } from '../../renderer/features/settings/doNotDisturbField';
import { pageOf } from '../../renderer/features/settings/settingsPages';

describe('what the renderer reports for notifications', () => {
  it('counts waiting agents in the tab title', () => {
    expect(tabTitle(0)).toBe('Switchyard');
    expect(tabTitle(2)).toBe('(2) Switchyard');
  });

  it('reports the task view first, then the Terminals view’s focused pane, then the open details', () => {
    const none = { taskView: null, view: 'board' as const, activePaneTaskId: 't2', openTaskId: null };
    expect(focusedTaskId(none)).toBeNull();
    expect(focusedTaskId({ ...none, openTaskId: 't3' })).toBe('t3');
    expect(focusedTaskId({ ...none, view: 'terminals', openTaskId: 't3' })).toBe('t2');
    expect(focusedTaskId({ ...none, view: 'terminals', taskView: 't1' })).toBe('t1');
  });

  it('counts the desktop window as seen only while focused, a browser tab while visible', () => {
    expect(userCanSee('desktop', { hasFocus: false, visible: true })).toBe(false);
    expect(userCanSee('desktop', { hasFocus: true, visible: true })).toBe(true);
    expect(userCanSee('browser', { hasFocus: false, visible: true })).toBe(true);
    expect(userCanSee('browser', { hasFocus: true, visible: false })).toBe(false);
  });
});

describe('the Notifications settings page', () => {
  it('holds the notification settings and leaves the rest on General', () => {
    expect(pageOf('notify.doNotDisturb')).toBe('Notifications');
    expect(pageOf('notify.muted')).toBe('Notifications');
    expect(pageOf('scheduler.retries')).toBe('General');
  });

  it('edits do-not-disturb as off, until a time, or always', () => {
    const now = new Date(2026, 11, 2, 17, 5).getTime();
    expect(choiceOf('off')).toBe('off');
    expect(choiceOf({ until: now })).toBe('until');
    expect(settingFor('until', 'off', now)).toEqual({ until: now + DND_DEFAULT_SPAN_MS });
    expect(settingFor('until', { until: now + 5 }, now)).toEqual({ until: now + 5 });
    expect(settingFor('always', { until: now }, now)).toBe('always');
    expect(toLocalInput(now)).toBe('2026-12-02T17:05');
    expect(fromLocalInput('2026-12-02T17:05')).toBe(now);
    expect(fromLocalInput('tomorrow')).toBeNull();
  });
});
