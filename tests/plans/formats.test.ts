import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsedPlanSchema, planEditsSchema, type ParsedPlan } from '../../shared/contract';
import { applyPlanEdits } from '../../electron/core/plans/planEdits';
import { parsePlanBytes } from '../../electron/core/plans/planParser';
import { planJson } from '../../electron/core/plans/planReport';
import { byKey, parseMd, repoRoot } from './samplePlans';

export const fixturePath = (name: string) => join(repoRoot, 'tests', 'plans', 'fixtures', name);
const fixture = (name: string): ParsedPlan => {
  const plan = parsePlanBytes(readFileSync(fixturePath(name)));
  expect(parsedPlanSchema.safeParse(plan).success, `${name} fits the contract`).toBe(true);
  return plan;
};
const edits = (value: unknown) => planEditsSchema.parse(value);
const SPEC_KIT_CHAIN = 'spec-kit runs the tasks of a phase in order; only tasks marked [P] run beside each other';

describe('spec-kit tasks.md', () => {
  const plan = fixture('spec-kit-tasks.md');
  const t = byKey(plan.tasks);

  it('is detected, with T### ids, [X] done, and the [P] and [USn] markers out of the titles and kept as data', () => {
    expect(plan.format).toBe('spec-kit');
    expect(plan.tasks.map((x) => x.key)).toEqual(Array.from({ length: 17 }, (_, i) => `T${String(i + 1).padStart(3, '0')}`));
    expect(t.T001).toMatchObject({ done: true, parallel: false, story: null, title: 'Create project structure per implementation plan' });
    expect(t.T003).toMatchObject({ done: false, parallel: true, title: 'Configure linting and formatting tools in `pyproject.toml`' });
    expect(t.T009).toMatchObject({ parallel: true, story: 'US1', title: 'Contract test for POST /albums in tests/contract/test_albums.py' });
    expect(t.T015).toMatchObject({ parallel: false, story: 'US2', title: 'Implement sharing in src/services/share_service.py' });
    expect(plan.tasks.some((x) => /\[(?:P|US\d)\]/.test(x.title))).toBe(false);
    expect(t.T009!.phase).toBe('Phase 3: User Story 1 - Create an album (Priority: P1) 🎯 MVP');
  });

  it('keeps literal text literally: __init__.py and inline code', () => {
    expect(t.T004!.title).toBe('Add an empty `src/albums/__init__.py` package');
    expect(t.T006!.title).toBe('Implement authentication framework in src/auth/__init__.py');
  });

  it('derives the phase order from "Dependencies & Execution Order", each with its sentence', () => {
    const phaseOrders = plan.derived.filter((d) => d.kind === 'phase').map((d) => [d.from.slice(0, 7), d.to.slice(0, 7), d.because]);
    expect(phaseOrders).toEqual([
      ['Phase 1', 'Phase 2', 'Foundational (Phase 2): Depends on Setup completion - BLOCKS all user stories'],
      ['Phase 2', 'Phase 3', 'Foundational (Phase 2): Depends on Setup completion - BLOCKS all user stories'],
      ['Phase 2', 'Phase 4', 'Foundational (Phase 2): Depends on Setup completion - BLOCKS all user stories'],
      ['Phase 3', 'Phase 5', 'Polish (Final Phase): Depends on all desired user stories being complete'],
      ['Phase 4', 'Phase 5', 'Polish (Final Phase): Depends on all desired user stories being complete'],
    ]);
    // The phase's first tasks wait for its last ones: Phase 2 starts once T003 and T004 (both [P]) are done.
    expect(t.T005!.dependsOn).toEqual(['T003', 'T004']);
    expect(t.T009!.dependsOn).toEqual(['T008']);
    expect(t.T014!.dependsOn).toEqual(['T008']);
    expect(t.T016!.dependsOn).toEqual(['T013', 'T015']);
    expect(plan.unorderedPhases).toBe(false);
    expect(plan.warnings).toEqual([]);
    expect(plan.cycles).toEqual([]);
  });

  it('runs a phase in order, but never chains [P] tasks to each other', () => {
    expect(t.T002!.dependsOn).toEqual(['T001']);
    expect(t.T003!.dependsOn).toEqual(['T002']);
    expect(t.T004!.dependsOn).toEqual(['T002']);
    expect(t.T008!.dependsOn).toEqual(['T006', 'T007']);
    // T012 states "(depends on T011)"; the tests before it are derived.
    expect(t.T012!.statedDependsOn).toEqual(['T011']);
    expect(t.T012!.dependsOn).toEqual(['T009', 'T010', 'T011']);
    const parallel = new Set(plan.tasks.filter((x) => x.parallel).map((x) => x.key));
    for (const task of plan.tasks) {
      if (task.parallel) expect(task.dependsOn.filter((dep) => parallel.has(dep) && plan.tasks.find((x) => x.key === dep)!.phase === task.phase)).toEqual([]);
    }
    expect(plan.derived.find((d) => d.id === 'T010→T012')).toMatchObject({ kind: 'task', because: SPEC_KIT_CHAIN });
  });

  it("reads each phase's checkpoint and independent test as its acceptance, not as tasks", () => {
    const phases = Object.fromEntries(plan.phases.map((p) => [p.name.slice(0, 7), p.acceptance]));
    expect(phases['Phase 2']).toEqual(['Foundation ready - user story implementation can now begin in parallel']);
    expect(phases['Phase 3']).toEqual([
      'Create an album through the API and list it',
      'At this point, User Story 1 should be fully functional and testable independently',
    ]);
  });

  it('lets the preview drop a derived order: its edges go, the stated ones stay', () => {
    const id = plan.derived.find((d) => d.kind === 'phase' && d.to.startsWith('Phase 3'))!.id;
    const edited = applyPlanEdits(plan, edits({ dropDerived: [id, 'T010→T012'] }));
    const e = byKey(edited.tasks);
    expect(e.T009!.dependsOn).toEqual([]);
    expect(e.T010!.dependsOn).toEqual([]);
    expect(e.T012!.dependsOn).toEqual(['T009', 'T011']);
    expect(e.T014!.dependsOn).toEqual(['T008']);
    expect(edited.derived.map((d) => d.id)).not.toContain(id);
    expect(edited.edges.some((x) => x.task === 'T009')).toBe(false);
  });
});

