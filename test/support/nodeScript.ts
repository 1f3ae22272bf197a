import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

/**
 * A TypeScript entry point run as the package scripts run it: one node process with tsx's
 * loader. Not through the tsx CLI, whose wrapper process relays signals with a 30 ms
 * deadline and SIGKILLs a busy child — a SIGTERM under load would then test tsx, not us,
 * and a SIGKILL would hit the wrapper and leave the real process running.
 */
export function nodeScript(script: string, args: string[] = []): { command: string; args: string[] } {
  return { command: process.execPath, args: ['--import', 'tsx', script, ...args] };
}
