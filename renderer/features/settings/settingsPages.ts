import type { SettingKey } from '../../../shared/contract';

/** The pages of the Settings dialog, in the order of its tabs. */
export const SETTINGS_PAGES = ['General', 'Notifications'] as const;
export type SettingsPage = (typeof SETTINGS_PAGES)[number];

/** The page a setting is edited on: notification settings have a page of their own. */
export function pageOf(key: SettingKey): SettingsPage {
  return key.startsWith('notify.') ? 'Notifications' : 'General';
}
