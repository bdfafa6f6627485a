/**
 * What an agent adapter hands the session host: the program to run in the pty and how. The host
 * knows nothing about agent kinds; the adapters know nothing about ptys.
 */
export interface AgentLaunch {
  /** Absolute path of the executable. */
  file: string;
  args: string[];
  /** Variables added to the login-like base environment the host builds. */
  env: Record<string, string>;
  cwd: string;
  /** Text typed into the pty once the program is up, for agents that take their prompt that way. */
  initialInput?: string;
}