describe('Kiro tasks.md', () => {
  const plan = fixture('kiro-tasks.md');
  const t = byKey(plan.tasks);

  it('is detected: parents N. with children N.M, [x] done, "- [ ]*" optional', () => {
    expect(plan.format).toBe('kiro');
    expect(plan.tasks.map((x) => [x.key, x.parentKey, x.done, x.optional])).toEqual([
      ['1', null, true, false],
      ['2', null, false, false],
      ['2.1', '2', true, false],
      ['2.2', '2', false, false],
      ['2.3', '2', false, true],
      ['3', null, false, false],
      ['3.1', '3', false, false],
      ['3.2', '3', false, true],
      ['4', null, false, false],
    ]);
    expect(t['2.3']!.title).toBe('Write unit tests for the User model');
    expect(t['3.1']!.title).toBe('Implement the database connection in `src/db/__init__.py`');
  });

  it('keeps _Requirements:_ lines in the prompt, and does not read them as dependencies', () => {
    expect(plan.edges).toEqual([]);
    expect(t['2.1']!.prompt).toContain('_Requirements: 2.1, 3.3, 1.2_');
    expect(t['2.1']!.prompt).toContain('Write TypeScript interfaces for every data model');
    expect(plan.warnings).toEqual([]);
  });
});

describe('Task Master tasks.json', () => {
  it('reads the tagged shape: ids, subtasks "2.1", dependencies by id and "2.2", status, priority, details, testStrategy', () => {
    const plan = fixture('task-master-tagged.json');
    expect(plan.format).toBe('task-master');
    expect(plan.tasks.map((x) => [x.key, x.parentKey, x.done, x.priority, x.dependsOn])).toEqual([
      ['1', null, true, 'high', []],
      ['2', null, false, 'normal', ['1']],
      ['2.1', '2', true, 'normal', []],
      ['2.2', '2', false, 'normal', ['2.1']],
      ['3', null, false, 'low', ['1', '2.2']],
      ['4', null, false, 'low', ['3']],
    ]);
    const t = byKey(plan.tasks);
    expect(t['1']).toMatchObject({
      title: 'Set up the project repository',
      acceptance: ["`python -c 'import app'` succeeds"],
      prompt: "Create the repository with a Python package layout.\n\nCreate `src/app/__init__.py` and a pyproject.toml with the dependencies.\n\nValidation:\n- `python -c 'import app'` succeeds",
    });
    expect(t['4']).toMatchObject({ optional: true, done: false });
    expect(plan.warnings.map((w) => w.message)).toEqual([
      'tasks.json has the tags master, feature-auth; the "master" tag was read (feature-auth not imported)',
      'task 4 is deferred in tasks.json: imported as optional',
    ]);
  });

  it('reads the legacy shape {"tasks": […]}', () => {
    const plan = fixture('task-master-legacy.json');
    expect(plan.format).toBe('task-master');
    expect(plan.tasks.map((x) => [x.key, x.title, x.dependsOn])).toEqual([
      ['1', 'Create the notes model', []],
      ['2', 'List notes', ['1']],
      ['2.1', 'Query', []],
      ['2.2', 'Route', ['2.1']],
      ['3', 'Delete notes', ['2', '2.2']],
    ]);
    expect(byKey(plan.tasks)['3']!.priority).toBe('urgent');
  });

  it('refuses JSON that is broken or has no task list, saying what it expected', () => {
    expect(() => parseMd('{"tasks": [')).toThrow(/BAD_PLAN|looks like JSON but is not/);
    expect(() => parseMd('{"project": "x"}')).toThrow(/no "tasks" list/);
  });
});

