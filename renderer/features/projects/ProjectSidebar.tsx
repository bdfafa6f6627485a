import { useState, type FormEvent } from 'react';
import { Loadable } from '../../components/Loadable';
import { lazyNamed } from '../../components/lazyNamed';
import { useActions } from '../../stores/actionsContext';
import { useAppStore } from '../../stores/appStore';

const SettingsDialog = lazyNamed(() => import('../settings/SettingsDialog'), 'SettingsDialog');

export function ProjectSidebar() {
  const actions = useActions();
  const projects = useAppStore((s) => s.projects);
  const selected = useAppStore((s) => s.selectedProjectId);
  const [path, setPath] = useState('');
  const settingsOpen = useAppStore((s) => s.settingsOpen);
  const setSettingsOpen = (open: boolean) => useAppStore.setState({ settingsOpen: open });

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const project = await actions.addProject(path.trim());
    if (project) {
      setPath('');
      await actions.selectProject(project.id);
    }
  };

  return (
    <aside className="sidebar">
      <h1 className="brand">Switchyard</h1>
      <nav aria-label="Projects">
        <h2 className="sidebar-heading">Projects</h2>
        {projects.length === 0 && <p className="muted">No projects yet. Add a git repository below.</p>}
        <ul className="project-list">
          {projects.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className={p.id === selected ? 'project active' : 'project'}
                aria-current={p.id === selected ? 'true' : undefined}
                title={p.path}
                onClick={() => void actions.selectProject(p.id)}
              >
                <span className="project-name">{p.name}</span>
                <span className="project-branch">{p.baseBranch}</span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <form className="add-project" onSubmit={(e) => void add(e)}>
        <label htmlFor="project-path">Add a repository</label>
        <input
          id="project-path"
          placeholder="/path/to/repository"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          spellCheck={false}
        />
        <button type="submit" disabled={path.trim() === ''}>
          Add project
        </button>
      </form>
      <div className="sidebar-footer">
        <button type="button" onClick={() => setSettingsOpen(true)}>
          Settings
        </button>
      </div>
      {settingsOpen && (
        <Loadable what="settings">
          <SettingsDialog onClose={() => setSettingsOpen(false)} />
        </Loadable>
      )}
    </aside>
  );
}
