import { homedir } from 'node:os';
import type { AgentKind, EffectiveSetting, SettingKey } from '../../../shared/contract';
import type { Logger } from '../log';
import type { SettingsService } from '../settings/settingsService';
import type { TaskService } from '../tasks/taskService';
import { decidePermission, type PolicyInput, type PolicyVerdict, type ScopeRules } from './ruleMatch';

/** The session a request came from, as the session service knows it. */
export interface RequestingSession {
  taskId: string;
  agentKind: AgentKind;
  /** The task's worktree. */
  cwd: string;
}

/** Writes one line into the task's activity log. */
export type ActivityWriter = (taskId: string, kind: string, message: string, details: Record<string, unknown>) => void;

/** The kind of an automatic answer's line in the task's activity. */
export const POLICY_ACTIVITY_KIND = 'policy.answer';

export interface PolicyServiceDeps {
  settings: SettingsService;
  tasks: TaskService;
  session: (sessionId: string) => RequestingSession;
  activity: ActivityWriter;
  log: Logger;
  home?: string;
}

/**
 * Answers agents' permission requests by the user's and the project's rules (settings
 * `policy.allow` / `deny` / `ask` and the `policy.preset`), and writes every automatic answer
 * into the task's activity with the rule that made it.
 */
export class PolicyService {
  constructor(private readonly deps: PolicyServiceDeps) {}

  /** The rules in force for a project: its own, the user's and the preset. */
  policyFor(projectId: string): PolicyInput {
    const all = new Map(this.deps.settings.list(projectId).map((s) => [s.key, s]));
    const scoped = (scope: 'userValue' | 'projectValue'): ScopeRules | null => {
      const pick = (key: SettingKey) => (all.get(key)?.[scope] as string[] | undefined) ?? null;
      const lists = { allow: pick('policy.allow'), deny: pick('policy.deny'), ask: pick('policy.ask') };
      if (scope === 'projectValue' && lists.allow === null && lists.deny === null && lists.ask === null) return null;
      return { allow: lists.allow ?? [], deny: lists.deny ?? [], ask: lists.ask ?? [] };
    };
    const preset = (all.get('policy.preset') as EffectiveSetting).value as PolicyInput['preset'];
    // Rules a run holds (`switchyard run --approve ask`) replace the stored ones of both scopes.
    const ruleKeys = ['policy.allow', 'policy.deny', 'policy.ask'] as const;
    if (ruleKeys.some((key) => all.get(key)?.source === 'run')) {
      const held = (key: SettingKey) => (all.get(key)?.value as string[] | undefined) ?? [];
      return { project: null, user: { allow: held('policy.allow'), deny: held('policy.deny'), ask: held('policy.ask') }, preset };
    }
    return { project: scoped('projectValue'), user: scoped('userValue')!, preset };
  }

  /** Decides a session's request; an allow or a deny is logged in the task's activity. */
  decide(sessionId: string, tool: string, input: Record<string, unknown>): PolicyVerdict & { taskId: string } {
    const session = this.deps.session(sessionId);
    const task = this.deps.tasks.get(session.taskId);
    const request = { agent: session.agentKind, tool, input, cwd: session.cwd, home: this.deps.home ?? homedir() };
    const verdict = decidePermission(request, this.policyFor(task.projectId));
    if (verdict.decision !== 'ask') {
      const subject = describeRequest(tool, input);
      const message = `${verdict.decision === 'allow' ? 'Allowed' : 'Refused'} ${subject} by the rule ${verdict.rule}${verdict.scope === 'preset' ? '' : ` (${verdict.scope} setting)`}`;
      try {
        this.deps.activity(task.id, POLICY_ACTIVITY_KIND, message, { decision: verdict.decision, rule: verdict.rule, scope: verdict.scope, tool, sessionId });
      } catch (error) {
        this.deps.log.error(`could not write the answer to ${subject} into the activity of task ${task.id}`, error);
      }
    }
    return { ...verdict, taskId: task.id };
  }
}

/** Longest command or path quoted in an activity line. */
const SUBJECT_MAX_CHARS = 200;

/** `Bash "npm test"`, `Edit "src/a.ts"`, or the tool alone. */
export function describeRequest(tool: string, input: Record<string, unknown>): string {
  const subject = [input.command, input.file_path, input.notebook_path, input.path, input.url, input.pattern].find(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  if (subject === undefined) return tool;
  const short = subject.length > SUBJECT_MAX_CHARS ? `${subject.slice(0, SUBJECT_MAX_CHARS)}…` : subject;
  return `${tool} "${short}"`;
}
