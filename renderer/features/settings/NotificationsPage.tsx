import { useState } from 'react';
import { NOTIFY_EVENT_KINDS, type DoNotDisturb, type EffectiveSetting, type NotifyEventKind, type Project, type SettingKey, type SettingScope } from '../../../shared/contract';
import { useAppStore } from '../../stores/appStore';
import { requestNotificationPermission, useWebNotifications } from '../notify/webNotifications';
import { choiceOf, fromLocalInput, settingFor, toLocalInput, type DoNotDisturbChoice } from './doNotDisturbField';

const KIND_LABELS: Record<NotifyEventKind, string> = {
  needs_input: 'An agent needs your input',
  turn_finished: 'An agent finished its turn',
  failed: 'An agent failed',
  merge_conflict: 'A merge conflicts',
  limit_reset: 'A usage limit reset and the agent goes on',
  budget_reached: 'A project’s budget is reached and no more agents start',
};

const DND_LABELS: Record<DoNotDisturbChoice, string> = { off: 'Off', until: 'Until', always: 'Always' };

export interface SettingsPageProps {
  settings: EffectiveSetting[];
  project: Project | null;
  save: (setting: EffectiveSetting, scope: SettingScope, value: unknown) => void;
}

function BrowserPermission() {
  const browser = useAppStore((s) => s.info?.mode === 'browser');
  const permission = useWebNotifications((s) => s.permission);
  if (!browser) return null;
  return (
    <section className="notify-permission">
      <h3>This browser</h3>
      {permission === 'granted' && <p>Notifications are allowed in this browser.</p>}
      {permission === 'denied' && <p>This browser blocks Switchyard’s notifications; allow them in its site settings.</p>}
      {permission === 'unsupported' && <p>This browser cannot show notifications; the tab’s title still counts who waits.</p>}
      {permission === 'default' && (
        <button type="button" onClick={() => void requestNotificationPermission()}>
          Allow notifications in this browser
        </button>
      )}
    </section>
  );
}

/** Settings → Notifications: what calls you back, do not disturb, sound, and this project's mute. */
export function NotificationsPage({ settings, project, save: saveSetting }: SettingsPageProps) {
  // What the user just chose shows at once, until the main side's answer reloads the settings.
  const [chosenFor, setChosen] = useState<{ settings: EffectiveSetting[]; values: ReadonlyMap<SettingKey, unknown> }>({ settings, values: new Map() });
  const chosen = chosenFor.settings === settings ? chosenFor.values : new Map<SettingKey, unknown>();
  const save = (setting: EffectiveSetting, scope: SettingScope, value: unknown) => {
    setChosen({ settings, values: new Map(chosen).set(setting.key, value) });
    saveSetting(setting, scope, value);
  };
  const find = (key: SettingKey) => {
    const setting = settings.find((s) => s.key === key);
    return setting && chosen.has(key) ? { ...setting, value: chosen.get(key) } : setting;
  };
  const events = find('notify.events');
  const dnd = find('notify.doNotDisturb');
  const sound = find('notify.sound');
  const muted = find('notify.muted');
  if (!events || !dnd || !sound || !muted) return null;
  const kinds = events.value as NotifyEventKind[];
  const dndValue = dnd.value as DoNotDisturb;
  const toggleKind = (kind: NotifyEventKind, on: boolean) =>
    save(events, 'user', NOTIFY_EVENT_KINDS.filter((k) => (k === kind ? on : kinds.includes(k))));

  return (
    <div className="notify-settings">
      <BrowserPermission />
      <fieldset>
        <legend>{events.label}</legend>
        {NOTIFY_EVENT_KINDS.map((kind) => (
          <label key={kind} className="check-row">
            <input type="checkbox" checked={kinds.includes(kind)} onChange={(e) => toggleKind(kind, e.target.checked)} />
            {KIND_LABELS[kind]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{dnd.label}</legend>
        <p className="muted small">{dnd.description}</p>
        {(['off', 'until', 'always'] as const).map((choice) => (
          <label key={choice} className="check-row">
            <input
              type="radio"
              name="dnd"
              checked={choiceOf(dndValue) === choice}
              onChange={() => save(dnd, 'user', settingFor(choice, dndValue, Date.now()))}
            />
            {DND_LABELS[choice]}
          </label>
        ))}
        {typeof dndValue === 'object' && (
          <input
            type="datetime-local"
            aria-label="Do not disturb until"
            value={toLocalInput(dndValue.until)}
            onChange={(e) => {
              const until = fromLocalInput(e.target.value);
              if (until !== null) save(dnd, 'user', { until });
            }}
          />
        )}
      </fieldset>
      <fieldset>
        <legend>{sound.label}</legend>
        <label className="check-row">
          <input type="checkbox" checked={sound.value === true} onChange={(e) => save(sound, 'user', e.target.checked)} />
          {sound.description}
        </label>
      </fieldset>
      <fieldset>
        <legend>{project ? `${muted.label}: ${project.name}` : muted.label}</legend>
        {project ? (
          <label className="check-row">
            <input type="checkbox" checked={muted.value === true} onChange={(e) => save(muted, 'project', e.target.checked)} />
            {muted.description}
          </label>
        ) : (
          <p className="muted small">Select a project to mute it.</p>
        )}
      </fieldset>
    </div>
  );
}
