import { InvalidArgumentError } from 'commander';
import { settingDefinitions, SETTING_KEYS, type EffectiveSetting, type Project, type SettingKey } from '../../shared/contract';
import type { CoreAccess } from './coreAccess';
import { findProject, projectFor } from './taskRef';

export interface SettingsFlags {
  project?: string;
  json?: boolean;
}

/** Characters of a value shown in the list before it is cut (`settings get` shows it whole). */
const SHOWN_VALUE_LENGTH = 48;

/** The keys nearest to a mistyped one: those sharing its group, else those containing what follows the dot. */
function nearKeys(wanted: string): SettingKey[] {
  const [group = '', name = ''] = wanted.toLowerCase().split('.');
  const sameGroup = SETTING_KEYS.filter((key) => key.toLowerCase().startsWith(`${group}.`));
  if (sameGroup.length > 0) return sameGroup;
  const needle = name || group;
  return needle.length < 3 ? [] : SETTING_KEYS.filter((key) => key.toLowerCase().includes(needle));
}

/** A KEY argument: a setting's key, else a usage error naming the nearest keys (exit code 2). */
export function parseSettingKey(value: string): SettingKey {
  if ((SETTING_KEYS as readonly string[]).includes(value)) return value as SettingKey;
  const near = nearKeys(value);
  const hint = near.length > 0 ? `: did you mean ${near.join(', ')}?` : ': `switchyard settings` lists them';
  throw new InvalidArgumentError(`there is no setting "${value}"${hint}`);
}

/**
 * A VALUE argument as the setting takes it: JSON when the setting accepts what it reads as
 * (5, true, ["node_modules"]), else the text itself (a branch prefix of "42" stays text, an
 * eviction of lru needs no quotes). What neither fits goes to the core, which says what is wrong.
 */
export function settingValue(key: SettingKey, text: string): unknown {
  const schema = settingDefinitions[key].schema;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (schema.safeParse(parsed).success) return parsed;
  return schema.safeParse(text).success ? text : parsed;
}

const compact = (value: unknown) => (value === undefined ? '' : JSON.stringify(value));
const cut = (text: string) => (text.length > SHOWN_VALUE_LENGTH ? `${text.slice(0, SHOWN_VALUE_LENGTH - 1)}…` : text);

/** The lines of `switchyard settings`: each key, its effective value and where it comes from. */
export function settingsLines(list: readonly EffectiveSetting[], project: Project | null): string[] {
  const rows = list.map((s) => [s.key, cut(compact(s.value)), s.source]);
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length), column === 0 ? 3 : 5));
  const header = project ? `settings of ${project.name} (${project.path}); set one: switchyard settings set KEY VALUE [--project PATH]` : "the user's settings; set one: switchyard settings set KEY VALUE";
  return [header, '', ['KEY'.padEnd(widths[0]!), 'VALUE'.padEnd(widths[1]!), 'FROM'].join('  '), ...rows.map((row) => [row[0]!.padEnd(widths[0]!), row[1]!.padEnd(widths[1]!), row[2]].join('  '))];
}

/** The lines of `settings get`: the value whole, then each scope's. */
export function settingLines(setting: EffectiveSetting): string[] {
  const lines = [`${setting.key} = ${compact(setting.value)} (from ${setting.source})`, `  ${setting.label}: ${setting.description}`, `  default: ${compact(setting.defaultValue)}`];
  if (setting.userValue !== undefined) lines.push(`  user: ${compact(setting.userValue)}`);
  if (setting.projectValue !== undefined) lines.push(`  project: ${compact(setting.projectValue)}`);
  lines.push(`  can be set ${setting.scopes.map((scope) => (scope === 'user' ? 'for the user' : 'per project')).join(' and ')}`);
  return lines;
}

/** The project whose settings are read: --project's, else the current folder's when it is one, else none (the user's). */
async function readProject(access: CoreAccess, flags: SettingsFlags): Promise<Project | null> {
  if (flags.project !== undefined) return projectFor(access, flags.project);
  return findProject(access).catch(() => null);
}

const readAll = (access: CoreAccess, project: Project | null) => access.call<EffectiveSetting[]>('settings.get', project ? { projectId: project.id } : {});

/** `switchyard settings`: every setting as it holds for the project (--project, else the current folder's), else the user's. */
export async function settingsList(access: CoreAccess, flags: SettingsFlags, print: (line: string) => void): Promise<void> {
  const project = await readProject(access, flags);
  const list = await readAll(access, project);
  if (flags.json) print(JSON.stringify(list, null, 2));
  else for (const line of settingsLines(list, project)) print(line);
}

/** `switchyard settings get KEY`: one setting, with the value of each scope. */
export async function settingsGet(access: CoreAccess, key: SettingKey, flags: SettingsFlags, print: (line: string) => void): Promise<void> {
  const project = await readProject(access, flags);
  const setting = (await readAll(access, project)).find((s) => s.key === key)!;
  if (flags.json) print(JSON.stringify(setting, null, 2));
  else for (const line of settingLines(setting)) print(line);
}

/** A stored value to write (`settings set`), or the scope's stored value to remove (`settings reset`). */
export type SettingChange = { set: unknown } | { reset: true };

/**
 * `switchyard settings set KEY VALUE` (the user's, for every project without its own) or with
 * --project, that project's; `reset` removes the stored value of that scope. Says when the
 * current folder's project has a value of its own that wins there over the user's.
 */
export async function settingsWrite(access: CoreAccess, key: SettingKey, change: SettingChange, flags: SettingsFlags, print: (line: string) => void): Promise<void> {
  const project = flags.project === undefined ? null : await projectFor(access, flags.project);
  const scope = project ? { scope: 'project', projectId: project.id } : { scope: 'user' };
  const written = 'set' in change ? await access.call<EffectiveSetting>('settings.set', { key, value: change.set, ...scope }) : await access.call<EffectiveSetting>('settings.reset', { key, ...scope });
  if (flags.json) {
    print(JSON.stringify(written, null, 2));
    return;
  }
  const where = project ? `for ${project.name}` : 'for the user';
  print('set' in change ? `${key} = ${compact(written.value)} ${where}` : `${key} reset ${where}: now ${compact(written.value)} (from ${written.source})`);
  if (project) return;
  const here = await findProject(access).catch(() => null);
  if (!here) return;
  const there = (await readAll(access, here)).find((s) => s.key === key)!;
  if (there.source === 'project') print(`note: ${here.name} sets its own ${key} (${compact(there.projectValue)}), which wins there: switchyard settings reset ${key} --project ${here.path}`);
}
