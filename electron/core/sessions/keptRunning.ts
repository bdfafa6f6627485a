import type { NotificationDto } from '../../../shared/contract';

/** What quitting does with the agents that run: leave them running in the session host, or stop them. */
export type QuitChoice = 'keep' | 'stop';

const agents = (n: number) => (n === 1 ? '1 agent' : `${n} agents`);

/**
 * The tray's line about quitting, from how many agents run and what quitting does by the setting
 * `sessions.keepRunningOnQuit`: null when none runs (quitting changes nothing then).
 */
export function quitTrayLine(running: number, keepRunning: boolean): string | null {
  if (running <= 0) return null;
  return keepRunning ? `${agents(running)} keep${running === 1 ? 's' : ''} running after Quit` : `Quit stops ${agents(running)}`;
}

/**
 * The notification shown as the app quits and leaves agents running without a window (so that
 * nobody thinks they stopped, or forgets them): null when quitting stops them, or none runs.
 */
export function keptRunningNotification(choice: QuitChoice, running: number): NotificationDto | null {
  if (choice !== 'keep' || running <= 0) return null;
  return {
    title: `${agents(running)} keep${running === 1 ? 's' : ''} running`,
    body: `Switchyard quit and left ${running === 1 ? 'it' : 'them'} working; ${running === 1 ? 'it is' : 'they are'} shown again, with ${running === 1 ? 'its screen' : 'their screens'}, when Switchyard starts (or stop ${running === 1 ? 'it' : 'them'} with switchyard daemon stop --all).`,
    taskId: null,
    sound: false,
    urgent: false,
  };
}
