import { describe, expect, it } from 'vitest';
import type { DerivedEdge } from '../../shared/contract';
import { stepsDone } from '../../renderer/features/board/TaskCard';
import { derivedLabel, emptyEdits, FORMAT_NAMES, toggleDerived } from '../../renderer/features/plans/planEditsModel';

const order: DerivedEdge = {
  id: 'Phase 1: Core→Phase 2: Install',
  kind: 'phase',
  from: 'Phase 1: Core',
  to: 'Phase 2: Install',
  because: 'Critical Path: Core → Install',
  line: 20,
  edges: [{ task: '2.1', dependsOn: '1.2' }],
};

describe('the plan preview and the cards', () => {
  it('names the format, labels a derived order, and drops it and takes it back', () => {
    expect(FORMAT_NAMES['spec-kit']).toBe('spec-kit tasks.md');
    expect(FORMAT_NAMES.markdown).toBe('a markdown plan (general reader)');
    expect(derivedLabel(order)).toBe('Phase 2: Install waits for Phase 1: Core');
    const dropped = toggleDerived(emptyEdits(), order.id);
    expect(dropped.dropDerived).toEqual([order.id]);
    expect(toggleDerived(dropped, order.id).dropDerived).toEqual([]);
  });

  it('shows a task\'s checklist as "done/all" on its card', () => {
    expect(stepsDone([{ done: true }, { done: false }, { done: false }])).toBe('1/3');
    expect(stepsDone([])).toBe('0/0');
  });
});
