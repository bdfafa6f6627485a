import { describe, expect, it } from 'vitest';
import { recognizeAgent } from '../../electron/core/agents/recognize';

describe("a plan's agent text read as an agent kind and a model", () => {
  it.each([
    ['Claude Code (Opus)', 'claude-code', 'opus'],
    ['Claude Code', 'claude-code', null],
    ['claude-code', 'claude-code', null],
    ['Claude Sonnet 4.5', 'claude-code', 'sonnet'],
    ['Claude Code (claude-opus-4-1)', 'claude-code', 'claude-opus-4-1'],
    ['Codex (GPT-5)', 'codex', 'gpt-5'],
    ['Codex CLI (gpt-5-codex)', 'codex', 'gpt-5-codex'],
    ['OpenAI Codex GPT 5 Codex', 'codex', 'gpt-5-codex'],
    ['codex (o3)', 'codex', 'o3'],
    ['Gemini CLI (2.5 Pro)', 'gemini', 'gemini-2.5-pro'],
    ['Gemini (gemini-2.5-flash)', 'gemini', 'gemini-2.5-flash'],
    ['Cursor', 'cursor', null],
    ['Cursor (GPT-5)', 'cursor', 'gpt-5'],
    ['Cursor Agent (Sonnet 4.5)', 'cursor', 'sonnet-4.5'],
    // The agent named before the parenthesis wins over a model named after another agent.
    ['Cursor (Claude Sonnet)', 'cursor', 'sonnet'],
    ['GitHub Copilot (Claude Sonnet 4.5)', 'copilot', 'claude-sonnet-4.5'],
    ['Copilot CLI (gpt-5)', 'copilot', 'gpt-5'],
    ['OpenCode (anthropic/claude-sonnet-4-5)', 'opencode', 'anthropic/claude-sonnet-4-5'],
    // OpenCode runs provider/model only: a bare family is not given.
    ['opencode (Sonnet)', 'opencode', null],
    ['Qwen Code (qwen3-coder-plus)', 'qwen', 'qwen3-coder-plus'],
    ['Qwen', 'qwen', null],
    ['Amp', 'amp', null],
    ['@amp', 'amp', null],
    ['Aider (Sonnet)', 'aider', 'claude-sonnet'],
    ['@claude-code', 'claude-code', null],
  ])('%s → %s with model %s', (text, kind, model) => {
    expect(recognizeAgent(text)).toEqual({ kind, model });
  });

  it.each(['Bob', 'Devin', 'the backend team', 'Windsurf (SWE-1)', 'example', 'camp lead'])('%s names no agent', (text) => {
    expect(recognizeAgent(text)).toBeNull();
  });

  it('a role in parentheses is no model', () => {
    expect(recognizeAgent('Claude Code (reviewer)')).toEqual({ kind: 'claude-code', model: null });
    expect(recognizeAgent('Codex (backend)')).toEqual({ kind: 'codex', model: null });
  });
});
