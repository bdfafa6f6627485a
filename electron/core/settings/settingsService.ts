import { and, eq } from 'drizzle-orm';
import {
  settingDefinitions,
  SETTING_KEYS,
  type EffectiveSetting,
  type SettingKey,
  type SettingScope,
  type SettingValue,
} from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Db } from '../db/client';
import type { EventBus } from '../events';
import { settings } from '../db/schema';
import { toDisposable, type Disposable } from '../disposable';
import type { ProjectService } from '../projects/projectService';

const USER_SCOPE_PROJECT_ID = '';

/** Where a stored setting is kept in SettingsService's memory of what it read. */
const textKey = (scope: SettingScope, projectId: string, key: string) => `${scope}\u0000${projectId}\u0000${key}`;

/** Values that hold for one project while a run lasts. */
export type RunValues = { [K in SettingKey]?: SettingValue<K> };

/**
 * Settings in two scopes: the user's (defaults for every project) and a project's (overrides).
 * The effective value is always returned with the scope it comes from. A run may hold values of
 * its own for a project (`holdForRun`): they win while it lasts and are never stored.
 */
export class SettingsService {
  private readonly runValues = new Map<string, { values: Map<SettingKey, unknown> }>();
  /**
   * The stored text of each setting read so far (null: none stored), by scope, project and key.
   * This core is the only writer of the data folder while it runs, so what it read stays true
   * until it writes; every read of a value (each scheduler pass reads several) then costs no query.
   */
  private readonly storedText = new Map<string, string | null>();

  /**
   * `check` refuses a value its schema cannot judge (an agent's program path must be an executable
   * file on this machine): a sentence saying what is wrong, or null when the value is fine.
   */
  constructor(
    private readonly db: Db,
    private readonly projects: ProjectService,
    private readonly bus: EventBus,
    private readonly check: (key: SettingKey, value: unknown) => string | null = () => null,
  ) {
    // A removed project's settings leave the database with it (ProjectService.remove).
    bus.subscribe(({ event, payload }) => {
      if (event !== 'project.changed' || payload.kind !== 'removed') return;
      const prefix = textKey('project', payload.id, '');
      for (const key of [...this.storedText.keys()]) if (key.startsWith(prefix)) this.storedText.delete(key);
    });
  }

  /** The effective value of one setting, for internal use by other services. */
  value<K extends SettingKey>(key: K, projectId?: string): SettingValue<K> {
    return this.effective(key, projectId).value as SettingValue<K>;
  }

  list(projectId?: string): EffectiveSetting[] {
    if (projectId !== undefined) this.projects.get(projectId);
    return SETTING_KEYS.map((key) => this.effective(key, projectId));
  }

  /**
   * Makes `values` the project's effective ones until the returned handle is disposed (a headless
   * run's `--approve` and stacking): nothing is written, so the next start of the app has the
   * stored values. A later hold for the same project replaces this one.
   */
  holdForRun(projectId: string, values: RunValues): Disposable {
    this.projects.get(projectId);
    const held = new Map<SettingKey, unknown>();
    for (const [key, value] of Object.entries(values) as [SettingKey, unknown][]) {
      const definition = settingDefinitions[key];
      if (!(definition.scopes as readonly string[]).includes('project')) {
        throw new SwitchyardError('BAD_INPUT', `${key} cannot be set per project, so not for a run either`, { key });
      }
      const parsed = definition.schema.safeParse(value);
      if (!parsed.success) throw new SwitchyardError('BAD_INPUT', `${key}: ${parsed.error.issues.map((i) => i.message).join('; ')}`, { key });
      held.set(key, parsed.data);
    }
    const hold = { values: held };
    this.runValues.set(projectId, hold);
    return toDisposable(() => {
      if (this.runValues.get(projectId) === hold) this.runValues.delete(projectId);
    });
  }

