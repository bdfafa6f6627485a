import { describe, expect, it } from 'vitest';
import { filterCommands } from '../../renderer/features/keyboard/paletteCommands';

const titles = ['Next agent waiting', 'Settings', 'Open task: Write the note', 'Start: Write the note', 'Switch project: notes'].map((title) => ({ title }));

describe('palette command filtering', () => {
  it('keeps the commands holding every typed word, in any order and case, those starting with the first word first', () => {
    expect(filterCommands(titles, '').map((c) => c.title)).toEqual(titles.map((c) => c.title));
    expect(filterCommands(titles, 'NOTE write').map((c) => c.title)).toEqual(['Open task: Write the note', 'Start: Write the note']);
    expect(filterCommands(titles, 'notes').map((c) => c.title)).toEqual(['Switch project: notes']);
    expect(filterCommands(titles, 's').map((c) => c.title)).toEqual(['Settings', 'Start: Write the note', 'Switch project: notes', 'Open task: Write the note']);
    expect(filterCommands(titles, 'waiting zzz')).toEqual([]);
  });
});
