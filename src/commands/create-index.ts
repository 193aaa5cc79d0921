import type { Config } from '../config.js';
import { IndexBuild, createIndexSql } from '../create-index.js';
import { EXIT, ToolError, usageError } from '../errors.js';
import { formatCount, formatDuration } from '../format.js';
import { CREATED_AT_INDEX } from '../inspect.js';
import { openSession } from '../session.js';
import { confirmTyped, interactive } from './confirm.js';
import { onStopSignal, SIGNAL_EXIT, type StopSignal } from '../signals.js';

const write = (line: string) => process.stdout.write(`${line}\n`);

export async function runCreateIndex(config: Config): Promise<number> {
  const yes = Boolean(config.flags.yes);
  if (!yes && !interactive()) throw usageError('create-index writes to the database: add --yes to run it without a terminal.');
  const session = await openSession(config);
  try {
    const ins = session.inspection;
    if (ins.readOnly) throw new ToolError(`cannot create the index: ${ins.writeBlockers.join('; ')}.`, EXIT.usage);
    // CREATE INDEX needs the table's owner (a DELETE grant does not help): name the fix, unless there is nothing to do.
    if (!ins.isOwner && ins.createdAtIndex !== 'valid') {
      throw new ToolError(
        `cannot create the index: role "${ins.role}" does not own "${session.table.name}" (its owner is "${ins.tableOwner}"). ` +
          `Connect as "${ins.tableOwner}", or let this role act as the owner: GRANT "${ins.tableOwner}" TO "${ins.role}".`,
        EXIT.usage,
      );
    }
    if (!yes && session.inspection.createdAtIndex !== 'valid') {
      write(`Build Hatchet's index ${CREATED_AT_INDEX} on ${session.description}:\n${createIndexSql(session.table)}`);
      if (!(await confirmTyped('Type "yes" to build it: ', 'yes', SIGNAL_EXIT.SIGINT))) {
        write('Nothing changed.');
        return EXIT.ok;
      }
    }
    const build = new IndexBuild({ target: session.target, table: session.table, pool: session.pool, connectTimeoutMs: config.connectTimeoutMs });
    build.subscribe((e) => {
      if (config.json) write(JSON.stringify(e.type === 'step' ? e : { type: 'progress', ...e.progress }));
      else if (e.type === 'step') write(e.message);
      else {
        const p = e.progress;
        const part = p.blocksTotal > 0 ? `blocks ${formatCount(p.blocksDone)}/${formatCount(p.blocksTotal)}` : p.tuplesTotal > 0 ? `tuples ${formatCount(p.tuplesDone)}/${formatCount(p.tuplesTotal)}` : '';
        write(`  ${p.phase} ${part} (${formatDuration(p.elapsedMs)})`);
      }
    });
    // A stop signal cancels the build (its INVALID leftover is dropped at once, or by the next run): 128 + its number.
    // A second one quits at once (the cleanup may wait for old transactions): status and the next run find the leftover.
    let signal: StopSignal | undefined;
    const onSignal = (s: StopSignal) => {
      if (signal) process.exit(SIGNAL_EXIT[s]);
      signal = s;
      void build.cancel();
    };
    const offSignals = onStopSignal(onSignal);
    try {
      const result = await build.start();
      if (config.json) write(JSON.stringify({ type: 'result', ...result }));
      if (result.outcome === 'created' || result.outcome === 'exists') return EXIT.ok;
      return signal && result.outcome === 'cancelled' ? SIGNAL_EXIT[signal] : EXIT.failure;
    } finally {
      offSignals();
    }
  } finally {
    await session.close();
  }
}
