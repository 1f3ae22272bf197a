import { cpuMsPerPayment, parseProcStat, readCpuByProgram } from '../../bench/cpuByProgram';

/** A /proc/<pid>/stat line with the given command and utime, stime, cutime, cstime ticks (fields 14 to 17). */
const statLine = (command: string, utime: number, stime: number, cutime = 0, cstime = 0) =>
  `4242 (${command}) S 1 4242 4242 0 -1 4194560 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 12 0 1000 0 0`;

describe('cpuByProgram', () => {
  it('reads utime + stime in ms and names the program, whatever the command holds', () => {
    expect(parseProcStat(statLine('node', 150, 50))).toEqual({ program: 'node', ms: 2000 });
    expect(parseProcStat(statLine('temporal', 1, 2))).toEqual({ program: 'temporal', ms: 30 });
    expect(parseProcStat(statLine('temporal-server', 10, 0))).toEqual({ program: 'temporal', ms: 100 });
    expect(parseProcStat(statLine('postgres', 3, 4))).toEqual({ program: 'postgres', ms: 70 });
    // The postmaster: its own time and that of the connections it has reaped.
    expect(parseProcStat(statLine('postgres', 3, 4, 20, 10))).toEqual({ program: 'postgres', ms: 370 });
    // A command with a space and a parenthesis: the fields still count from the last ')'.
    expect(parseProcStat(statLine('odd (name) x', 7, 3))).toEqual({ program: 'other', ms: 100 });
  });

  it('sums this machine: this Node process has used CPU', () => {
    const times = readCpuByProgram();
    expect(times).not.toBeNull();
    expect(times!.node).toBeGreaterThan(0);
  });

  it('divides what each program used between two readings by the payments settled', () => {
    const before = { node: 1000, temporal: 500, postgres: 100, other: 50 };
    const after = { node: 3000, temporal: 2500, postgres: 90, other: 50 };
    expect(cpuMsPerPayment(before, after, 40)).toEqual({ node: 50, temporal: 50, postgres: 0, other: 0 });
    expect(cpuMsPerPayment(before, after, 0)).toBeNull();
    expect(cpuMsPerPayment(null, after, 40)).toBeNull();
  });
});
