import type { Config } from '../config.js';
import { IndexBuild, createIndexSql, indexState } from '../create-index.js';
import { EXIT, ToolError, usageError } from '../errors.js';
import { formatCount, formatDuration } from '../format.js';
import { CREATED_AT_INDEX } from '../inspect.js';
import { openSession, type Session } from '../session.js';
import { SIGNAL_EXIT } from '../signals.js';
import { sql } from '../sql.js';
import { confirmTyped, interactive } from './confirm.js';
import { withStopSignals, writeJson, writeLine as write } from './shell.js';

/** Why create-index cannot run on this session, or null. */
function blocker(session: Session): string | null {
  const ins = session.inspection;
  if (ins.readOnly) return `cannot create the index: ${ins.writeBlockers.join('; ')}.`;
  // CREATE INDEX needs the table's owner (a DELETE grant does not help): name the fix, unless there is nothing to do.
  if (!ins.isOwner && ins.createdAtIndex !== 'valid') {
    return (
      `cannot create the index: role "${ins.role}" does not own "${session.table.name}" (its owner is "${ins.tableOwner}"). ` +
      `Connect as "${ins.tableOwner}", or let this role act as the owner: GRANT "${ins.tableOwner}" TO "${ins.role}".`
    );
  }
  return null;
}

/** --dry-run: the statements a run would execute now, in order (none when the index is there and valid). */
async function dryRun(config: Config, session: Session): Promise<number> {
  const state = await indexState(session.pool, session.table);
  const statements = [
    ...(state === 'invalid'
      ? [{ when: 'drop the INVALID leftover of an interrupted build', sql: sql('index/drop_invalid', session.table) }]
      : []),
    ...(state !== 'valid' ? [{ when: 'then build it', sql: sql('index/create', session.table) }] : []),
  ];
  const cannot = blocker(session);
  if (config.json) {
    writeJson({ type: 'dry-run', index: CREATED_AT_INDEX, state, statements, ...(cannot ? { blocked: cannot } : {}) });
    return EXIT.ok;
  }
  write(`Dry run on ${session.description}: nothing is built.`);
  write(`Index ${CREATED_AT_INDEX}: ${state}.`);
  if (statements.length === 0) write('Nothing to do: it exists and is valid.');
  for (const s of statements) write(`-- ${s.when}:\n${s.sql.trim()}`);
  if (cannot) write(`A build could not run here: ${cannot.replace(/^cannot create the index: /, '')}`);
  return EXIT.ok;
}

export async function runCreateIndex(config: Config): Promise<number> {
  const yes = Boolean(config.flags.yes);
  const dry = Boolean(config.flags['dry-run']);
  const session = await openSession(config);
  try {
    if (dry) return await dryRun(config, session);
    if (!yes && session.inspection.createdAtIndex === 'valid') {
      // Nothing would be written: say so, rather than ask for a --yes that changes nothing.
      if (config.json) writeJson({ type: 'result', outcome: 'exists', index: CREATED_AT_INDEX });
      else write(`Nothing to do: Hatchet's index ${CREATED_AT_INDEX} exists and is valid.`);
      return EXIT.ok;
    }
    if (!yes && !interactive()) {
      throw usageError(
        'create-index writes to the database: add --yes to run it without a terminal, or --dry-run to see what it would do.',
      );
    }
    const cannot = blocker(session);
    if (cannot) throw new ToolError(cannot, EXIT.usage);
    if (!yes && session.inspection.createdAtIndex !== 'valid') {
      write(`Build Hatchet's index ${CREATED_AT_INDEX} on ${session.description}:\n${createIndexSql(session.table)}`);
      if (!(await confirmTyped('Type "yes" to build it: ', 'yes', SIGNAL_EXIT.SIGINT))) {
        write('Nothing changed.');
        return EXIT.ok;
      }
    }
    const build = new IndexBuild({
      target: session.target,
      table: session.table,
      pool: session.pool,
      connectTimeoutMs: config.connectTimeoutMs,
    });
    build.subscribe((e) => {
      if (e.type === 'result') {
        if (config.json) writeJson({ type: 'result', ...e.result });
      } else if (config.json) writeJson(e.type === 'step' ? e : { type: 'progress', ...e.progress });
      else if (e.type === 'step') write(e.message);
      else {
        const p = e.progress;
        const part =
          p.blocksTotal > 0
            ? `blocks ${formatCount(p.blocksDone)}/${formatCount(p.blocksTotal)}`
            : p.tuplesTotal > 0
              ? `tuples ${formatCount(p.tuplesDone)}/${formatCount(p.tuplesTotal)}`
              : '';
        write(`  ${p.phase} ${part} (${formatDuration(p.elapsedMs)})`);
      }
    });
    // A stop signal cancels the build (its INVALID leftover is dropped at once, or by the next run): 128 + its number.
    // A second one quits at once (the cleanup may wait for old transactions): status and the next run find the leftover.
    return await withStopSignals(
      () => build.abort(),
      async (stop) => {
        const result = await build.start();
        if (result.outcome === 'created' || result.outcome === 'exists') return EXIT.ok;
        return stop.exitCode !== undefined && result.outcome === 'cancelled' ? stop.exitCode : EXIT.failure;
      },
    );
  } finally {
    await session.close();
  }
}
