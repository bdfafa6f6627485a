import type { TaskStatus } from '../../../shared/contract';

export const COLUMNS: { status: TaskStatus; title: string }[] = [
  { status: 'backlog', title: 'Backlog' },
  { status: 'ready', title: 'Ready' },
  { status: 'running', title: 'Running' },
  { status: 'needs_input', title: 'Needs input' },
  { status: 'review', title: 'Review' },
  { status: 'done', title: 'Done' },
  { status: 'failed', title: 'Failed' },
];

export const AGENT_LABELS: Record<string, string> = {
  'claude-code': 'Claude Code',
  codex: 'Codex',
  gemini: 'Gemini',
  aider: 'Aider',
  cursor: 'Cursor',
  opencode: 'OpenCode',
  copilot: 'Copilot',
  qwen: 'Qwen Code',
  amp: 'Amp',
  custom: 'Custom',
};
