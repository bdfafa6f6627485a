import { describe, expect, it } from 'vitest';
import { repairMisdecodedUtf8 } from '../../electron/core/plans/planText';
import { byKey, parseMd } from './samplePlans';

describe('plan shapes', () => {
  it('headed tasks with fields and a fenced prompt, ids without the word "Task"', () => {
    const plan = parseMd(`
      # Plan
      ## Phase 1: Setup
      ### 1.1 Create the repository
      **Assignee:** Codex
      **Estimated Time:** 2h
      **Complexity:** Low

      Prompt:
      \`\`\`
      Initialise the repository.
      \`\`\`

      ### 1.2 Add CI
      **Depends On:** 1.1
      **Assignee:** Gemini CLI
      **Size:** M
      **Priority:** P0

      The pipeline runs lint and tests.
    `);
    const t = byKey(plan.tasks);
    expect(plan.tasks.map((x) => x.key)).toEqual(['1.1', '1.2']);
    expect(t['1.1']).toMatchObject({ title: 'Create the repository', agent: 'codex', estimate: '2h', complexity: 'Low', prompt: 'Initialise the repository.' });
    expect(t['1.2']).toMatchObject({ agent: 'gemini', size: 'M', priority: 'urgent', dependsOn: ['1.1'], phase: 'Phase 1: Setup' });
    // No prompt block: the section's text is the prompt, without its field lines.
    expect(t['1.2']!.prompt).toBe('The pipeline runs lint and tests.');
  });

  it('headings with fields and no ids, dependencies by title, "Blocks" folded into the blocked task', () => {
    const plan = parseMd(`
      ## Backend
      ### Build the API
      - **Depends On:** Design the schema
      - **Estimate:** 2 days
      ### Design the schema
      Priority: high
      Blocks: Write docs
      ### Write docs
      Assignee: Aider
      ### Release
      Depends on: Build, Write, Des
      ### Announce
      Depends on: Release notes
    `);
    const [api, schema, docs] = plan.tasks;
    expect(plan.tasks.map((x) => x.title)).toEqual(['Build the API', 'Design the schema', 'Write docs', 'Release', 'Announce']);
    // The start of a title is enough when one title starts so, and at least four letters long.
    expect(plan.tasks[3]!.dependsOn).toEqual([plan.tasks[0]!.key, plan.tasks[2]!.key]);
    expect(plan.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/"Des", which is not a task/),
      expect.stringMatching(/"Release notes", which is not a task/),
    ]);
    expect(api!.dependsOn).toEqual([schema!.key]);
    expect(api!.estimate).toBe('2 days');
    expect(schema!.priority).toBe('high');
    expect(docs!.dependsOn).toEqual([schema!.key]);
    expect(docs!.agent).toBe('aider');
    expect(api!.phase).toBe('Backend');
  });

  it('checkbox lists: checked = done, size labels, inline ids, dependencies and agents', () => {
    const plan = parseMd(`
      # Sprint
      ## Phase 1: Setup
      - [x] 1.1 Create repo [XS]
      - [ ] 1.2 Add CI pipeline (M) (depends on 1.1)
      - [ ] 1.3 \`L\` Write the importer @codex
      ## Phase 2: Features
      - [ ] 2.1 **S** Login page — depends on 1.2, 1.3
      - [X] 2.2 XL: Billing (3-4 hours)
    `);
    const t = byKey(plan.tasks);
    expect(plan.tasks.map((x) => x.key)).toEqual(['1.1', '1.2', '1.3', '2.1', '2.2']);
    expect(t['1.1']).toMatchObject({ title: 'Create repo', size: 'XS', done: true });
    expect(t['1.2']).toMatchObject({ title: 'Add CI pipeline', size: 'M', done: false, dependsOn: ['1.1'] });
    expect(t['1.3']).toMatchObject({ title: 'Write the importer', size: 'L', agent: 'codex' });
    expect(t['2.1']).toMatchObject({ title: 'Login page', size: 'S', dependsOn: ['1.2', '1.3'], phase: 'Phase 2: Features' });
    expect(t['2.2']).toMatchObject({ title: 'Billing', size: 'XL', estimate: '3-4 hours', done: true });
  });

  it('nested checkboxes are steps of their item; plain lists outside "Tasks" are not tasks', () => {
    const plan = parseMd(`
      ## Tasks
      - Write the parser
      - [ ] Ship it
        - [x] Tag the release
        - [ ] Publish
      ## Notes
      - remember the changelog
    `);
    expect(plan.tasks.map((x) => x.title)).toEqual(['Write the parser', 'Ship it']);
    const ship = plan.tasks[1]!;
    expect(ship.steps).toEqual([
      { key: `${ship.key}/1`, text: 'Tag the release', done: true, optional: false },
      { key: `${ship.key}/2`, text: 'Publish', done: false, optional: false },
    ]);
    expect(ship.done).toBe(false);
    expect(ship.prompt).toContain('- [ ] Publish');
  });

  it('a table of specs with a dependency column', () => {
    const plan = parseMd(`
      # Specs
      | ID | Spec | Depends on | Owner | Size | Status |
      |----|------|------------|-------|------|--------|
      | S1 | Parser | - | Claude Code | M | done |
      | S2 | Importer | S1 | Codex | L | |
      | S3 | CLI | S1, S2 | Cursor | S | |
      | S4 | Bench | S9 | | | |
    `);
    const t = byKey(plan.tasks);
    expect(plan.tasks.map((x) => [x.key, x.title])).toEqual([['S1', 'Parser'], ['S2', 'Importer'], ['S3', 'CLI'], ['S4', 'Bench']]);
    expect(t['S1']).toMatchObject({ agent: 'claude-code', size: 'M', done: true, dependsOn: [] });
    expect(t['S2']).toMatchObject({ agent: 'codex', size: 'L', done: false, dependsOn: ['S1'] });
    expect(t['S3']).toMatchObject({ agent: 'cursor', agentLabel: 'Cursor', dependsOn: ['S1', 'S2'] });
    expect(t['S4']!.dependsOn).toEqual([]);
    expect(plan.warnings.some((w) => /S4 .*depends on S9, which is not a task/.test(w.message) && w.line === 7)).toBe(true);
  });

  it('a table that only summarises headed tasks adds to them instead of duplicating them', () => {
    const plan = parseMd(`
      ### Task 1: Schema
      **Assignee:** Codex
      ### Task 2: API
      **Assignee:** Claude Code
      ## Summary
      | Task | Assignee | Depends On |
      |------|----------|------------|
      | 1 Schema | Codex | - |
      | 2 API | Claude Code | 1 |
    `);
    expect(plan.tasks.map((x) => [x.key, x.title, x.agent, x.dependsOn])).toEqual([
      ['1', 'Schema', 'codex', []],
      ['2', 'API', 'claude-code', ['1']],
    ]);
  });

  it('numbered sub-tasks with "Validation" lines become steps of their task', () => {
    const plan = parseMd(`
      ## Task 3: Authentication
      **Assignee:** Gemini

      1. Add the users table
         Validation: \`npm test -- users\` passes
      2. Add the login endpoint
         - Validation: POST /login returns a token
    `);
    const t = byKey(plan.tasks);
    expect(plan.tasks.map((x) => x.key)).toEqual(['3', '3.1', '3.2']);
    expect(t['3.1']).toMatchObject({ title: 'Add the users table', parentKey: '3' });
    expect(t['3.1']!.prompt.startsWith('Add the users table\n\nValidation:\n- ')).toBe(true);
    expect(t['3.1']!.prompt).toContain('`npm test -- users` passes');
    expect(t['3.2']!.prompt).toContain('POST /login returns a token');
    expect(t['3']!.agent).toBe('gemini');
  });

  it('numbered steps with "Validation" at the top level are tasks keyed by their number', () => {
    const plan = parseMd(`
      ## Phase 1
      1. Create the schema
         Validation: the migration runs
      2. Seed the data (depends on 1)
         Validation: 10 rows exist
    `);
    expect(plan.tasks.map((x) => [x.key, x.title, x.dependsOn])).toEqual([
      ['1', 'Create the schema', []],
      ['2', 'Seed the data', ['1']],
    ]);
  });

  it('size labels in the other ways people write them', () => {
    const plan = parseMd(`
      ## Backlog
      - [ ] (S) Fix login
      - [ ] Add search — M
      - [x] **[L]** Rewrite sync
      - [ ] Write docs (size: XS)
      - [ ] Use the M key
    `);
    expect(plan.tasks.map((x) => [x.title, x.size, x.done])).toEqual([
      ['Fix login', 'S', false],
      ['Add search', 'M', false],
      ['Rewrite sync', 'L', true],
      ['Write docs', 'XS', false],
      ['Use the M key', null, false],
    ]);
  });

  it('numbered steps whose Validation is a nested bullet, under a numbered heading', () => {
    const plan = parseMd(`
      ## Phase 2: Parser
      ### 2.1 Build parser
      1. **Create tokenizer** – split input
         - Validation: unit tests pass
      2. **Create AST** – nodes
         - Validation: snapshot matches
      ### 2.2 Wire it
      **Dependencies:** 2.1
    `);
    expect(plan.tasks.map((x) => [x.key, x.title, x.parentKey, x.dependsOn])).toEqual([
      ['2.1', 'Build parser', null, []],
      ['2.1.1', 'Create tokenizer – split input', '2.1', []],
      ['2.1.2', 'Create AST – nodes', '2.1', []],
      ['2.2', 'Wire it', null, ['2.1']],
    ]);
    expect(plan.tasks[1]!.prompt).toBe('Create tokenizer – split input\n\nValidation:\n- unit tests pass');
  });

  it('plain items right under a phase are tasks; a ✅ before a task heading marks it done; id ranges', () => {
    const plan = parseMd(`
      ## Phase 1: Setup
      - Create repo
      - Add CI
      ## Phase 2
      ### ✅ Task 2.1: Done thing
      **Assignee:** Codex
      ### Task 2.2: Next
      **Assignee:** Codex
      ### Task 2.3: Last
      **Depends On:** Tasks 2.1-2.2
    `);
    expect(plan.tasks.map((x) => [x.title, x.phase, x.done])).toEqual([
      ['Create repo', 'Phase 1: Setup', false],
      ['Add CI', 'Phase 1: Setup', false],
      ['Done thing', 'Phase 2', true],
      ['Next', 'Phase 2', false],
      ['Last', 'Phase 2', false],
    ]);
    expect(byKey(plan.tasks)['2.3']!.dependsOn).toEqual(['2.1', '2.2']);
  });

  it('a spec table whose first column holds ids and whose titles are in a Title column', () => {
    const plan = parseMd(`
      | Spec | Title | Dependencies | Est. |
      |------|-------|--------------|------|
      | SPEC-001 | Auth service | — | 3d |
      | SPEC-002 | API gateway | SPEC-001 | 2d |
    `);
    expect(plan.tasks.map((x) => [x.key, x.title, x.estimate, x.dependsOn])).toEqual([
      ['SPEC-001', 'Auth service', '3d', []],
      ['SPEC-002', 'API gateway', '2d', ['SPEC-001']],
    ]);
  });

  it('dependencies by a title that says "and", struck-through done items, steps under a label', () => {
    const plan = parseMd(`
      ## Milestone 1 — MVP
      - [ ] **[S]** Set up repo and CI
      - [ ] **[M]** Implement auth (blocked by: Set up repo and CI)
      - [x] ~~**[XS]** Write README~~
      - [ ] Ship (after: Implement auth and Write README)

      ### Task 3: Implement storage
      **Sub-tasks:**
      1. Create the schema file \`db/schema.ts\`
         **Validation:** \`npm run typecheck\` passes
    `);
    const [repo, auth, readme, ship, storage, schema] = plan.tasks;
    expect(auth!.dependsOn).toEqual([repo!.key]);
    expect(readme).toMatchObject({ title: 'Write README', size: 'XS', done: true });
    expect(ship!.dependsOn).toEqual([auth!.key, readme!.key]);
    expect(plan.warnings).toEqual([]);
    expect(storage).toMatchObject({ key: '3', prompt: 'Implement storage' });
    expect(schema).toMatchObject({ key: '3.1', parentKey: '3', prompt: 'Create the schema file `db/schema.ts`\n\nValidation:\n- `npm run typecheck` passes' });
  });

  it('top-level phase headings are phases, not the title; a repeated phase is listed once', () => {
    const plan = parseMd(`
      # Phase 1: Setup
      - [ ] Create repo
      # Phase 2: Build
      - [ ] Write code
      # Phase 1: Setup
      - [ ] Add CI
    `);
    expect(plan.title).toBeNull();
    expect(plan.phases.map((p) => [p.name, p.taskCount])).toEqual([['Phase 1: Setup', 2], ['Phase 2: Build', 1]]);
  });

  it('maps agent names to kinds and keeps the others as text, flagged', () => {
    const plan = parseMd(`
      ## Work
      - [ ] A @claude-code
      - [ ] B @codex
      - [ ] C @gemini
      - [ ] D @aider
      - [ ] E @cursor
      - [ ] F @bob
      - [ ] G @devin
    `);
    expect(plan.tasks.map((x) => x.agent)).toEqual(['claude-code', 'codex', 'gemini', 'aider', 'cursor', null, null]);
    expect(plan.warnings.filter((w) => /unknown agent/.test(w.message)).map((w) => w.message.split('"')[1])).toEqual(['bob', 'devin']);
  });

  it('a completed phase marks its headed tasks done; "Status:" does it per task', () => {
    const plan = parseMd(`
      ## Phase 1 ✅ COMPLETED
      ### Task 1.1: Old work
      **Assignee:** Codex
      ## Phase 2
      ### Task 2.1: New work
      **Status:** Done
      ### Task 2.2: Next work
      **Status:** In progress
    `);
    expect(plan.phases.map((p) => [p.name, p.done])).toEqual([['Phase 1', true], ['Phase 2', false]]);
    expect(plan.tasks.map((x) => x.done)).toEqual([true, true, false]);
  });

  it('a design document with numbered sections gives no tasks, and says so', () => {
    const plan = parseMd(`
      # Design
      ## 1. Overview
      **Status:** draft
      Some text.
      ## 2. Architecture
      ### 2.1 Storage
      More text.
    `);
    expect(plan.tasks).toEqual([]);
    expect(plan.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/no tasks found/)]);
  });
});

describe('mis-decoded text', () => {
  const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  const cp1252 = (s: string) => new TextDecoder('windows-1252').decode(Buffer.from(s, 'utf8'));

  it('repairs UTF-8 read as Latin-1 or Windows-1252, and leaves real accents alone', () => {
    expect(repairMisdecodedUtf8(latin1('┌──┐ → café')).text).toBe('┌──┐ → café');
    expect(repairMisdecodedUtf8(cp1252('└─▼─┘ naïve')).text).toBe('└─▼─┘ naïve');
    const clean = 'Crème brûlée, São Paulo, Ångström — “quoted”';
    expect(repairMisdecodedUtf8(clean)).toMatchObject({ text: clean, repaired: 0, dropped: 0 });
  });

  it('repairs a task prompt and keeps its lines where they were', () => {
    const plan = parseMd(cp1252(`
      ### Task 1: Draw the box
      **Assignee:** Codex
      **Prompt:**
      \`\`\`
      Draw ┌─┐ and write “done”.
      \`\`\`
    `));
    expect(plan.tasks[0]!.prompt).toBe('Draw ┌─┐ and write “done”.');
    expect(plan.tasks[0]!.line).toBe(1);
  });
});