describe('plans written by hand', () => {
  it('bold ids, checklists as steps with their done state, Validation as acceptance, a Critical Path of phases', () => {
    const plan = fixture('critical-path-plan.md');
    const t = byKey(plan.tasks);
    expect(plan.format).toBe('markdown');
    expect(plan.tasks.map((x) => x.key)).toEqual(['1.1', '1.2', '2.1', '2.2', '3.1']);
    expect(t['1.1']).toMatchObject({ title: 'Create the package layout', done: true, acceptance: ['`python -m installer --help` prints the usage'] });
    expect(t['1.1']!.prompt).toContain('`src/installer/__init__.py`');
    expect(t['1.2']!.steps).toEqual([
      { key: '1.2/1', text: 'Read `config.toml`', done: true, optional: false },
      { key: '1.2/2', text: 'Merge environment variables', done: false, optional: false },
      { key: '1.2/3', text: 'Report unknown keys', done: false, optional: false },
    ]);
    expect(t['1.2']!.acceptance).toEqual(['`pytest tests/test_config.py` passes']);
    expect(t['2.2']!.acceptance).toEqual(['a broken archive is refused with a clear error']);
    expect(plan.derived.map((d) => [d.from, d.to, d.because])).toEqual([
      ['Phase 1: Core Framework', 'Phase 2: Install Command', 'Critical Path: Core Framework → Install Command → Release'],
      ['Phase 2: Install Command', 'Phase 3: Release', 'Critical Path: Core Framework → Install Command → Release'],
    ]);
    expect(t['2.1']!.statedDependsOn).toEqual(['1.2']);
    expect(t['2.1']!.dependsOn).toEqual(['1.1', '1.2']);
    expect(t['3.1']!.dependsOn).toEqual(['2.1', '2.2']);
    expect(plan.warnings).toEqual([]);
  });

  it('"Phase 2 blocks …" and "Phase 3 can start after …" in prose give the phase order, with the sentence', () => {
    const plan = parseMd(`
      # Plan
      ## Phase 1: Schema
      - [ ] Tables
      ## Phase 2: API
      - [ ] Endpoints
      ## Phase 3: UI
      - [ ] Screens
      ## Notes
      Phase 1 blocks all later phases. Phase 3 can start after Phase 2 is done.
    `);
    expect(plan.derived.map((d) => [d.from, d.to, d.because])).toEqual([
      ['Phase 1: Schema', 'Phase 2: API', 'Phase 1 blocks all later phases. Phase 3 can start after Phase 2 is done.'],
      ['Phase 1: Schema', 'Phase 3: UI', 'Phase 1 blocks all later phases. Phase 3 can start after Phase 2 is done.'],
      ['Phase 2: API', 'Phase 3: UI', 'Phase 1 blocks all later phases. Phase 3 can start after Phase 2 is done.'],
    ]);
    expect(plan.tasks.map((x) => x.dependsOn)).toEqual([[], ['#1'], ['#1', '#2']]);
  });

  it('a spec list whose statuses say "Requirements completed": specs not done, success criteria as acceptance, not tasks', () => {
    const plan = fixture('spec-list.md');
    expect(plan.tasks.map((x) => [x.key, x.title, x.done])).toEqual([
      ['SPEC-001', 'User accounts', false],
      ['SPEC-002', 'Billing', false],
      ['SPEC-003', 'Audit log', true],
    ]);
    const t = byKey(plan.tasks);
    expect(t['SPEC-001']!.acceptance).toEqual([
      'A new user signs up in under a minute',
      'Password reset mails arrive within 30 seconds',
      'No plain-text passwords are stored',
    ]);
    expect(t['SPEC-001']!.prompt).toContain('Validation:\n- A new user signs up in under a minute');
    expect(t['SPEC-002']).toMatchObject({ dependsOn: ['SPEC-001'], acceptance: ['A user upgrades and is billed once', 'Failed payments are retried three times'] });
    expect(t['SPEC-003']!.acceptance).toEqual(['Each change names who made it and when']);
  });

  it('a plan with phases and no stated order: a warning, and "run phases in order" chains them', () => {
    const plan = parseMd(`
      # Plan
      ## Phase 1: Build
      - [ ] 1.1 Compile
      - [ ] 1.2 Package
      ## Phase 2: Ship
      - [ ] 2.1 Upload
    `);
    expect(plan.unorderedPhases).toBe(true);
    expect(plan.warnings.map((w) => w.message)).toEqual([
      'the plan has 2 phases and does not say in which order they run: they may all run at once (the preview can run them in order)',
    ]);
    expect(plan.edges).toEqual([]);
    const ordered = applyPlanEdits(plan, edits({ phasesInOrder: true }));
    expect(ordered.unorderedPhases).toBe(false);
    expect(byKey(ordered.tasks)['2.1']!.dependsOn).toEqual(['1.1', '1.2']);
    expect(ordered.derived.map((d) => [d.from, d.to, d.because])).toEqual([
      ['Phase 1: Build', 'Phase 2: Ship', 'each phase waits for the one before it (run phases in order)'],
    ]);
  });

  it('keeps literal text in headings and bold titles: __init__.py is not made bold', () => {
    const plan = parseMd(`
      ### Task 1: Create __init__.py for the package
      **Assignee:** Codex

      ## Phase 2: Entry point
      - [ ] **2.1 Write __main__.py**
    `);
    expect(plan.tasks.map((x) => [x.key, x.title])).toEqual([
      ['1', 'Create __init__.py for the package'],
      ['2.1', 'Write __main__.py'],
    ]);
  });

  it('the dry run JSON holds every field the preview shows, derived edges expanded into dependsOn', () => {
    const out = planJson(fixture('critical-path-plan.md'));
    expect(out.format).toBe('markdown');
    expect(out.tasks[2]).toMatchObject({ key: '2.1', parent: null, optional: false, dependsOn: ['1.1', '1.2'], steps: [] });
    expect(out.tasks[1]!.steps.filter((s) => s.done)).toHaveLength(1);
    expect(out.derived[0]).toEqual({ from: 'Phase 1: Core Framework', to: 'Phase 2: Install Command', because: 'Critical Path: Core Framework → Install Command → Release' });
    expect(out.cycles).toEqual([]);
  });
});
