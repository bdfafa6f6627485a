import type { HookAnswerer, HookPayload } from './hookServer';

/** A permission question an agent asked through its hook, before it shows its own prompt. */
export interface HookPermissionRequest {
  sessionId: string;
  tool: string;
  input: Record<string, unknown>;
  /** The whole hook payload, e.g. for the inbox to show what was asked. */
  payload: HookPayload;
}

/** What a policy decided for the agent; "ask" is no answer at all, so the agent asks the user. */
export interface PermissionAnswer {
  behavior: 'allow' | 'deny';
  /** With deny: told to the model, so that it does something else. */
  message?: string;
}

/**
 * A decision now, none (null), or one to wait for: a question held for the user to answer from
 * the inbox, which gives up (null) when `signal` aborts — the agent was answered in its terminal.
 */
export type DecidePermission = (
  request: HookPermissionRequest,
  signal: AbortSignal,
) => PermissionAnswer | null | Promise<PermissionAnswer | null>;

/**
 * Claude Code's PermissionRequest hook output: printed on the hook's stdout (exit 0), it answers
 * the permission dialog instead of the user.
 */
export function permissionHookOutput(answer: PermissionAnswer): Record<string, unknown> {
  return {
    hookSpecificOutput: {
      hookEventName: 'PermissionRequest',
      decision: answer.behavior === 'allow' ? { behavior: 'allow' } : { behavior: 'deny', message: answer.message ?? 'Refused by a Switchyard rule.' },
    },
  };
}

/** Answers PermissionRequest hooks with the policy's decision; every other hook is only reported. */
export function permissionAnswerer(decide: DecidePermission): HookAnswerer {
  return ({ sessionId, payload }, signal) => {
    if (payload.hook_event_name !== 'PermissionRequest' || typeof payload.tool_name !== 'string') return null;
    const input = typeof payload.tool_input === 'object' && payload.tool_input !== null ? (payload.tool_input as Record<string, unknown>) : {};
    const answer = decide({ sessionId, tool: payload.tool_name, input, payload }, signal);
    if (answer instanceof Promise) return answer.then((held) => (held === null ? null : permissionHookOutput(held)));
    return answer === null ? null : permissionHookOutput(answer);
  };
}
