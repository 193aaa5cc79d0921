import type { Config } from '../config.js';
import { parseDuration } from './flags.js';
import { connectClient } from '../db.js';
import { EXIT, ToolError, usageError } from '../errors.js';
import { formatBytes, formatCount } from '../format.js';
import { openSession, type Session } from '../session.js';
import { confirmTyped } from './confirm.js';
import { SIGNAL_EXIT, type StopSignal } from '../signals.js';
import { withStopSignals, writeLine as write } from './shell.js';
import { dropBackups, DropStopped, type DropEvent } from '../rebuild/backup.js';
import { RebuildInterrupted, type RebuildEvent, type RebuildOptions, type RebuildStats } from '../rebuild/events.js';
import { finishRebuild, runRebuild } from '../rebuild/runner.js';
import { planText } from '../rebuild/plan.js';
import { PLAN_STEPS, STEP_LABELS } from '../rebuild/steps/index.js';
import { checklistText, findBackups, preflight } from '../rebuild/preflight.js';
import { detectLeftovers } from '../rebuild/leftovers.js';
import { undoRebuild } from '../rebuild/recover.js';
import { rebuildNames } from '../rebuild/names.js';

function workConnection(config: Config, session: Session) {
  return () =>
    connectClient(session.target, {
      connectTimeoutMs: config.connectTimeoutMs,
      readOnly: config.readOnly,
      statementTimeoutMs: 0,
      applicationName: 'hatchet-sessions rebuild',
    });
}

/** --yes, or a typed confirmation at a terminal; without either, a usage error (exit 2). */
async function confirm(config: Config, what: string, word: string): Promise<boolean> {
  if (config.flags.yes) return true;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    // "recover: Finish the rebuild from where it stopped needs --yes" read as a garbled sentence: name the command.
    const command = `${config.command}${config.flags['drop-backup'] ? ' --drop-backup' : ''}`;
    throw usageError(
      `${command} changes the table (${what[0]!.toLowerCase()}${what.slice(1)}): add --yes to run it without a terminal, or --dry-run to see it first.`,
    );
  }
  return confirmTyped(`${what}: type ${word} to go on, anything else to cancel: `, word, SIGNAL_EXIT.SIGINT);
}

function eventLine(e: RebuildEvent): string | null {
  switch (e.type) {
    case 'step':
      if (e.status === 'start') return `▸ ${STEP_LABELS[e.step]}…`;
      if (e.status === 'skipped') return `  ${STEP_LABELS[e.step]}: done earlier`;
      return `  ${STEP_LABELS[e.step]}: done in ${e.ms} ms${e.detail ? ` ${JSON.stringify(e.detail)}` : ''}`;
    case 'progress':
      return `  ${e.step}: ${formatCount(e.done)} / ${formatCount(e.total)} ${e.unit}`;
    case 'lock-retry': {
      const who = e.blockers
        .filter((b) => b.granted)
        .slice(0, 3)
        .map((b) => `pid ${b.pid} (${Math.round(b.ageSeconds)}s ${b.state ?? ''})`);
      const av = e.autovacuumCancelled.map((w) => `pid ${w.pid} on "${w.relation}"`);
      return `  ${e.step}: lock not available (attempt ${e.attempt}), retrying in ${e.waitMs} ms${who.length ? `; held by ${who.join(', ')}` : ''}${e.terminated.length ? `; terminated ${e.terminated.join(', ')}` : ''}${av.length ? `; cancelled autovacuum ${av.join(', ')} (as PostgreSQL does after deadlock_timeout)` : ''}`;
    }
  }
}

/** Progress to stdout: every event as a JSON line, or text with progress lines at most once a second. */
function reporter(json: boolean) {
  let last = 0;
  return (e: RebuildEvent | DropEvent) => {
    const now = Date.now();
    if (e.type === 'progress' || e.type === 'drop-progress') {
      const final = e.type === 'progress' ? e.done >= e.total : e.blocksLeft === 0;
      if (now - last < 1000 && !final) return;
      last = now;
    }
    if (json) return write(JSON.stringify(e));
    if (e.type === 'drop-step') return write(`  ${e.table}: ${e.action} (${e.ms} ms)`);
    if (e.type === 'drop-progress')
      return write(`  ${e.table}: ${formatBytes(e.bytesFreed)} given back, ${formatCount(e.blocksLeft)} blocks left`);
    const line = eventLine(e);
    if (line) write(line);
  };
}

function summary(stats: RebuildStats) {
  return {
    type: 'summary',
    rowsKept: stats.rowsKept,
    rowsCaptured: stats.rowsCaptured,
    rowsReplayed: stats.rowsReplayed,
    lockHoldMs: stats.lockHoldMs,
    swapAttempts: stats.swapAttempts,
    autovacuumCancelled: stats.autovacuumCancelled,
    totalSeconds: stats.totalSeconds,
    bytesBefore: stats.bytesBefore,
    bytesAfter: stats.bytesAfter,
    backupTable: stats.backupTable,
  };
}