  set(key: SettingKey, value: unknown, scope: SettingScope, projectId?: string): EffectiveSetting {
    const target = this.target(key, scope, projectId);
    const parsed = settingDefinitions[key].schema.safeParse(value);
    if (!parsed.success) {
      throw new SwitchyardError('BAD_INPUT', `${key}: ${parsed.error.issues.map((i) => i.message).join('; ')}`, {
        key,
      });
    }
    const problem = this.check(key, parsed.data);
    if (problem !== null) throw new SwitchyardError('BAD_INPUT', problem, { key, field: settingDefinitions[key].label });
    const json = JSON.stringify(parsed.data);
    this.db
      .insert(settings)
      .values({ scope, projectId: target, key, value: json, updatedAt: Date.now() })
      .onConflictDoUpdate({
        target: [settings.scope, settings.projectId, settings.key],
        set: { value: json, updatedAt: Date.now() },
      })
      .run();
    this.storedText.set(textKey(scope, target, key), json);
    this.bus.emit('settings.changed', { key, scope, projectId: projectId ?? null, value: parsed.data });
    return this.effective(key, projectId);
  }

  reset(key: SettingKey, scope: SettingScope, projectId?: string): EffectiveSetting {
    const target = this.target(key, scope, projectId);
    this.db
      .delete(settings)
      .where(and(eq(settings.scope, scope), eq(settings.projectId, target), eq(settings.key, key)))
      .run();
    this.storedText.set(textKey(scope, target, key), null);
    this.bus.emit('settings.changed', { key, scope, projectId: projectId ?? null });
    return this.effective(key, projectId);
  }

  private target(key: SettingKey, scope: SettingScope, projectId: string | undefined): string {
    const definition = settingDefinitions[key];
    if (!(definition.scopes as readonly string[]).includes(scope)) {
      throw new SwitchyardError('BAD_INPUT', `${key} cannot be set per ${scope}`, { key, scope });
    }
    if (scope === 'user') {
      if (projectId !== undefined) throw new SwitchyardError('BAD_INPUT', 'projectId is only for the project scope');
      return USER_SCOPE_PROJECT_ID;
    }
    if (projectId === undefined) throw new SwitchyardError('BAD_INPUT', 'the project scope needs a projectId');
    this.projects.get(projectId);
    return projectId;
  }

  private stored(key: SettingKey, scope: SettingScope, projectId: string): unknown {
    const cacheKey = textKey(scope, projectId, key);
    let text = this.storedText.get(cacheKey);
    if (text === undefined) {
      text =
        this.db
          .select({ value: settings.value })
          .from(settings)
          .where(and(eq(settings.scope, scope), eq(settings.projectId, projectId), eq(settings.key, key)))
          .get()?.value ?? null;
      this.storedText.set(cacheKey, text);
    }
    if (text === null) return undefined;
    // A stored value that no longer fits the schema (an older version wrote it) is ignored, not fatal.
    const parsed = settingDefinitions[key].schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  }

  private effective(key: SettingKey, projectId?: string): EffectiveSetting {
    const definition = settingDefinitions[key];
    const userValue = this.stored(key, 'user', USER_SCOPE_PROJECT_ID);
    const projectValue =
      projectId !== undefined && (definition.scopes as readonly string[]).includes('project')
        ? this.stored(key, 'project', projectId)
        : undefined;
    const held = projectId !== undefined ? this.runValues.get(projectId)?.values : undefined;
    const [value, source] =
      held?.has(key)
        ? [held.get(key), 'run' as const]
        : projectValue !== undefined
          ? [projectValue, 'project' as const]
          : userValue !== undefined
            ? [userValue, 'user' as const]
            : [definition.default, 'default' as const];
    return {
      key,
      value,
      source,
      defaultValue: definition.default,
      ...(userValue !== undefined ? { userValue } : {}),
      ...(projectValue !== undefined ? { projectValue } : {}),
      scopes: [...definition.scopes],
      label: definition.label,
      description: definition.description,
    };
  }
}
