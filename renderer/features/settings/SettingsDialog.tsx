import { useEffect, useState } from 'react';
import type { EffectiveSetting, Project, SettingScope } from '../../../shared/contract';
import { useDialogFocus } from '../../components/useDialogFocus';
import { CachePage } from '../cache/CachePage';
import { useActions } from '../../stores/actionsContext';
import { reportError, useAppStore } from '../../stores/appStore';
import { fieldKind, parseField } from './fieldKind';
import { NotificationsPage } from './NotificationsPage';
import { pageOf, SETTINGS_PAGES, type SettingsPage } from './settingsPages';

const SOURCE_LABEL: Record<EffectiveSetting['source'], string> = {
  default: 'default',
  user: 'your setting',
  project: 'this project',
  run: 'this run',
};

function display(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

function SettingEditor({
  setting,
  scope,
  onSave,
  onReset,
}: {
  setting: EffectiveSetting;
  scope: SettingScope;
  onSave: (value: unknown) => void;
  onReset: () => void;
}) {
  const field = fieldKind(setting.key);
  const stored = scope === 'user' ? setting.userValue : setting.projectValue;
  const inherited = scope === 'user' ? setting.defaultValue : (setting.userValue ?? setting.defaultValue);
  // The parent keys this editor by the stored value, so a new value from the main side starts a fresh draft.
  const [draft, setDraft] = useState(display(stored ?? inherited));
  const label = `${setting.label} (${scope === 'user' ? 'yours' : 'this project'})`;
  // Only a value the user changed is stored: leaving a field as it was (tabbing through) stores nothing.
  const commit = () => {
    if (draft !== display(stored ?? inherited)) onSave(parseField(field, draft));
  };

  return (
    <div className="setting-editor">
      {field.kind === 'boolean' ? (
        <input
          aria-label={label}
          type="checkbox"
          className="checkbox"
          checked={draft === 'true'}
          onChange={(e) => onSave(e.target.checked)}
        />
      ) : field.kind === 'choice' ? (
        <select aria-label={label} value={draft} onChange={(e) => onSave(e.target.value)}>
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : field.kind === 'number' ? (
        <input
          aria-label={label}
          type="number"
          min={field.min}
          max={field.max}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => e.key === 'Enter' && commit()}
        />
      ) : (
        // Text (a path, a list) wraps in a field that grows with it, so a long value is read whole; Enter saves.
        <textarea
          aria-label={label}
          rows={1}
          spellCheck={false}
          value={draft}
          placeholder={field.kind === 'text' && field.nullable ? 'automatic' : undefined}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            commit();
          }}
        />
      )}
      {stored !== undefined && (
        <button type="button" className="link" onClick={onReset} title="Inherit again">
          reset
        </button>
      )}
    </div>
  );
}

/** Settings with their effective value and its source, each editable for the user and for the project. */
function SettingsTable({
  settings,
  project,
  save,
  reset,
}: {
  settings: EffectiveSetting[];
  project: Project | null;
  save: (setting: EffectiveSetting, scope: SettingScope, value: unknown) => void;
  reset: (setting: EffectiveSetting, scope: SettingScope) => void;
}) {
  return (
    <table className="settings-table">
      <thead>
        <tr>
          <th>Setting</th>
          <th>In effect</th>
          <th>Yours</th>
          <th>{project ? `Project: ${project.name}` : 'Project'}</th>
        </tr>
      </thead>
      <tbody>
        {settings.map((s) => (
          <tr key={s.key} data-setting={s.key}>
            <td>
              <div>{s.label}</div>
              <div className="muted small">{s.description}</div>
            </td>
            <td>
              <code>{display(s.value) || 'automatic'}</code>
              <div className={`source source-${s.source}`}>{SOURCE_LABEL[s.source]}</div>
            </td>
            <td>
              <SettingEditor key={`u:${JSON.stringify(s.userValue)}`} setting={s} scope="user" onSave={(v) => save(s, 'user', v)} onReset={() => reset(s, 'user')} />
            </td>
            <td>
              {project && s.scopes.includes('project') ? (
                <SettingEditor
                  key={`p:${JSON.stringify(s.userValue)}:${JSON.stringify(s.projectValue)}`}
                  setting={s}
                  scope="project"
                  onSave={(v) => save(s, 'project', v)}
                  onReset={() => reset(s, 'project')}
                />
              ) : (
                <span className="muted small">{project ? 'per user only' : 'no project selected'}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Every setting with its effective value and where it comes from; editable per user and per project. */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const { client } = useActions();
  const dialogRef = useDialogFocus<HTMLDivElement>(onClose);
  const project = useAppStore((s) => s.projects.find((p) => p.id === s.selectedProjectId) ?? null);
  const [settings, setSettings] = useState<EffectiveSetting[]>([]);
  const [version, setVersion] = useState(0);
  const [page, setPage] = useState<SettingsPage>(() => useAppStore.getState().settingsPage);
  const projectId = project?.id;
  const load = () => setVersion((v) => v + 1);

  useEffect(() => {
    let current = true;
    client
      .call('settings.get', projectId ? { projectId } : {})
      .then((list) => current && setSettings(list))
      .catch(reportError);
    return () => {
      current = false;
    };
  }, [client, projectId, version]);
  // A setting changed by another window, tab or the CLI shows here without a reopen.
  useEffect(() => client.on('settings.changed', load), [client]);

  const save = async (setting: EffectiveSetting, scope: SettingScope, value: unknown) => {
    try {
      await client.call('settings.set', {
        key: setting.key,
        value,
        scope,
        ...(scope === 'project' && projectId ? { projectId } : {}),
      });
    } catch (error) {
      reportError(error);
    }
    load();
  };
  const reset = async (setting: EffectiveSetting, scope: SettingScope) => {
    try {
      await client.call('settings.reset', { key: setting.key, scope, ...(scope === 'project' && projectId ? { projectId } : {}) });
    } catch (error) {
      reportError(error);
    }
    load();
  };

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={dialogRef} className="dialog settings" role="dialog" aria-modal="true" aria-label="Settings">
        <h2>Settings</h2>
        <nav className="views" role="tablist" aria-label="Settings pages">
          {SETTINGS_PAGES.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={page === name}
              className={page === name ? 'tab active' : 'tab'}
              onClick={() => setPage(name)}
            >
              {name}
            </button>
          ))}
        </nav>
        {page === 'Notifications' && (
          <NotificationsPage settings={settings} project={project} save={(setting, scope, value) => void save(setting, scope, value)} />
        )}
        {(page === 'General' || page === 'Agents' || page === 'Usage') && (
          <SettingsTable
            settings={settings.filter((s) => pageOf(s.key) === page)}
            project={project}
            save={(setting, scope, value) => void save(setting, scope, value)}
            reset={(setting, scope) => void reset(setting, scope)}
          />
        )}
        {page === 'Cache' && (
          <>
            <CachePage project={project} settingsVersion={version} />
            <SettingsTable
              settings={settings.filter((s) => pageOf(s.key) === 'Cache')}
              project={project}
              save={(setting, scope, value) => void save(setting, scope, value)}
              reset={(setting, scope) => void reset(setting, scope)}
            />
          </>
        )}
        <div className="dialog-actions">
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
