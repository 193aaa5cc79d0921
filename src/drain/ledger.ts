import type pg from 'pg';
import { rawSql } from '../sql.js';
import { lsnBytes } from './throttle.js';

/** A batch committed without waiting for its WAL that the server may not have flushed yet. */
interface UnflushedBatch {
  from: number;
  rows: number;
  commitLsn: number;
  xid: string;
}

/**
 * The ledger of batches committed with synchronous_commit off (unthrottled: --nice 0, no --max-wal-rate). A server
 * crash may undo the ones whose WAL it had not flushed, so they are kept, oldest first, until the server's flush
 * position passes their commit; after a lost connection they are checked before the next batch.
 */
export class CommitLedger {
  private unflushed: UnflushedBatch[] = [];
  /** A connection was lost with batches in `unflushed`: check them before the next batch. */
  recheckPending = false;
  /** Batches that committed without waiting for their WAL. */
  asyncCommitBatches = 0;
  /** Of those, batches a server crash undid. */
  undoneBatches = 0;

  /** A batch committed (xid: its transaction id when it did not wait); its commit record lies before commitLsn. */
  committed(from: number, rows: number, xid: string | null, commitLsn: number): void {
    if (xid !== null) this.asyncCommitBatches += 1;
    if (xid !== null && rows > 0) this.unflushed.push({ from, rows, commitLsn, xid });
  }

  /** The connection was lost: whatever the server had not flushed must be checked on the next one. */
  connectionLost(): void {
    this.recheckPending = this.unflushed.length > 0;
  }

  /** The server's WAL insert position in bytes; batches committed without waiting that it has flushed are forgotten. */
  async walPosition(c: pg.ClientBase): Promise<number> {
    const row = (await c.query(rawSql('drain/wal_lsn'))).rows[0];
    const flushed = lsnBytes(row.flushed);
    while (this.unflushed.length > 0 && this.unflushed[0].commitLsn <= flushed) this.unflushed.shift();
    return lsnBytes(row.lsn);
  }

  /**
   * After a lost connection, the batches committed without waiting whose WAL the server had not yet flushed: a crash
   * may have undone them. Their ranges are swept again (a range whose rows are already gone deletes nothing): `from`
   * is where the sweep goes on; `lostRows`, the rows of those the server no longer shows as committed
   * (sql/drain/xact_status.sql), come back off the count, so rowsDeleted stays exact. (Were another session to be
   * given an undone batch's transaction id before this check, that batch would count twice; its rows are deleted
   * either way.)
   */
  async recheck(c: pg.ClientBase, next: number): Promise<{ from: number; lostRows: number }> {
    const { rows } = await c.query(rawSql('drain/xact_status'), [this.unflushed.map((b) => b.xid)]);
    const committed = new Set(rows.filter((r) => r.status === 'committed').map((r) => r.xid as string));
    const undone = this.unflushed.filter((b) => !committed.has(b.xid));
    const lostRows = undone.reduce((sum, b) => sum + b.rows, 0);
    this.undoneBatches += undone.length;
    const from = Math.min(next, this.unflushed[0].from);
    this.unflushed = [];
    this.recheckPending = false;
    return { from, lostRows };
  }
}
