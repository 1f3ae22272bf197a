import fs from 'node:fs';

/**
 * CPU time per program on the whole machine, from /proc: the bench process and any other Node
 * process (API, workers, simulator, sender), the Temporal server (the dev server CLI, or the
 * cluster's server), PostgreSQL, and the rest. settled/s changes twofold from one day's machine
 * to the next; the CPU a payment costs each program is what says where the time goes, and is
 * steadier. Null where there is no /proc (not Linux).
 */
export type CpuProgram = 'node' | 'temporal' | 'postgres' | 'other';
export type CpuTimes = Record<CpuProgram, number>;

/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

function programOf(command: string): CpuProgram {
  if (command === 'node' || command.startsWith('node ')) return 'node';
  if (command.startsWith('temporal')) return 'temporal';
  if (command === 'postgres' || command === 'postmaster') return 'postgres';
  return 'other';
}

/** `pid (comm) state … utime stime …`: the command may hold spaces and parentheses, so fields count from the last ')'. */
export function parseProcStat(stat: string): { program: CpuProgram; ms: number } {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is the state (field 3); utime, stime, cutime and cstime are fields 14 to 17. The
  // last two hold the children that exited and were waited for: a database connection closed
  // between two readings moves its time to the postmaster's, instead of taking it away.
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  return { program: programOf(stat.slice(open + 1, close)), ms: (ticks * 1000) / TICKS_PER_SECOND };
}

/** CPU time used so far by every process now running, summed per program, in ms; null without /proc. */
export function readCpuByProgram(): CpuTimes | null {
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const times: CpuTimes = { node: 0, temporal: 0, postgres: 0, other: 0 };
  for (const pid of pids) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const { program, ms } = parseProcStat(stat);
    times[program] += ms;
  }
  return times;
}

/**
 * CPU ms per payment between two readings, per program. A process that exited between them
 * counts in its parent's (children's times), so only one whose parent is gone or did not wait
 * for it takes its time with it: a figure can be low, never high; a negative difference is
 * clamped at 0.
 */
export function cpuMsPerPayment(before: CpuTimes | null, after: CpuTimes | null, payments: number): CpuTimes | null {
  if (!before || !after || payments <= 0) return null;
  const per = (program: CpuProgram) => Math.round((Math.max(0, after[program] - before[program]) / payments) * 10) / 10;
  return { node: per('node'), temporal: per('temporal'), postgres: per('postgres'), other: per('other') };
}
