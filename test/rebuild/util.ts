import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { expect } from 'vitest';
import { connectClient } from '../../src/db.js';
import { TABLE, type TestDatabase } from '../helpers.js';
import { readDefinition } from '../../src/rebuild/definition.js';
import { rebuildNames } from '../../src/rebuild/names.js';

export const names = rebuildNames(TABLE);

export const connectFor = (db: TestDatabase) => () =>
  connectClient(db.target, {
    connectTimeoutMs: 10_000,
    readOnly: false,
    statementTimeoutMs: 0,
    applicationName: 'hatchet-sessions rebuild test',
  });

/** Every row of the live table, id -> row text (a stable image). */
export async function snapshotRows(db: TestDatabase, table = 'UserSession'): Promise<Map<string, string>> {
  const { rows } = await db.pool.query(
    `SELECT id::text AS id, t::text AS image FROM ${pg.escapeIdentifier(TABLE.schema)}.${pg.escapeIdentifier(table)} t`,
  );
  return new Map(rows.map((r) => [r.id, r.image]));
}

/** The rule kept at `offset` from the server's NOW(): id -> the whole row as text. */
async function keptAt(db: TestDatabase, offset: string): Promise<Map<string, string>> {
  const { rows } = await db.pool.query(
    `SELECT id::text AS id, t::text AS image FROM public."UserSession" t
      WHERE NOT ("expiresAt" < NOW() + $1::interval OR ("userId" IS NULL AND "createdAt" < NOW() + $1::interval - INTERVAL '24 hours'))`,
    [offset],
  );
  return new Map(rows.map((r) => [r.id, r.image]));
}

/**
 * The rows the rule keeps, with ten minutes' margin either way: `surely` are still kept ten minutes from now,
 * `possibly` were kept ten minutes ago. A rebuild within that window keeps every `surely` row and none outside
 * `possibly`, whichever way a row at the 24-hour boundary ages meanwhile.
 */
export async function keptRowsAround(
  db: TestDatabase,
): Promise<{ surely: Map<string, string>; possibly: Map<string, string> }> {
  return { surely: await keptAt(db, '10 minutes'), possibly: await keptAt(db, '-10 minutes') };
}

/** Every row surely kept is there unchanged, and no row is there that the rule had already dropped. */
export function expectKept(
  after: Map<string, string>,
  kept: { surely: Map<string, string>; possibly: Map<string, string> },
): void {
  const missing = [...kept.surely].filter(([id, image]) => after.get(id) !== image).map(([id]) => id);
  const extra = [...after.keys()].filter((id) => !kept.possibly.has(id));
  expect({ missing, extra }).toEqual({ missing: [], extra: [] });
}

/** Our objects still present (new table, log, trigger, function); empty when clean. */
export async function leftoverObjects(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query(
    `SELECT 'relation ' || relname AS what FROM pg_class WHERE relname IN ($1, $2, $5)
     UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgname = $3
     UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proname = $4`,
    [names.newTable, names.log, names.trigger, names.func, names.copied],
  );
  return rows.map((r) => r.what);
}

export async function definitionOf(db: TestDatabase) {
  const d = await readDefinition(db.pool, names);
  return d ? { indexes: d.indexes, constraints: d.constraints, oid: d.oid } : null;
}

/** A login-like load from its own connections: inserts, userId/data updates by id, deletes by id. */
export class LoginLoad {
  private running = true;
  private loops: Promise<void>[] = [];
  /** id -> expected final image fields (what the load saw acknowledged); null = deleted. */
  readonly expected = new Map<string, { userId: string | null; data: string | null } | null>();
  acknowledged = 0;
  errors: string[] = [];

  constructor(
    private db: TestDatabase,
    private users: string[],
  ) {}

  start(workers = 2): void {
    for (let w = 0; w < workers; w++) this.loops.push(this.loop(w));
  }

  private async loop(w: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.db.url });
    await client.connect();
    const mine: string[] = [];
    let n = 0;
    try {
      while (this.running) {
        n += 1;
        const pick = n % 5;
        try {
          if (pick === 0 || pick === 1 || mine.length < 3) {
            const r = await client.query(
              `INSERT INTO public."UserSession" (id, "expiresAt") VALUES (gen_random_uuid(), NOW() + INTERVAL '30 days') RETURNING id::text`,
            );
            const id = r.rows[0].id;
            mine.push(id);
            this.expected.set(id, { userId: null, data: null });
          } else if (pick === 2 || pick === 3) {
            const id = mine[Math.floor(Math.random() * mine.length)]!;
            const user = this.users[n % this.users.length]!;
            const data = JSON.stringify({ w, n });
            const r = await client.query(
              `UPDATE public."UserSession" SET "userId" = $2, data = $3::jsonb WHERE id = $1`,
              [id, user, data],
            );
            if (r.rowCount) this.expected.set(id, { userId: user, data });
          } else {
            const k = Math.floor(Math.random() * mine.length);
            const id = mine[k]!;
            mine.splice(k, 1);
            await client.query(`DELETE FROM public."UserSession" WHERE id = $1`, [id]);
            this.expected.set(id, null);
          }
          this.acknowledged += 1;
        } catch (err) {
          this.errors.push((err as Error).message);
        }
      }
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Problems with the live table against what the load saw acknowledged; empty when all is there. */
  async check(): Promise<string[]> {
    const { rows } = await this.db.pool.query(
      `SELECT id::text AS id, "userId"::text AS user_id, data::text AS data FROM public."UserSession" WHERE id = ANY($1::uuid[])`,
      [[...this.expected.keys()]],
    );
    const found = new Map(rows.map((r) => [r.id, r]));
    const problems: string[] = [];
    for (const [id, want] of this.expected) {
      const got = found.get(id);
      if (want === null && got) problems.push(`${id} deleted but came back`);
      else if (want && !got) problems.push(`${id} lost`);
      else if (
        want &&
        got &&
        (got.user_id !== want.userId ||
          !isDeepStrictEqual(
            got.data === null ? null : JSON.parse(got.data),
            want.data === null ? null : JSON.parse(want.data),
          ))
      ) {
        problems.push(`${id} has ${got.user_id}/${got.data}, expected ${want.userId}/${want.data}`);
      }
    }
    return problems;
  }
}
