import { describe, expect, it } from 'vitest';
import { byKey, parseSample } from './samplePlans';

const PHASED = '000_b2d475505025903d.txt';
const CHECKBOXES = '003_22bfff5976980d4b.txt';

describe('the phased task breakdown (000)', () => {
  const plan = parseSample(PHASED);
  const tasks = byKey(plan.tasks);

  it('finds the fifteen headed tasks, with their ids, titles and phases, and nothing from the drawn graph', () => {
    expect(plan.title).toBe('Development Task Breakdown');
    expect(plan.tasks.map((t) => t.key)).toEqual([
      '1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3', '4.1', '4.2', '4.3', '5.1', '5.2', '5.3',
    ]);
    expect(plan.tasks.every((t) => t.keyFromPlan)).toBe(true);
    expect(tasks['1.1']!.title).toBe('Enhanced Settings System');
    expect(tasks['1.2']!.title).toBe('Rate-Limited Plex Client');
    expect(tasks['2.3']!.title).toBe('Enhanced Cache Manager');
    expect(tasks['4.3']!.title).toBe('Users & Lists Management UI');
    expect(tasks['5.3']!.title).toBe('Docker & Deployment Polish');
    expect(tasks['1.1']!.line).toBe(100);
    expect(plan.phases.map((p) => [p.name, p.number, p.taskCount])).toEqual([
      ['PHASE 1: Foundation (Week 1)', 1, 3],
      ['PHASE 2: Core Systems (Week 2)', 2, 3],
      ['PHASE 3: API & WebSocket (Week 3)', 3, 3],
      ['PHASE 4: Frontend (Week 4)', 4, 3],
      ['PHASE 5: Polish (Week 5)', 5, 3],
    ]);
    expect(tasks['3.2']!.phase).toBe('PHASE 3: API & WebSocket (Week 3)');
    expect(plan.tasks.every((t) => !t.done)).toBe(true);
  });

  it('maps assignees to agents, Cursor included', () => {
    const agents = Object.fromEntries(plan.tasks.map((t) => [t.key, t.agent]));
    expect(agents).toEqual({
      '1.1': 'claude-code', '1.2': 'claude-code', '1.3': 'codex',
      '2.1': 'claude-code', '2.2': 'claude-code', '2.3': 'claude-code',
      '3.1': 'codex', '3.2': 'claude-code', '3.3': 'codex',
      '4.1': 'claude-code', '4.2': 'claude-code', '4.3': 'claude-code',
      '5.1': 'codex', '5.2': 'cursor', '5.3': 'cursor',
    });
    expect(tasks['1.1']!.agentLabel).toBe('Claude Code (Opus)');
    expect(tasks['5.2']!.agentLabel).toBe('Cursor');
    expect(plan.warnings.filter((w) => /unknown agent/.test(w.message))).toEqual([]);
  });

  it('reads every dependency: "Depends On", the other side of "Blocks", the table, and whole phases', () => {
    expect(tasks['1.1']!.dependsOn).toEqual([]);
    expect(tasks['1.3']!.dependsOn).toEqual([]);
    expect(tasks['2.1']!.dependsOn).toEqual(['1.1', '1.2', '1.3']);
    expect(tasks['2.2']!.dependsOn).toEqual(['1.1', '1.2', '1.3']);
    expect(tasks['2.3']!.dependsOn).toEqual(['1.1', '1.2', '2.1', '2.2']);
    expect(tasks['3.1']!.dependsOn).toEqual(['2.1', '2.2', '2.3']);
    expect(tasks['3.2']!.dependsOn).toEqual(['2.3']);
    expect(tasks['3.3']!.dependsOn).toEqual(['2.3']);
    expect(tasks['4.1']!.dependsOn).toEqual(['3.1', '3.2']);
    expect(tasks['4.2']!.dependsOn).toEqual(['3.1']);
    expect(tasks['4.3']!.dependsOn).toEqual(['3.1']);
    // "All Phase 2-4 tasks".
    const phases2to4 = ['2.1', '2.2', '2.3', '3.1', '3.2', '3.3', '4.1', '4.2', '4.3'];
    for (const key of ['5.1', '5.2', '5.3']) expect(tasks[key]!.dependsOn).toEqual(phases2to4);
    expect(plan.edges).toHaveLength(3 + 3 + 4 + 3 + 1 + 1 + 2 + 1 + 1 + 27);
    expect(plan.edges).toContainEqual({ task: '2.3', dependsOn: '1.2' });
    // "Blocks: All Phase 2 tasks" of 1.1, said as a block.
    expect(tasks['1.1']!.blocks).toEqual(['2.1', '2.2', '2.3']);
    expect(tasks['1.2']!.blocks).toEqual(['2.1', '2.2', '2.3']);
    expect(tasks['1.2']!.parallelWith).toEqual(['1.1', '1.3']);
    expect(plan.cycles).toEqual([]);
  });

  it('takes the fenced prompt, not the requirements block, and the estimate and complexity', () => {
    expect(tasks['1.1']!.prompt.startsWith('Read docs/FEATURE_PARITY.md, docs/USER_MANAGEMENT_DESIGN.md, and')).toBe(true);
    expect(tasks['1.1']!.prompt.endsWith('as a starting point but expand significantly.')).toBe(true);
    expect(tasks['1.1']!.prompt).not.toMatch(/PlexSettings|Must support/);
    expect(tasks['1.3']!.prompt.startsWith('Create SQLite database schema using SQLAlchemy in src/db/.')).toBe(true);
    expect(tasks['2.3']!.prompt).toContain('system (Task 2.1) and import lists system (Task 2.2)');
    expect(tasks['5.2']!.prompt.startsWith('Update README.md with installation instructions')).toBe(true);
    expect(tasks['5.3']!.prompt).toContain('add .dockerignore for efficient builds.');
    expect(tasks['1.1']!.estimate).toBe('4-6 hours');
    expect(tasks['2.2']!.estimate).toBe('8-10 hours');
    expect(tasks['1.3']!.complexity).toBe('Medium');
    expect(tasks['5.2']!.complexity).toBe('Low');
  });

  it('repairs the mis-decoded drawing and imports no garbage', () => {
    const everything = JSON.stringify(plan.tasks);
    expect(everything).not.toMatch(/â”|â–|Ã|ğŸ/);
    expect(plan.warnings.some((w) => /repaired \d+ characters/.test(w.message) && w.line === 17)).toBe(true);
  });
});

