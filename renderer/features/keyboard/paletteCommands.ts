/** One thing the command palette can do. */
export interface PaletteCommand {
  id: string;
  title: string;
  run: () => void;
}

/**
 * The commands whose title holds every word typed, in any order and case; titles that start with
 * the first word come first, the rest keep their order.
 */
export function filterCommands<T extends { title: string }>(commands: readonly T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [...commands];
  const matching = commands.filter((c) => words.every((w) => c.title.toLowerCase().includes(w)));
  const first = words[0]!;
  return [...matching.filter((c) => c.title.toLowerCase().startsWith(first)), ...matching.filter((c) => !c.title.toLowerCase().startsWith(first))];
}