function summaryText(s: ReturnType<typeof summary>): string {
  return [
    `Rebuilt in ${s.totalSeconds}s: ${formatCount(s.rowsKept)} rows copied, ${formatCount(s.rowsCaptured)} writes captured, ${formatCount(s.rowsReplayed)} replayed.`,
    `Lock held ${s.lockHoldMs} ms (${s.swapAttempts} attempt${s.swapAttempts === 1 ? '' : 's'}). ${formatBytes(s.bytesBefore)} before, ${formatBytes(s.bytesAfter)} after.`,
    `The old table stays as "${s.backupTable}" until "hatchet-sessions rebuild --drop-backup --yes" gives its ${formatBytes(s.bytesBefore)} back.`,
  ].join('\n');
}

/**
 * Run `work` under the shell's stop-signal rule: the first SIGINT/SIGTERM/SIGHUP aborts `signal`, so it stops at
 * its next safe point; a second exits at once. An error is returned with the signal that caused it.
 */
async function withStop<T>(
  json: boolean,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<{ value?: T; signal?: StopSignal; error?: unknown }> {
  const onStop = () => {
    if (!json)
      process.stderr.write(
        'stopping at the next safe point… (again to quit at once; "hatchet-sessions recover" handles either)\n',
      );
  };
  return withStopSignals(onStop, async (stop) => {
    try {
      return { value: await work(stop.abortSignal) };
    } catch (error) {
      return { error, signal: stop.signal };
    }
  });
}

function options(config: Config, signal?: AbortSignal) {
  const swapTimeout = config.flags['swap-timeout'];
  return {
    terminateBlockers: Boolean(config.flags['terminate-blockers']),
    swapTimeoutMs: typeof swapTimeout === 'string' ? parseDuration(swapTimeout, 'swap-timeout') : 60_000,
    ...(signal ? { signal, testHook: pauseHook(signal) } : {}),
  };
}

/**
 * Tests only (test/hardening-signals.test.ts): with HATCHET_SESSIONS_TEST_PAUSE_AT=<point> (e.g. "mid:copy", see
 * the engine's hook points) the rebuild says "test-pause <point>" on stderr there and waits, inside that step,
 * until a stop signal arrives (at most 30 s), so a test can signal it at exactly that moment.
 */
function pauseHook(signal: AbortSignal): RebuildOptions['testHook'] {
  const at = process.env.HATCHET_SESSIONS_TEST_PAUSE_AT;
  if (!at) return undefined;
  return async (point) => {
    if (point !== at) return;
    process.stderr.write(`test-pause ${point}\n`);
    const until = Date.now() + 30_000;
    while (!signal.aborted && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  };
}

/**
 * Changing the table (rebuild, finishing or undoing one, dropping backups) needs its owner on a writable primary;
 * without them, one line naming the fix (exit 2), before anything is touched.
 */
function requireOwner(session: Session, what: string): void {
  const ins = session.inspection;
  if (ins.readOnly)
    throw new ToolError(`cannot ${what}: ${ins.writeBlockers[0] ?? 'connections are read-only'}.`, EXIT.usage);
  if (!ins.isOwner) {
    throw new ToolError(
      `cannot ${what}: role "${ins.role}" does not own "${session.table.name}" (its owner is "${ins.tableOwner}"). ` +
        `Connect as "${ins.tableOwner}", or let this role act as the owner: GRANT "${ins.tableOwner}" TO "${ins.role}".`,
      EXIT.usage,
    );
  }
}

function finish(config: Config, r: { value?: RebuildStats; signal?: StopSignal; error?: unknown }): number {
  if (r.value) {
    const s = summary(r.value);
    write(config.json ? JSON.stringify(s) : summaryText(s));
    return EXIT.ok;
  }
  if ((r.error instanceof RebuildInterrupted || r.error instanceof DropStopped) && r.signal) {
    const message = `${r.error.message}`;
    if (config.json) write(JSON.stringify({ type: 'interrupted', signal: r.signal, message }));
    else process.stderr.write(`hatchet-sessions: ${message}\n`);
    return SIGNAL_EXIT[r.signal];
  }
  throw r.error;
}

export async function runRebuildCommand(config: Config): Promise<number> {
  const json = config.json;
  const session = await openSession(config);
  try {
    const names = rebuildNames(session.table);
    if (config.flags['drop-backup']) {
      const backups = await findBackups(session.pool, names);
      if (json) write(JSON.stringify({ type: 'backups', backups }));
      else if (!backups.length) write('No backup table to drop.');
      else for (const b of backups) write(`Backup "${b.name}": ${formatBytes(b.bytes)}`);
      if (!backups.length || config.flags['dry-run']) return EXIT.ok;
      requireOwner(session, 'drop the backup');
      if (!(await confirm(config, `Drop ${backups.length} backup table(s)`, 'drop'))) return EXIT.failure;
      const r = await withStop(json, (signal) =>
        dropBackups(workConnection(config, session), session.table, { onEvent: reporter(json), signal }),
      );
      if (r.error) return finish(config, r as { error: unknown; signal?: StopSignal });
      const d = r.value!;
      write(
        json
          ? JSON.stringify({ type: 'summary', dropped: d.tables, bytesFreed: d.bytesFreed, seconds: d.seconds })
          : `Dropped ${d.tables.join(', ')}: ${formatBytes(d.bytesFreed)} given back in ${d.seconds}s.`,
      );
      return EXIT.ok;
    }

    const p = await preflight(session.pool, session.table);
    if (json) {
      write(
        JSON.stringify({
          type: 'preflight',
          ok: p.ok,
          checks: p.checks,
          keptRows: p.keptRows,
          totalRows: p.totalRows,
          bytesBefore: p.bytesBefore,
          estimatedBytes: p.estimatedBytes,
          longTransactions: p.longTransactions,
        }),
      );
      write(JSON.stringify({ type: 'plan', steps: PLAN_STEPS }));
    } else {
      write(
        `Rebuild of "${session.table.schema}"."${session.table.name}" on ${session.description}${session.demo ? ' (DEMO)' : ''}`,
      );
      write(checklistText(p));
      write('');
      write(planText());
    }
    if (!p.ok) {
      const failed = p.checks.filter((c) => c.status === 'fail');
      // A role that may not do it, or a read-only connection, is a configuration problem (2), like drain's.
      throw new ToolError(
        `preflight failed: ${failed.map((c) => `${c.label}: ${c.detail}`).join('; ')}`,
        failed.some((c) => c.id === 'owner' || c.id === 'writable') ? EXIT.usage : EXIT.failure,
      );
    }
    if (config.flags['dry-run']) return EXIT.ok;
    if (!(await confirm(config, `Rebuild "${session.table.name}"`, session.table.name))) {
      write('Cancelled; nothing was changed.');
      return EXIT.failure;
    }
    const r = await withStop(json, (signal) =>
      runRebuild(workConnection(config, session), session.table, {
        ...options(config, signal),
        onEvent: reporter(json),
      }),
    );
    return finish(config, r);
  } finally {
    await session.close();
  }
}

export async function runRecoverCommand(config: Config): Promise<number> {
  const json = config.json;
  const session = await openSession(config);
  try {
    // Finishing or undoing needs the owner; without it, say so before reading what only the owner may read.
    if (!config.flags['dry-run']) requireOwner(session, 'recover a rebuild');
    const left = await detectLeftovers(session.pool, session.table);
    if (json) write(JSON.stringify({ type: 'leftovers', ...left }));
    else
      write(
        left.found
          ? `Found: ${left.summary}${left.objects.length ? ` (${left.objects.join(', ')})` : ''}.`
          : 'Nothing to recover: no unfinished rebuild.',
      );
    if (!left.found) return EXIT.ok;
    const undo = Boolean(config.flags.undo);
    if (undo && left.swapped) {
      throw new ToolError(
        `the swap is already committed: "${session.table.name}" is the rebuilt table and takes writes. Run "hatchet-sessions recover" without --undo to finish; the original rows are in "${left.backupTable}"`,
        EXIT.failure,
      );
    }
    const action = undo
      ? `Undo: remove the capture trigger, log and new table; "${session.table.name}" stays as it is`
      : left.rebuildId
        ? `Finish the rebuild from where it stopped`
        : `Undo (no journal to finish from)`;
    if (!json) write(action);
    if (config.flags['dry-run']) return EXIT.ok;
    if (!(await confirm(config, action, session.table.name))) return EXIT.failure;
    const connect = workConnection(config, session);
    if (undo || !left.rebuildId) {
      const r = await withStop(json, (signal) => undoRebuild(connect, session.table, options(config, signal)));
      if (r.error) return finish(config, r as { error: unknown; signal?: StopSignal });
      write(
        json
          ? JSON.stringify({ type: 'summary', action: 'undo', removed: r.value!.removed })
          : `Undone: removed ${r.value!.removed.join(', ') || 'nothing'}.`,
      );
      return EXIT.ok;
    }
    const r = await withStop(json, (signal) =>
      finishRebuild(connect, session.table, { ...options(config, signal), onEvent: reporter(json) }),
    );
    return finish(config, r);
  } finally {
    await session.close();
  }
}