describe('the six-phase checkbox plan (003)', () => {
  const plan = parseSample(CHECKBOXES);

  it('finds the 32 checkbox tasks in six phases, and none of the deliverables or criteria', () => {
    expect(plan.title).toBe('CC-Orchestrator Implementation Plan');
    expect(plan.tasks).toHaveLength(32);
    expect(plan.phases.map((p) => [p.name, p.taskCount, p.done])).toEqual([
      ['Phase 1: Core Infrastructure', 6, true],
      ['Phase 2: Git & Process Management (Week 2-3)', 5, false],
      ['Phase 3: Web Interface (Week 3-4)', 6, false],
      ['Phase 4: External Integrations (Week 4-5)', 5, false],
      ['Phase 5: Advanced Features (Week 5-6)', 5, false],
      ['Phase 6: Documentation & Release (Week 6)', 5, false],
    ]);
    const titles = plan.tasks.map((t) => t.title);
    expect(titles[0]).toBe('Project setup (pyproject.toml, dependencies, tooling) - Issue #7');
    expect(titles).toContain('Tmux session integration and management');
    expect(titles).toContain('Notification system (Slack/Discord)');
    expect(titles.at(-1)).toBe('Performance testing and optimization');
    expect(titles).not.toContain('Web dashboard at localhost:8080');
    expect(titles).not.toContain('Can create isolated worktrees automatically');
    expect(titles.some((t) => /Claude Code API changes|Week 2/.test(t))).toBe(false);
  });

  it('takes checked boxes as done, has no dependencies and no agents, and makes up unique keys', () => {
    expect(plan.tasks.filter((t) => t.done).map((t) => t.title)).toEqual([
      'Project setup (pyproject.toml, dependencies, tooling) - Issue #7',
      'CLI framework with Click (main commands structure) - Issue #8',
      'Configuration management (YAML + env vars) - Issue #10',
      'SQLite database schema and models - Issue #9',
      'Basic logging and error handling - Issue #11',
      'Unit test framework setup - Issue #12',
    ]);
    expect(plan.edges).toEqual([]);
    expect(plan.tasks.every((t) => t.agent === null && t.agentLabel === null)).toBe(true);
    expect(plan.tasks.every((t) => !t.keyFromPlan)).toBe(true);
    expect(new Set(plan.tasks.map((t) => t.key)).size).toBe(32);
    expect(plan.tasks[6]!.phase).toBe('Phase 2: Git & Process Management (Week 2-3)');
    expect(plan.tasks[6]!.prompt).toBe('Git worktree creation/cleanup automation');
    // Nothing in it says in which order the phases run: a warning, and the preview's "run phases in order".
    expect(plan.unorderedPhases).toBe(true);
    expect(plan.warnings.map((w) => w.message)).toEqual([
      'the plan has 6 phases and does not say in which order they run: they may all run at once (the preview can run them in order)',
    ]);
  });

  it("keeps each phase's deliverables and acceptance criteria as the phase's acceptance, not as tasks", () => {
    const phase2 = plan.phases.find((p) => p.name.startsWith('Phase 2'))!;
    expect(phase2.acceptance).toContain('Can create isolated worktrees automatically');
    expect(phase2.acceptance).toContain('`cc-orchestrator worktrees create|list|cleanup`');
    expect(plan.phases[0]!.acceptance).toContain('✅ Database stores and manages all orchestrator state');
  });
});
