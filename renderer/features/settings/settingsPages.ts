import type { SettingKey } from '../../../shared/contract';

/** The pages of the Settings dialog, in the order of its tabs. */
export const SETTINGS_PAGES = ['General', 'Agents', 'Notifications', 'Cache', 'Usage'] as const;
export type SettingsPage = (typeof SETTINGS_PAGES)[number];

/** The page a setting is edited on: the agents' settings (default agent, where each is installed), notification settings, the dependency cache's and usage (prices, budgets) have pages of their own. */
export function pageOf(key: SettingKey): SettingsPage {
  if (key.startsWith('notify.')) return 'Notifications';
  if (key.startsWith('agents.')) return 'Agents';
  if (key.startsWith('cache.')) return 'Cache';
  if (key.startsWith('usage.')) return 'Usage';
  return 'General';
}
