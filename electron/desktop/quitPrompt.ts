import { dialog } from 'electron';
import type { Core, QuitChoice } from '../core/app';

/**
 * Asks, when agents run, whether quitting keeps them running in the session host (shown again at
 * the next start) or stops them all; the setting `sessions.keepRunningOnQuit` is the default.
 */
export async function askQuitChoice(core: Core): Promise<QuitChoice> {
  const running = core.sessions.runningCount();
  const keep = core.settings.value('sessions.keepRunningOnQuit');
  if (running === 0) return keep ? 'keep' : 'stop';
  const { response } = await dialog.showMessageBox({
    type: 'question',
    buttons: ['Keep running', 'Stop all'],
    defaultId: keep ? 0 : 1,
    cancelId: keep ? 0 : 1,
    message: running === 1 ? 'An agent is running.' : `${running} agents are running.`,
    detail: 'Kept agents go on working without the window and are shown again, with their screens, when Switchyard starts.',
  });
  return response === 0 ? 'keep' : 'stop';
}
