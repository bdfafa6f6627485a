import type { ModelPrice, TokenCounts } from '../../../shared/contract';

/**
 * The built-in price table, in US dollars per million tokens, transcribed from the providers'
 * published pages on the dates given (no network is used at run time). Cache write is the
 * five-minute write, the one Claude Code uses. A model not in this table, nor in the user's
 * prices, is unpriced: its cost is unknown, never zero.
 */
const ANTHROPIC = { source: 'https://platform.claude.com/docs/en/about-claude/pricing', checkedOn: '2026-12-03' };
const ANTHROPIC_MODEL_PAGE = { source: 'https://platform.claude.com/docs/en/models/sonnet-5/overview', checkedOn: '2026-12-03' };
/** GPT-5 and its Codex models at their launch prices; GPT-5.4 and 5.5 as the page listed them in June 2026. */
const OPENAI_GPT5 = { source: 'https://developers.openai.com/api/docs/pricing', checkedOn: '2025-08-07' };
const OPENAI = { source: 'https://developers.openai.com/api/docs/pricing', checkedOn: '2026-06-01' };

type Row = [model: string, input: number, output: number, cacheWrite: number, cacheRead: number, from: { source: string; checkedOn: string }];

const ROWS: Row[] = [
  ['claude-opus-5', 5, 25, 6.25, 0.5, ANTHROPIC],
  ['claude-opus-4-8', 5, 25, 6.25, 0.5, ANTHROPIC],
  ['claude-opus-4-7', 5, 25, 6.25, 0.5, ANTHROPIC],
  ['claude-opus-4-6', 5, 25, 6.25, 0.5, ANTHROPIC],
  ['claude-opus-4-5', 5, 25, 6.25, 0.5, ANTHROPIC],
  ['claude-opus-4-1', 15, 75, 18.75, 1.5, ANTHROPIC],
  ['claude-opus-4', 15, 75, 18.75, 1.5, ANTHROPIC],
  ['claude-sonnet-5', 2, 10, 2.5, 0.2, ANTHROPIC_MODEL_PAGE],
  ['claude-sonnet-4-5', 3, 15, 3.75, 0.3, ANTHROPIC],
  ['claude-sonnet-4', 3, 15, 3.75, 0.3, ANTHROPIC],
  ['claude-3-7-sonnet', 3, 15, 3.75, 0.3, ANTHROPIC],
  ['claude-haiku-4-5', 1, 5, 1.25, 0.1, ANTHROPIC],
  ['claude-3-5-haiku', 0.8, 4, 1, 0.08, ANTHROPIC],
  ['gpt-5', 1.25, 10, 0, 0.125, OPENAI_GPT5],
  ['gpt-5-codex', 1.25, 10, 0, 0.125, OPENAI_GPT5],
  ['gpt-5.1-codex', 1.25, 10, 0, 0.125, OPENAI_GPT5],
  ['gpt-5.4', 2.5, 15, 0, 0.25, OPENAI],
  ['gpt-5.5', 5, 30, 0, 0.5, OPENAI],
];

export const DEFAULT_PRICES: readonly ModelPrice[] = ROWS.map(([model, input, output, cacheWrite, cacheRead, from]) => ({
  model,
  input,
  output,
  cacheWrite,
  cacheRead,
  origin: 'default',
  source: from.source,
  checkedOn: from.checkedOn,
}));

/** `model=input/output/cacheWrite/cacheRead` (validated by the setting's schema) as a price. */
export function parsePriceOverride(line: string): ModelPrice | null {
  const [model, figures] = line.trim().split('=');
  const numbers = (figures ?? '').split('/').map(Number);
  if (!model || numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n) || n < 0)) return null;
  const [input, output, cacheWrite, cacheRead] = numbers as [number, number, number, number];
  return { model, input, output, cacheWrite, cacheRead, origin: 'user', source: null, checkedOn: null };
}

/** The user's prices over the defaults: one row per model, the user's winning. */
export function priceTable(overrides: readonly string[]): ModelPrice[] {
  const table = new Map(DEFAULT_PRICES.map((p) => [p.model, p]));
  for (const line of overrides) {
    const price = parsePriceOverride(line);
    if (price) table.set(price.model, price);
  }
  return [...table.values()];
}

/** What may follow a table id in a model id: a date (`-20250929`) and a context tag (`[1m]`). */
const MODEL_SUFFIX = /^(?:-\d{8})?(?:\[[^\]]*\])?$/;

/** The price of a model id: the row whose id it is, or is followed only by a date or context tag. */
export function priceOf(table: readonly ModelPrice[], model: string): ModelPrice | null {
  let best: ModelPrice | null = null;
  for (const price of table) {
    if (!model.startsWith(price.model) || !MODEL_SUFFIX.test(model.slice(price.model.length))) continue;
    if (best === null || price.model.length > best.model.length) best = price;
  }
  return best;
}

/** Dollars for the tokens at the price. */
export function costOf(price: ModelPrice, tokens: TokenCounts): number {
  return (tokens.input * price.input + tokens.output * price.output + tokens.cacheWrite * price.cacheWrite + tokens.cacheRead * price.cacheRead) / 1_000_000;
}
