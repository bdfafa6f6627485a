import type { AgentKind } from '../../../shared/contract';

/** What an assignee's text names: the agent kind to run and the model for its own model flag. */
export interface RecognizedAgent {
  kind: AgentKind;
  /** The model as the agent's `--model` takes it (`opus`, `gpt-5`, `gemini-2.5-pro`), or null for the agent's default. */
  model: string | null;
}

interface AgentName {
  kind: Exclude<AgentKind, 'custom'>;
  /** The agent's name as plans write it. */
  name: RegExp;
  /** Reads a model out of the text beside the name; null when the text names none this agent runs. */
  model: (text: string) => string | null;
}

/** A model written as an id (`gpt-5-codex`, `claude-sonnet-4-5`, `anthropic/claude-sonnet-4`): kept as written, lower case. */
const MODEL_ID = /\b([a-z][\w.-]*\/)?([a-z]+[\w.]*(?:-[\w.]+)+)\b/i;

/** "GPT-5", "gpt 5 codex", "GPT-4.1 mini" → gpt-5, gpt-5-codex, gpt-4.1-mini. */
function openAiModel(text: string): string | null {
  const gpt = /\bgpt[\s-]*(\d+(?:\.\d+)?)((?:[\s-]+(?:codex|mini|nano|pro|turbo|max|high|low|medium))*)\b/i.exec(text);
  if (gpt) return `gpt-${gpt[1]}${gpt[2]!.trim().toLowerCase().replace(/[\s-]+/g, '-').replace(/^(?=\w)/, '-')}`;
  const o = /\b(o\d)(?:[\s-]+(mini|pro))?\b/i.exec(text);
  if (o) return o[2] ? `${o[1]!.toLowerCase()}-${o[2].toLowerCase()}` : o[1]!.toLowerCase();
  if (/\bcodex[\s-]+mini\b/i.test(text)) return 'codex-mini-latest';
  return null;
}

/** "Opus", "Sonnet 4.5", "claude-opus-4-1" → opus, sonnet, claude-opus-4-1 (Claude Code takes both). */
function claudeModel(text: string): string | null {
  const id = /\bclaude-(?:opus|sonnet|haiku)[\w.-]*/i.exec(text);
  if (id) return id[0].toLowerCase();
  const family = /\b(opus|sonnet|haiku)\b/i.exec(text);
  return family ? family[1]!.toLowerCase() : null;
}

/** "2.5 Pro", "Gemini 2.5 Flash", "gemini-2.5-pro" → gemini-2.5-pro, gemini-2.5-flash. */
function geminiModel(text: string): string | null {
  const id = /\bgemini-[\w.-]+/i.exec(text);
  if (id) return id[0].toLowerCase();
  const named = /\b(\d+(?:\.\d+)?)[\s-]+(pro|flash(?:[\s-]+lite)?)\b/i.exec(text);
  return named ? `gemini-${named[1]}-${named[2]!.toLowerCase().replace(/\s+/g, '-')}` : null;
}

/**
 * Any of the models a multi-model agent runs, as it names them: Cursor says `sonnet-4.5`, Copilot
 * and Aider `claude-sonnet-4.5` (`claudePrefix`).
 */
function anyModel(text: string, claudePrefix = false): string | null {
  const id = MODEL_ID.exec(text);
  if (id && /gpt|claude|sonnet|opus|haiku|gemini|grok|qwen|deepseek|kimi|glm|composer|o\d/i.test(id[0])) return id[0].toLowerCase();
  const claude = /\b(opus|sonnet|haiku)(?:[\s-]+(\d+(?:\.\d+)?))?\b/i.exec(text);
  if (claude) {
    const name = claude[2] ? `${claude[1]!.toLowerCase()}-${claude[2]}` : claude[1]!.toLowerCase();
    return claudePrefix ? `claude-${name}` : name;
  }
  return openAiModel(text) ?? geminiModel(text) ?? (/\bauto\b/i.test(text) ? 'auto' : null);
}

/** OpenCode runs `provider/model` only (`anthropic/claude-sonnet-4-5`). */
function providerModel(text: string): string | null {
  const id = /\b[a-z][\w.-]*\/[\w.:-]+/i.exec(text);
  return id ? id[0].toLowerCase() : null;
}

function qwenModel(text: string): string | null {
  const id = /\bqwen[\w.-]*-[\w.-]+/i.exec(text);
  return id ? id[0].toLowerCase() : null;
}

/**
 * The names, in the order they are tried. A name is matched in the text before any parenthesis
 * first ("Cursor (Claude Sonnet)" is Cursor), then anywhere.
 */
const AGENT_NAMES: readonly AgentName[] = [
  { kind: 'cursor', name: /\bcursor(?:[\s-]*(?:agent|cli))?\b/i, model: (t) => anyModel(t) },
  { kind: 'copilot', name: /\b(?:github[\s-]+)?copilot(?:[\s-]*cli)?\b/i, model: (t) => anyModel(t, true) },
  { kind: 'opencode', name: /\bopen[\s-]?code\b/i, model: providerModel },
  { kind: 'qwen', name: /\bqwen(?:[\s-]*code)?\b/i, model: qwenModel },
  { kind: 'amp', name: /\bamp(?:[\s-]*(?:code|cli))?\b/i, model: () => null },
  { kind: 'aider', name: /\baider\b/i, model: (t) => anyModel(t, true) },
  { kind: 'codex', name: /\b(?:openai[\s-]+)?codex(?:[\s-]*cli)?\b/i, model: openAiModel },
  { kind: 'gemini', name: /\bgemini(?:[\s-]*cli)?\b/i, model: geminiModel },
  { kind: 'claude-code', name: /\bclaude(?:[\s-]*code)?\b/i, model: claudeModel },
];

/**
 * Which agent an assignee names, and which model: "Claude Code (Opus)" → claude-code with opus,
 * "Codex (GPT-5)" → codex with gpt-5, "Cursor" → cursor with its default. Null when no agent the
 * app can run is named (a person, a team, an unknown tool): the caller warns, naming it.
 */
export function recognizeAgent(text: string): RecognizedAgent | null {
  const head = text.split('(')[0] ?? text;
  const named = AGENT_NAMES.find((a) => a.name.test(head)) ?? AGENT_NAMES.find((a) => a.name.test(text));
  if (named === undefined) return null;
  // The model is read from what is left once the agent's name is taken out ("Codex GPT-5", "Claude Code (Opus 4.1)").
  const rest = text.replace(named.name, ' ');
  return { kind: named.kind, model: named.model(rest) };
}
